/* The event log: a run recorded to a file, to be replayed later or on
 * another machine. The format is described in mpiloom(5). A log is
 * written while the run goes on (log/writer.h), so a crash leaves a
 * readable prefix, and read (log/reader.h) or followed while it grows
 * (log/follower.h) as untrusted input: damage costs the chunks it hits,
 * not the file. This header holds what all three share. */
#ifndef MPILOOM_LOG_H
#define MPILOOM_LOG_H

#include <stdint.h>

#define LOG_FORMAT_VERSION 2
/* Events per chunk, at most (readers refuse more). */
#define LOG_CHUNK_EVENTS 4096
/* A disk that fills up cuts the file inside a chunk, and what it costs is
 * that chunk: writers start a new events chunk before one would pass
 * LOG_CHUNK_BYTES of records, the first ones smaller still, from
 * LOG_CHUNK_FIRST_BYTES doubling, so that a nearly full disk keeps some
 * (a full 4096-event chunk is 256 KiB or more: a small disk held none). */
#define LOG_CHUNK_FIRST_BYTES 1024
#define LOG_CHUNK_BYTES	      16384
/* Longest header string (scenario, args, host) and result text. */
#define LOG_STRING_MAX 4096
#define LOG_TEXT_MAX   (4 << 20)
/* Header nranks must be 1 to this. */
#define LOG_RANKS_MAX 1000000

struct log_header {
	uint32_t version;	  /* as read; LOG_FORMAT_VERSION when writing */
	uint32_t nranks;	  /* 1 to LOG_RANKS_MAX */
	int64_t created;	  /* unix seconds */
	int64_t clock_max_rtt_ns; /* 0: all ranks shared one clock */
	/* Owned, at most LOG_STRING_MAX bytes each; untrusted when read:
	 * any bytes (escape them to print them). */
	char *scenario; /* e.g. "tree-sum" */
	char *args;	/* the command line options, e.g. "--count 3 --root 0" */
	char *host;	/* host name of rank 0 */
};

/* Frees the strings of a header that was read or copied. Defined with the
 * header's parsing (chunk.c), outside the trace library: a writer only
 * lends its header. */
void log_header_free(struct log_header *h);

struct log_result {
	uint32_t ok_ranks;
	uint32_t size;
	char *text; /* owned; the result line's free text */
};

#endif

/* What reading and following a log share, private to src/log: the file
 * seen through a window, the chunks found in it and the header before
 * them. Every byte is untrusted: these functions check before they use. */
#ifndef MPILOOM_LOG_CHUNK_H
#define MPILOOM_LOG_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "log/log.h"

/* Bytes are read through a window, so that a large log costs a quarter
 * MiB of buffer rather than its size in memory (a larger one read no
 * faster, and showed in the store's bytes per event); a log already in
 * memory is a window that covers all of it. */
struct src {
	int fd;		    /* -1: the whole input is in win */
	const uint8_t *win; /* bytes [base, base + len) of the input */
	uint64_t base;
	size_t len;
	uint64_t size; /* lowered when a read comes up short */
	uint8_t *own;  /* the window's memory, when reading a file */
	size_t cap;
	int read_errno; /* a read failed: the input ends there */
};

struct chunk {
	uint32_t type; /* enum chunk_type, or one a later writer added */
	uint32_t len;
	uint32_t count;
	const uint8_t *payload; /* valid until the source is read again */
};

enum chunk_state {
	CHUNK_OK,	  /* header and CRC check out */
	CHUNK_INCOMPLETE, /* the input ends inside it */
	CHUNK_INVALID,	  /* no chunk starts here */
};

/* The chunk at off. CHUNK_OK vouches for its bytes, not its fields:
 * chunk_well_formed checks those. */
enum chunk_state chunk_read(struct src *s, uint64_t off, struct chunk *c);
/* Whether the fields of a chunk that checked out agree with its type. */
int chunk_well_formed(const struct chunk *c);
/* Finds the first offset from `from` on where a good chunk of a known
 * type starts. Returns 1 and sets *at, or 0. */
int chunk_resync(struct src *s, uint64_t from, uint64_t *at);
/* A well-formed result chunk's fields; r->text is the caller's to free. */
void chunk_result(const struct chunk *c, struct log_result *r);

/* Reads and checks the file's header into h (the caller frees it, even
 * on failure); *end is where the chunks start. 0, or -1 with a one-line
 * reason in err ("NAME: not an mpiloom log"). */
int chunk_file_header(struct src *s, const char *name, struct log_header *h, uint64_t *end,
		      struct strbuf *err);
/* For a file still being written: 1 once chunk_file_header can tell (the
 * header has all come, or is bad already), 0 not yet, -1 not a log. */
int chunk_file_header_ready(struct src *s);

/* "PATH: cannot read: REASON", the one message for an unreadable file. */
void chunk_cannot_read(struct strbuf *err, const char *path, const char *reason);

#endif

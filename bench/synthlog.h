/* The benchmarks that need the synthetic run on disk (logload, export):
 * a temporary path, the log written there, a clock. Header-only, like
 * synth.h: each benchmark is one program. */
#ifndef MPILOOM_BENCH_SYNTHLOG_H
#define MPILOOM_BENCH_SYNTHLOG_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "log/writer.h"
#include "synth.h"

static inline double bench_now_s(const char *prog)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		fprintf(stderr, "%s: clock_gettime: %s\n", prog, strerror(errno));
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A new empty file in $TMPDIR (or /tmp), named for prog. */
static inline char *bench_temp_path(const char *prog)
{
	const char *dir = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp", prog);
	int fd = mkstemp(sb.s);
	if (fd < 0 || close(fd) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, sb.s, strerror(errno));
		exit(1);
	}
	return sb.s;
}

/* Writes the log to disk before the load is timed, so that the kernel's
 * write-back does not compete with it: the load reads from the page
 * cache, as a replay right after a recording does. */
static inline int bench_settle(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fdatasync(fd) != 0) {
		int saved = errno;
		(void)close(fd); /* read-only: the sync's error is the one to tell */
		errno = saved;
		return -1;
	}
	return close(fd);
}

/* Big files go whatever happened. */
static inline void bench_discard(const char *prog, const char *path)
{
	if (unlink(path) != 0)
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
}

/* The synthetic run of synth.h, without previews: events over ranks. */
static inline int synth_write_events(struct log_writer *w, uint32_t ranks, long events)
{
	uint32_t *seq = calloc(ranks, sizeof *seq);
	if (seq == NULL)
		return -1;
	int rc = 0;
	for (long k = 0; k < events / 2 && rc == 0; k++) {
		struct event s, r;
		synth_exchange(k, ranks, seq, 500, 0, &s, &r);
		if (log_writer_add(w, &s, NULL) != 0 || log_writer_add(w, &r, NULL) != 0)
			rc = -1;
	}
	for (uint32_t r = 0; r < ranks && rc == 0; r++)
		if (log_writer_rank_done(w, r, seq[r]) != 0)
			rc = -1;
	free(seq);
	return rc;
}

#endif

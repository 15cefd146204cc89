/* Recording and replay cost: a synthetic run of 10,000,000 events (8 ranks
 * exchanging messages, no previews) written to a log in the temporary
 * directory, then read back into a store. Prints "name: value unit" lines
 * and deletes the log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "strbuf.h"
#include "synth.h"

#define RANKS  8
#define EVENTS 10000000L

static double now_s(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("logload: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0) {
		perror("logload: getrusage");
		exit(1);
	}
	return ru.ru_maxrss;
}

/* The synthetic run of synth.h, without previews. */
static int write_log(struct log_writer *w)
{
	uint32_t seq[RANKS] = {0};
	for (long k = 0; k < EVENTS / 2; k++) {
		struct event s, r;
		synth_exchange(k, RANKS, seq, 500, 0, &s, &r);
		if (log_writer_add(w, &s, NULL) != 0 || log_writer_add(w, &r, NULL) != 0)
			return -1;
	}
	for (uint32_t r = 0; r < RANKS; r++)
		if (log_writer_rank_done(w, r, seq[r]) != 0)
			return -1;
	return 0;
}

/* Writes the log to disk before the load is timed, so that the kernel's
 * write-back does not compete with it: the load reads from the page
 * cache, as a replay right after a recording does. */
static int settle(const char *path)
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

/* The log is 640 MB: it goes whatever happened. */
static void discard(const char *path)
{
	if (unlink(path) != 0)
		fprintf(stderr, "logload: %s: %s\n", path, strerror(errno));
}

static char *temp_path(void)
{
	const char *dir = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/logload-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(sb.s);
	if (fd < 0 || close(fd) != 0) {
		fprintf(stderr, "logload: %s: %s\n", sb.s, strerror(errno));
		exit(1);
	}
	return sb.s;
}

int main(void)
{
	char *path = temp_path();
	struct strbuf err = STRBUF_INIT;
	struct log_header h = {LOG_FORMAT_VERSION, RANKS, 0, 0, "synthetic", "", "localhost"};
	struct log_result res = {RANKS, RANKS, "synthetic"};
	double t0 = now_s();
	struct log_writer *w = log_writer_open(path, &h, &err);
	if (w == NULL || write_log(w) != 0 || log_writer_result(w, &res) != 0 ||
	    log_writer_close(w, &err) != 0) {
		fprintf(stderr, "logload: %s\n", strbuf_str(&err));
		discard(path);
		return 1;
	}
	double write_s = now_s() - t0;
	struct stat sb;
	if (settle(path) != 0 || stat(path, &sb) != 0) {
		fprintf(stderr, "logload: %s: %s\n", path, strerror(errno));
		discard(path);
		return 1;
	}
	struct store *st;
	struct log_header got;
	struct log_report rep;
	long rss0 = max_rss_kib();
	t0 = now_s();
	int rc = log_read(path, &st, &got, &rep, &err);
	double load_s = now_s() - t0;
	long rss1 = max_rss_kib();
	discard(path);
	if (rc != 0 || rep.events != EVENTS) {
		fprintf(stderr, "logload: read returned %d, %llu events: %s\n", rc,
			(unsigned long long)rep.events, strbuf_str(&err));
		return 1;
	}
	struct store_stats stats;
	store_stats(st, &stats);
	printf("log_events: %ld events\n", EVENTS);
	printf("log_write_events_per_s: %.0f events/s\n", EVENTS / write_s);
	printf("load_events_per_s: %.0f events/s\n", EVENTS / load_s);
	printf("load_matched_pairs: %llu pairs\n", (unsigned long long)stats.matched);
	printf("bytes_per_event: %.2f bytes\n", (double)sb.st_size / EVENTS);
	printf("peak_rss_bytes_per_event: %.1f bytes\n", (double)(rss1 - rss0) * 1024 / EVENTS);
	store_free(st);
	log_header_free(&got);
	log_report_free(&rep);
	strbuf_free(&err);
	free(path);
	return 0;
}

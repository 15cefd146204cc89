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

#include "core/store.h"
#include "core/strbuf.h"
#include "log/reader.h"
#include "log/writer.h"
#include "synthlog.h"

#define RANKS  8
#define EVENTS 10000000L

static long max_rss_kib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0) {
		perror("logload: getrusage");
		exit(1);
	}
	return ru.ru_maxrss;
}

int main(void)
{
	char *path = bench_temp_path("logload");
	struct strbuf err = STRBUF_INIT;
	struct log_header h = {LOG_FORMAT_VERSION, RANKS, 0, 0, "synthetic", "", "localhost"};
	struct log_result res = {RANKS, RANKS, "synthetic"};
	double t0 = bench_now_s("logload");
	struct log_writer *w = log_writer_open(path, &h, &err);
	if (w == NULL || synth_write_events(w, RANKS, EVENTS) != 0 || log_writer_result(w, &res) != 0 ||
	    log_writer_close(w, &err) != 0) {
		fprintf(stderr, "logload: %s\n", strbuf_str(&err));
		bench_discard("logload", path);
		return 1;
	}
	double write_s = bench_now_s("logload") - t0;
	struct stat sb;
	if (bench_settle(path) != 0 || stat(path, &sb) != 0) {
		fprintf(stderr, "logload: %s: %s\n", path, strerror(errno));
		bench_discard("logload", path);
		return 1;
	}
	struct store *st;
	struct log_header got;
	struct log_report rep;
	long rss0 = max_rss_kib();
	t0 = bench_now_s("logload");
	int rc = log_read(path, &st, &got, &rep, &err);
	double load_s = bench_now_s("logload") - t0;
	long rss1 = max_rss_kib();
	bench_discard("logload", path);
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

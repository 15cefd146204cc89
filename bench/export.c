/* Export cost: the synthetic run of 10,000,000 events (8 ranks exchanging
 * messages, as bench/logload writes it) exported to each format in the
 * temporary directory. Prints "export_<format>_events_per_s: X events/s"
 * and the output's size per event; deletes what it wrote.
 * usage: bench/export [otf2|chrome|csv|svg ...] (default: all) */
#include "config.h"

#include <ftw.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "export/export.h"
#include "synthlog.h"

#define RANKS  8
#define EVENTS 10000000L

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The output's bytes: a file, or the files of a directory (OTF2). */
static off_t size_of(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return sb.st_size;
	struct strbuf cmd = STRBUF_INIT;
	strbuf_printf(&cmd, "du -sb '%s'", path);
	FILE *p = popen(cmd.s, "r");
	long long n = 0;
	if (p != NULL) {
		if (fscanf(p, "%lld", &n) != 1)
			n = 0;
		pclose(p);
	}
	strbuf_free(&cmd);
	return (off_t)n;
}

/* CPU seconds of this process, both of its threads, user and system: on
 * a shared machine steadier than the elapsed time. */
static double cpu_s(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int bench_one(const struct export_format *fmt, const char *log)
{
	char *out = bench_temp_path("export");
	bench_discard("export", out);
	struct export_opts o = {.out = out, .log = log, .quiet = 1};
	double t0 = bench_now_s("export"), c0 = cpu_s();
	int rc = export_run(fmt, &o);
	double s = bench_now_s("export") - t0, cpu = cpu_s() - c0;
	off_t bytes = size_of(out);
	if (nftw(out, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "export: cannot remove %s\n", out);
	free(out);
	if (rc != 0) {
		fprintf(stderr, "export: --%s exited %d\n", fmt->option, rc);
		return -1;
	}
	printf("export_%s_events_per_s: %.0f events/s\n", fmt->option, EVENTS / s);
	printf("export_%s_cpu_ns_per_event: %.0f ns\n", fmt->option, cpu * 1e9 / EVENTS);
	printf("export_%s_bytes_per_event: %.1f bytes\n", fmt->option, (double)bytes / EVENTS);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* No arguments: every format; otherwise the formats named. */
static int wanted(const struct export_format *fmt, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], fmt->option) == 0)
			return 1;
	return argc < 2;
}

int main(int argc, char **argv)
{
	char *log = bench_temp_path("export-log");
	struct strbuf err = STRBUF_INIT;
	struct log_header h = {LOG_FORMAT_VERSION, RANKS, 0, 0, "synthetic", "", "localhost"};
	struct log_writer *w = log_writer_open(log, &h, &err);
	if (w == NULL || synth_write_events(w, RANKS, EVENTS) != 0 ||
	    log_writer_close(w, &err) != 0 || bench_settle(log) != 0) {
		fprintf(stderr, "export: %s\n", strbuf_str(&err));
		bench_discard("export", log);
		return 1;
	}
	const struct export_format *const formats[] = {&export_otf2, &export_chrome,
	                                               &export_csv, &export_svg};
	int rc = 0;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (wanted(formats[i], argc, argv) && bench_one(formats[i], log) != 0)
			rc = 1;
	bench_discard("export", log);
	free(log);
	strbuf_free(&err);
	return rc;
}

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/logview.h"
#include "core/quote.h"
#include "log/health.h"
#include "log/reader.h"
#include "tui/replay.h"
#include "view/narrate.h"
#include "view/textview.h"
#include "view/timeline.h"
#include "view/view.h"

struct recording {
	struct store *st;
	struct log_header h;
	struct log_report rep;
	int health; /* log_read's answer */
};

static void escaped(struct strbuf *sb, const char *s)
{
	strbuf_escape(sb, s ? s : "", s ? strlen(s) : 0);
}

/* 0 and a loaded recording, or the exit status to return. */
static int load(const char *path, struct recording *rc)
{
	struct strbuf err = STRBUF_INIT;
	memset(rc, 0, sizeof *rc);
	rc->health = log_read(path, &rc->st, &rc->h, &rc->rep, &err);
	if (rc->health == 2) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		strbuf_free(&err);
		return 2;
	}
	strbuf_free(&err);
	store_seal(rc->st); /* read to its end, or to the damage */
	return 0;
}

static void unload(struct recording *rc)
{
	store_free(rc->st);
	log_header_free(&rc->h);
	log_report_free(&rc->rep);
}

static int finish(const char *path, struct recording *rc, int status)
{
	if (rc->health != 0) {
		loghealth_say(path, &rc->rep);
		if (status == 0)
			status = LOGHEALTH_DAMAGED;
	}
	unload(rc);
	return status;
}

/* A recorded result's text is the result line's text, preceded by the
 * scenario's longer report (compare's table) if it had one. */
static const char *summary_of(const char *text)
{
	const char *nl = text ? strrchr(text, '\n') : NULL;
	return nl ? nl + 1 : text;
}

static void table_lines(struct strbuf *sb, const char *text)
{
	const char *end = text ? strrchr(text, '\n') : NULL;
	for (const char *p = text; end != NULL && p < end;) {
		size_t len = strcspn(p, "\n");
		strbuf_puts(sb, "# ");
		strbuf_escape(sb, p, len);
		strbuf_putc(sb, '\n');
		p += len + 1;
	}
}

static void result_line(struct strbuf *sb, const struct recording *rc)
{
	if (rc->rep.has_result) {
		table_lines(sb, rc->rep.result.text);
		textview_result_line(sb, rc->h.scenario ? rc->h.scenario : "", rc->rep.result.size,
				     rc->rep.result.ok_ranks, rc->st, summary_of(rc->rep.result.text));
		return;
	}
	strbuf_puts(sb, "# result: ");
	escaped(sb, rc->h.scenario);
	strbuf_printf(sb, " ranks=%u check=unknown (the recording has no result)", rc->h.nranks);
}

int logview_dump(const char *path, int steps)
{
	struct recording rc;
	int status = load(path, &rc);
	if (status != 0)
		return status;
	struct strbuf line = STRBUF_INIT, pending = STRBUF_INIT;
	result_line(&line, &rc);
	narrate_pending_lines(&pending, rc.st, "# pending: ");
	/* the program's output first, the calls the ranks were left in after
	 * the events, as `mpiloom run --text` prints them */
	if (fputs(strbuf_str(&rc.rep.output.lines), stdout) < 0 ||
	    textview_print(stdout, rc.st, steps ? TEXTVIEW_STEPS : 0) != 0 || fputs(strbuf_str(&pending), stdout) < 0 ||
	    printf("%s\n", strbuf_str(&line)) < 0 || fflush(stdout) != 0)
		status = 3;
	strbuf_free(&line);
	strbuf_free(&pending);
	return finish(path, &rc, status);
}

static void info_health(struct strbuf *sb, const struct recording *rc)
{
	if (rc->health == 0) {
		strbuf_printf(sb, "complete (%llu chunks, end record present)",
			      (unsigned long long)rc->rep.chunks);
		return;
	}
	if (rc->rep.truncated)
		strbuf_printf(sb, "TRUNCATED at byte %llu of %llu (%llu events recovered)",
			      (unsigned long long)rc->rep.truncated_at,
			      (unsigned long long)rc->rep.file_bytes,
			      (unsigned long long)rc->rep.events);
	if (rc->rep.bad_chunks)
		strbuf_printf(sb, "%sDAMAGED: %llu chunk(s) skipped, the first at byte %llu",
			      rc->rep.truncated ? "; " : "", (unsigned long long)rc->rep.bad_chunks,
			      (unsigned long long)rc->rep.first_bad_offset);
	if (!rc->rep.truncated && !rc->rep.bad_chunks)
		loghealth_damage(sb, &rc->rep);
}

int logview_info(const char *path)
{
	struct recording rc;
	int status = load(path, &rc);
	if (status != 0)
		return status;
	struct store_stats s;
	int64_t first, last;
	char when[64] = "?", dur[32], rtt[32];
	time_t created = (time_t)rc.h.created;
	struct tm tm;
	if (gmtime_r(&created, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	store_stats(rc.st, &s);
	view_extent(rc.st, &first, &last);
	timeline_format_time(dur, sizeof dur, view_elapsed(first, last));
	timeline_format_time(rtt, sizeof rtt, rc.h.clock_max_rtt_ns);
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "file: ");
	quote_name(&sb, path);
	strbuf_printf(&sb, " (%llu bytes, format %u)\nscenario: ",
		      (unsigned long long)rc.rep.file_bytes, rc.h.version);
	escaped(&sb, rc.h.scenario);
	if (rc.h.args != NULL && rc.h.args[0] != '\0') {
		strbuf_putc(&sb, ' ');
		escaped(&sb, rc.h.args);
	}
	strbuf_printf(&sb, "\nranks: %u\ncreated: %s on ", rc.h.nranks, when);
	escaped(&sb, rc.h.host);
	if (rc.h.clock_max_rtt_ns == 0)
		strbuf_puts(&sb, "\nclock: one host, offsets exact\n");
	else
		strbuf_printf(&sb, "\nclock: several hosts, offsets from ping-pong (worst round trip %s)\n", rtt);
	strbuf_printf(&sb, "events: %llu (lost %llu), messages: %llu matched, %llu unmatched\n",
		      (unsigned long long)s.events, (unsigned long long)s.lost,
		      (unsigned long long)s.matched,
		      (unsigned long long)(s.unmatched_sends + s.unmatched_recvs));
	strbuf_printf(&sb, "duration: %s (first call to last)\n", dur);
	if (rc.rep.output.nlines > 0)
		strbuf_printf(&sb, "output: %zu lines of the program's stdout and stderr\n",
			      rc.rep.output.nlines);
	strbuf_puts(&sb, "result: ");
	if (rc.rep.has_result) {
		strbuf_printf(&sb, "check %s, %u/%u ranks ok: ",
			      rc.rep.result.ok_ranks == rc.rep.result.size ? "passed" : "failed",
			      rc.rep.result.ok_ranks, rc.rep.result.size);
		escaped(&sb, summary_of(rc.rep.result.text));
	} else {
		strbuf_puts(&sb, "none recorded");
	}
	strbuf_puts(&sb, "\nhealth: ");
	info_health(&sb, &rc);
	if (printf("%s\n", strbuf_str(&sb)) < 0 || fflush(stdout) != 0)
		status = 3;
	strbuf_free(&sb);
	return finish(path, &rc, status);
}

int logview_replay(const char *path, int logical)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "mpiloom: replay needs a terminal; 'mpiloom dump FILE' prints the "
				"recording as text\n");
		return 2;
	}
	struct recording rc;
	int status = load(path, &rc);
	if (status != 0)
		return status;
	const char *result = rc.rep.has_result ? summary_of(rc.rep.result.text) : NULL;
	int passed = rc.rep.has_result && rc.rep.result.ok_ranks == rc.rep.result.size;
	char *table = NULL;
	if (result != NULL && result != rc.rep.result.text) {
		size_t len = (size_t)(result - rc.rep.result.text);
		table = strndup(rc.rep.result.text, len);
	}
	const char *output = rc.rep.output.nlines > 0 ? strbuf_str(&rc.rep.output.lines) : NULL;
	/* a traced program's path: its name is what fits the status bar,
	 * as on the live screen */
	const char *title = rc.h.scenario ? rc.h.scenario : "?";
	if (strrchr(title, '/') != NULL)
		title = strrchr(title, '/') + 1;
	status = replay_screen(rc.st, title, passed, result, table, output, logical);
	free(table);
	return finish(path, &rc, status);
}

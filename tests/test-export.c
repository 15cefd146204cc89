/* The exporters' pieces that need no log: escaping for each format, and
 * kinds this version does not know exported by their name, not refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/escape.h"
#include "export/export.h"
#include "unit.h"

/* Runs one escape into a temporary file and compares what it wrote. */
static int escapes_to(void (*esc)(struct outfile *, const char *, size_t), const char *in,
                      size_t n, const char *want)
{
	char path[] = "/tmp/test-export-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	struct outfile o;
	struct strbuf err = STRBUF_INIT;
	outfile_adopt(&o, fd, path);
	esc(&o, in, n);
	int ok = outfile_close(&o, &err) == 0;
	char got[256] = "";
	FILE *f = fopen(path, "r");
	size_t len = f ? fread(got, 1, sizeof got - 1, f) : 0;
	got[len] = '\0';
	if (f)
		fclose(f);
	unlink(path);
	strbuf_free(&err);
	if (!ok || strcmp(got, want) != 0) {
		fprintf(stderr, "escaped to '%s', wanted '%s'\n", got, want);
		return 0;
	}
	return 1;
}

#define ESC(fn, lit, want) escapes_to(fn, lit, sizeof(lit) - 1, want)

static void test_json(void)
{
	CHECK(ESC(escape_json, "plain text", "plain text"));
	CHECK(ESC(escape_json, "a\"b\\c", "a\\\"b\\\\c"));
	CHECK(ESC(escape_json, "\x01\n\x1b\x7f", "\\u0001\\u000a\\u001b\\u007f"));
	CHECK(ESC(escape_json, "caf\xc3\xa9", "caf\xc3\xa9"));
	/* invalid UTF-8: a lone byte, a cut sequence, a surrogate, overlong */
	CHECK(ESC(escape_json, "\xff", "\xef\xbf\xbd"));
	CHECK(ESC(escape_json, "\xc3", "\xef\xbf\xbd"));
	CHECK(ESC(escape_json, "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
	CHECK(ESC(escape_json, "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"));
	CHECK(ESC(escape_json, "a\0b", "a\\u0000b"));
}

static void test_xml(void)
{
	CHECK(ESC(escape_xml, "<a href='x'>&amp;\"</a>",
	          "&lt;a href=&#39;x&#39;&gt;&amp;amp;&quot;&lt;/a&gt;"));
	CHECK(ESC(escape_xml, "tab\there\x01\x1b", "tab\there\xef\xbf\xbd\xef\xbf\xbd"));
	CHECK(ESC(escape_xml, "\xef\xbf\xbe", "\xef\xbf\xbd"));
	CHECK(ESC(escape_xml, "\xe2\x86\x92", "\xe2\x86\x92"));
}

static void test_csv(void)
{
	CHECK(ESC(escape_csv, "MPI_INT", "MPI_INT"));
	CHECK(ESC(escape_csv, "a,b", "\"a,b\""));
	CHECK(ESC(escape_csv, "say \"hi\"", "\"say \"\"hi\"\"\""));
	CHECK(ESC(escape_csv, "two\nlines", "\"two\nlines\""));
	CHECK(ESC(escape_csv, "\xff", "\"\xef\xbf\xbd\""));
	CHECK(ESC(escape_csv, "", ""));
}

/* The extremes a damaged log may hold, each time field's formatter. */
static void extreme_times(struct outfile *o, const char *unused, size_t n)
{
	(void)unused;
	(void)n;
	outfile_us(o, INT64_MIN);
	outfile_putc(o, ' ');
	outfile_us(o, INT64_MAX);
	outfile_putc(o, ' ');
	outfile_us(o, -2);
	outfile_putc(o, ' ');
	outfile_i64(o, INT64_MIN);
	outfile_putc(o, ' ');
	outfile_i64(o, INT64_MAX);
}

static void test_times(void)
{
	CHECK(ESC(extreme_times, "",
	          "-9223372036854775.808 9223372036854775.807 -0.002 "
	          "-9223372036854775808 9223372036854775807"));
}

/* A kind added after this version (another branch's non-blocking calls,
 * say) goes by its name in every format, classed as "other". */
static void test_unknown_kind(void)
{
	struct event ev = {.kind = 200, .peer = EV_UNSET, .tag = EV_UNSET};
	CHECK(export_class_of(&ev) == XC_OTHER);
	CHECK(strcmp(export_call_name(&ev), event_kind_name(200)) == 0);
	ev.kind = EV_SSEND;
	CHECK(strcmp(export_call_name(&ev), "MPI_Ssend") == 0);
	CHECK(export_class_of(&ev) == XC_SEND);

	char dir[] = "/tmp/test-export-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_printf(&path, "%s/out.csv", dir);
	struct export_opts opt = {.out = path.s, .log = "none"};
	struct log_header h = {.version = 1, .nranks = 2};
	struct export_info in = {.opt = &opt, .h = &h};
	void *f = export_csv.open(&in, &err);
	CHECK(f != NULL);
	struct event odd = {.rank = 1, .kind = 200, .peer = 0, .tag = 3, .st_source = EV_UNSET};
	struct export_totals t = {1, 0, NULL, 0};
	if (f != NULL) {
		CHECK(export_csv.event(f, &odd, NULL) == 0);
		CHECK(export_csv.close(f, &t, &err) == 0);
	}
	FILE *in_file = fopen(path.s, "r");
	char line[512] = "", row[512] = "";
	CHECK(in_file != NULL && fgets(line, sizeof line, in_file) &&
	      fgets(row, sizeof row, in_file));
	if (in_file)
		fclose(in_file);
	CHECK(strncmp(row, "1,0,unknown,unknown,other,", 26) == 0);
	unlink(path.s);
	rmdir(dir);
	strbuf_free(&path);
	strbuf_free(&err);
}

int main(void)
{
	test_json();
	test_xml();
	test_csv();
	test_times();
	test_unknown_kind();
	UNIT_END();
}

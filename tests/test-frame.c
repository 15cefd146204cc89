/* The screen, drawn off-screen into a canvas: rank rows, message lines
 * between the right rows, level labels, the tree panel's sums, the detail
 * pane's status fields, help, and the notice for a too small terminal. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "events.h"
#include "unit.h"
#include "view/canvas.h"
#include "view/frame.h"
#include "view/narrate.h"
#include "view/timeline.h"
#include "view/view.h"

static uint32_t seqs[64];

static void add(struct store *st, int kind, uint32_t rank, int64_t t, int64_t dur, int peer,
		int tag, double value)
{
	struct event e;
	memset(&e, 0, sizeof e);
	e.kind = (uint8_t)kind;
	e.rank = rank;
	e.seq = seqs[rank]++;
	e.t_begin = t;
	e.dur = (uint32_t)dur;
	e.peer = peer;
	e.tag = tag;
	e.count = 1;
	e.type_size = 8;
	e.dtype = DT_DOUBLE;
	e.st_source = e.st_tag = e.st_count = e.st_elements = EV_UNSET;
	if (kind == EV_RECV) {
		e.st_source = peer;
		e.st_tag = tag;
		e.st_count = e.st_elements = 1;
	}
	if (tag >= 0 && kind != EV_RESULT) {
		e.level = (uint8_t)tag;
		e.flags |= EVF_LEVEL;
	}
	e.preview_len = 8;
	e.preview_dtype = DT_DOUBLE;
	CHECK(store_add(st, &e, (const uint8_t *)&value) == 0);
}

static void add_result(struct store *st, uint32_t rank, int64_t t, const char *text)
{
	struct event e;
	memset(&e, 0, sizeof e);
	e.kind = EV_RESULT;
	e.rank = rank;
	e.seq = seqs[rank]++;
	e.t_begin = t;
	e.peer = e.tag = e.count = EV_UNSET;
	e.st_source = e.st_tag = e.st_count = e.st_elements = EV_UNSET;
	e.preview_len = (uint8_t)strlen(text);
	e.preview_dtype = DT_CHAR;
	CHECK(store_add(st, &e, (const uint8_t *)text) == 0);
}

/* tree-sum at 4 ranks: L0 1->0, 3->2; L1 2->0 */
static struct store *tree4(void)
{
	struct store *st = store_new(4);
	memset(seqs, 0, sizeof seqs);
	add(st, EV_RECV, 0, 1000, 9000, 1, 0, 2);
	add(st, EV_SEND, 1, 5000, 500, 0, 0, 2);
	add(st, EV_RECV, 2, 1000, 9000, 3, 0, 4);
	add(st, EV_SEND, 3, 6000, 500, 2, 0, 4);
	add(st, EV_SEND, 2, 20000, 500, 0, 1, 7);
	add(st, EV_RECV, 0, 15000, 6000, 2, 1, 7);
	add_result(st, 0, 22000, "sum = 10, expected 10");
	return st;
}

static int find_row(struct canvas *cv, const char *needle, char *row)
{
	for (int y = 0; y < cv->rows; y++) {
		canvas_row_ascii(cv, y, row);
		if (strstr(row, needle) != NULL)
			return y;
	}
	return -1;
}

static void test_timeline(void)
{
	struct store *st = tree4();
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	struct frame_info info = {"tree-sum", RUN_FINISHED, 1, "sum = 10", NULL, NULL, NULL};
	char row[256];
	canvas_init(&cv, 40, 100);
	view_init(&v);
	v.show_tree = 1;
	view_fit(&v, st);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(lay.spacing == 2 && lay.ranks_shown == 4);
	int y0 = find_row(&cv, "r0 ", row), y1 = find_row(&cv, "r1 ", row);
	int y2 = find_row(&cv, "r2 ", row), y3 = find_row(&cv, "r3 ", row);
	CHECK(y0 == 1 && y1 == 3 && y2 == 5 && y3 == 7);
	/* 1->0: a head pointing up on the line just under r0 */
	canvas_row_ascii(&cv, y0 + 1, row);
	CHECK(strchr(row, '^') != NULL);
	/* 3->2: head under r2; its label L0 on the line above r3 */
	canvas_row_ascii(&cv, y2 + 1, row);
	CHECK(strchr(row, '^') != NULL && strstr(row, "L0") != NULL);
	/* 2->0 crosses r1's gap lines up to the head under r0 */
	canvas_row_ascii(&cv, y1 + 1, row);
	CHECK(strstr(row, "L1") != NULL || strpbrk(row, "|/\\") != NULL);
	CHECK(find_row(&cv, "tree-sum: 4 ranks, 2 levels", row) > 0);
	CHECK(find_row(&cv, "L1   r0=3+7=10", row) > 0);
	CHECK(find_row(&cv, "sum at r0: 10", row) > 0);
	CHECK(find_row(&cv, "result: sum = 10", row) == 39);
	CHECK(find_row(&cv, "FINISHED check passed", row) == 0);
	canvas_free(&cv);
	store_free(st);
}

static void test_detail_and_selection(void)
{
	struct store *st = tree4();
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	struct frame_info info = {"tree-sum", RUN_LIVE, 0, NULL, NULL, NULL, NULL};
	char row[256];
	canvas_init(&cv, 30, 100);
	view_init(&v);
	view_fit(&v, st);
	view_select_step(&v, st, 1); /* the first call: r0's recv at t=1000 */
	CHECK(v.has_sel && v.sel.rank == 0 && v.sel.index == 0);
	view_select_step(&v, st, 1); /* then r2's recv, also at t=1000 */
	CHECK(v.sel.rank == 2 && v.sel.index == 0);
	view_select_step(&v, st, 0);
	CHECK(v.sel.rank == 0 && v.sel.index == 0);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "recv  rank 0 #0  from 1  tag 0", row) > 0);
	CHECK(find_row(&cv, " rank 0 receives 2 from rank 1 (tag 0, level 0 of the tree)", row) > 0);
	CHECK(find_row(&cv, "status: MPI_SOURCE 1  MPI_TAG 0  count 1  elements 1", row) > 0);
	CHECK(find_row(&cv, "message 1.0: rank 1 sends at", row) > 0);
	CHECK(find_row(&cv, "data: [2]", row) > 0);
	CHECK(find_row(&cv, "LIVE", row) == 0);
	v.show_help = 1;
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "Shift-Tab", row) > 0);
	canvas_free(&cv);
	store_free(st);
}

static void test_too_small(void)
{
	struct store *st = tree4();
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	struct frame_info info = {"tree-sum", RUN_LIVE, 0, NULL, NULL, NULL, NULL};
	char row[256];
	canvas_init(&cv, 20, 70);
	view_init(&v);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "needs at least 80x24 (this is 70x20)", row) == 10);
	CHECK(find_row(&cv, "r0", row) < 0);
	/* a click on the notice (no timeline, spacing 0) selects nothing */
	struct event_ref ref;
	CHECK(timeline_hit(st, &v, &lay, cv.cols, 3, 10, &ref) == 0);
	canvas_free(&cv);
	store_free(st);
}

/* 64 ranks in 24 lines: one line a rank, scrolled by top_rank. */
static void test_many_ranks(void)
{
	struct store *st = store_new(64);
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	struct frame_info info = {"gather", RUN_LIVE, 0, NULL, NULL, NULL, NULL};
	char row[256];
	memset(seqs, 0, sizeof seqs);
	canvas_init(&cv, 24, 80);
	view_init(&v);
	v.show_detail = 0;
	v.top_rank = 40;
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(lay.spacing == 1 && lay.ranks_shown == 22);
	CHECK(find_row(&cv, "r40", row) == 1);
	CHECK(find_row(&cv, "r61", row) == 22);
	/* r62 and r63 are below: the axis line says so under the labels */
	canvas_row_ascii(&cv, 23, row);
	CHECK(strncmp(row, "v2 ", 3) == 0);
	v.top_rank = 42;
	frame_draw(&cv, st, &v, &info, &lay);
	canvas_row_ascii(&cv, 23, row);
	CHECK(strncmp(row, "^42 ", 4) == 0);
	canvas_free(&cv);
	store_free(st);
}

/* tree-sum at p ranks, as the scenario runs it: rank r holds r+1; at
 * level l, each rank r with r % 2^(l+1) == 2^l sends its partial sum to
 * r - 2^l; the root's result says the sum. */
static struct store *tree_sum(uint32_t p)
{
	struct store *st = store_new(p);
	double *part = calloc(p, sizeof *part);
	memset(seqs, 0, sizeof seqs);
	for (uint32_t r = 0; r < p; r++)
		part[r] = r + 1;
	for (int l = 0; (1u << l) < p; l++) {
		uint32_t step = 1u << l;
		for (uint32_t r = step; r < p; r += 2 * step) {
			int64_t t = 100000 * (l + 1) + 100 * r;
			add(st, EV_SEND, r, t, 500, (int)(r - step), l, part[r]);
			add(st, EV_RECV, r - step, t - 50, 1000, (int)r, l, part[r]);
			part[r - step] += part[r];
		}
	}
	char text[64];
	snprintf(text, sizeof text, "sum = %g, expected %g", part[0], part[0]);
	add_result(st, 0, 1000000, text);
	free(part);
	return st;
}

/* 64 ranks' tree panel: six levels added up whatever fits, long lines
 * cut where their wall time still shows, left-out levels named. */
static void test_tree_panel_64(void)
{
	struct store *st = tree_sum(64);
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	struct frame_info info = {"tree-sum", RUN_FINISHED, 1, "sum = 2080", NULL, NULL, NULL};
	char row[256];
	view_init(&v);
	v.show_tree = 1;
	view_fit(&v, st);
	canvas_init(&cv, 40, 100);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "sum at r0: 2080", row) > 0);
	CHECK(find_row(&cv, "L5   r0=528+1552=2080   wall ", row) > 0);
	CHECK(find_row(&cv, "L0   r0=1+2=3", row) > 0);
	CHECK(strstr(row, "...(") != NULL && strstr(row, "   wall ") != NULL);
	CHECK(strlen(row) <= 100);
	CHECK(find_row(&cv, "leaves  r0=1", row) > 0 && strstr(row, "more)") != NULL);
	canvas_free(&cv);
	canvas_init(&cv, 24, 80);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "sum at r0: 2080", row) > 0);
	CHECK(find_row(&cv, "L0 to L2 not shown", row) > 0);
	CHECK(find_row(&cv, "L5   r0=528+1552=2080   wall ", row) > 0);
	CHECK(find_row(&cv, "L3   r0=36+100=136", row) > 0 && strstr(row, "   wall ") != NULL);
	CHECK(lay.ranks_shown >= 4);
	/* a replay up to level 3: the levels so far stay in sight */
	v.horizon = 450000;
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, " L0 not shown: a taller window shows it", row) > 0);
	CHECK(find_row(&cv, "L3   r0=36+100=136", row) > 0);
	CHECK(find_row(&cv, "sum at r0: 136", row) > 0);
	v.horizon = INT64_MAX;
	canvas_free(&cv);
	store_free(st);
	/* 32 ranks, five levels, in 24 lines: the note and the last three */
	st = tree_sum(32);
	view_fit(&v, st);
	canvas_init(&cv, 24, 80);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, " L0 to L1 not shown: a taller window shows them", row) > 0);
	CHECK(find_row(&cv, "L2   r0=10+26=36", row) > 0);
	CHECK(find_row(&cv, "L4   r0=136+392=528   wall ", row) > 0);
	CHECK(find_row(&cv, "sum at r0: 528", row) > 0);
	canvas_free(&cv);
	store_free(st);
}

/* The rows from y on, their text from column x, trimmed and joined by
 * single spaces: a wrapped paragraph read back. */
static void read_back(struct canvas *cv, int y, int x, char *out, size_t size)
{
	char row[256];
	out[0] = '\0';
	for (; y < cv->rows; y++) {
		canvas_row_ascii(cv, y, row);
		size_t n = strlen(row);
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		if ((size_t)x < n && strlen(out) + n + 2 < size) {
			if (out[0] != '\0')
				strcat(out, " ");
			strcat(out, row + x);
		}
	}
}

/* compare once it ended at 80x24: the verdict wrapped whole under the
 * screen, the table with its bars for every rank; the detail pane only
 * once a call is selected; a verdict longer than a quarter of the screen
 * ends in "...". */
static void test_compare_verdict(void)
{
	struct store *st = tree4();
	struct canvas cv;
	struct view v;
	struct timeline_layout lay;
	const char *verdict =
		"tree is fastest at 4 ranks and 1 double(s): 7.25 us (linear 9.50, reduce 8.00, "
		"allreduce 8.10). The linear sum takes 1.3x the tree's time: its root receives 3 "
		"messages one after another, the tree needs 2 rounds in which pairs of ranks add "
		"at the same time.";
	const char *table = "compare: 4 ranks, 1 double(s) a rank, median of 10 reps\n"
			    "method       time_us   root_us  messages       bytes  rounds\n"
			    "linear          9.50      9.50         3          24  3 receives\n"
			    "tree            7.25      7.25         3          24  2 levels\n"
			    "reduce          8.00      8.00         -           -  inside\n"
			    "allreduce       8.10      8.00         -           -  inside\n"
			    "rank  linear      tree        reduce      allreduce\n"
			    "r0    ##########  #######     ########    ########\n"
			    "r1    #           #           #           #\n"
			    "r2    #           ##          #           #\n"
			    "r3    #           #           #           #\n"
			    "per-rank median (us):\n"
			    "  linear    r0=9.50 r1=0.50 r2=0.40 r3=0.45\n";
	struct frame_info info = {"compare", RUN_FINISHED, 1, verdict, NULL, table, NULL};
	char row[256], text[2048];
	canvas_init(&cv, 24, 80);
	view_init(&v);
	view_fit(&v, st);
	frame_draw(&cv, st, &v, &info, &lay);
	int y = find_row(&cv, " result: tree is fastest", row);
	CHECK(y > 0 && y < cv.rows - 1);
	read_back(&cv, y, 9, text, sizeof text);
	CHECK(strcmp(text, verdict) == 0);
	CHECK(find_row(&cv, "-- compare --", row) > 0);
	CHECK(find_row(&cv, "r3    #", row) > 0 && find_row(&cv, "r3    #", row) < y);
	CHECK(find_row(&cv, "-- detail --", row) < 0);

	view_select_step(&v, st, 1);
	frame_draw(&cv, st, &v, &info, &lay);
	CHECK(find_row(&cv, "-- detail --", row) > 0);

	char longer[2048];
	snprintf(longer, sizeof longer, "%s %s %s", verdict, verdict, verdict);
	info.result = longer;
	frame_draw(&cv, st, &v, &info, &lay);
	y = find_row(&cv, " result: tree is fastest", row);
	CHECK(y == cv.rows - cv.rows / 4);
	canvas_row_ascii(&cv, cv.rows - 1, row);
	CHECK(strstr(row, "...") != NULL);
	canvas_free(&cv);
	store_free(st);
}

/* The narration of a probe names its status fields. */
static void test_narrate_probe(void)
{
	struct store *st = store_new(2);
	struct event e = mk(1, 0, EV_PROBE, 0, EV_ANY, EV_ANY);
	struct strbuf sb = STRBUF_INIT;
	e.count = EV_UNSET;
	e.dtype = DT_DOUBLE;
	e.type_size = 8;
	e.st_source = 0;
	e.st_tag = 1;
	e.st_count = 3;
	e.st_elements = 3;
	CHECK(store_add(st, &e, NULL) == 0);
	narrate(&sb, st, (struct event_ref){1, 0});
	CHECK(strcmp(strbuf_str(&sb), "rank 1 probes (ANY_SOURCE, ANY_TAG): message from rank 0, "
				      "tag 1, 3 MPI_DOUBLE (MPI_Get_count), 3 elements") == 0);
	strbuf_free(&sb);
	store_free(st);
}

static struct event nb_event(uint32_t rank, uint32_t seq, int kind, int32_t peer, int32_t tag)
{
	struct event e = mk(rank, seq, kind, 100 * seq, peer, tag);
	e.count = 1;
	e.dtype = DT_INT;
	e.type_size = 4;
	return e;
}

static int says(const struct store *st, struct event_ref ref, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	narrate(&sb, st, ref);
	int ok = strcmp(strbuf_str(&sb), want) == 0;
	if (!ok)
		fprintf(stderr, "narration: %s\n", strbuf_str(&sb));
	strbuf_free(&sb);
	return ok;
}

/* An Irecv and an Isend, each completed by a Wait: the narration names
 * the other end of each request, and the message. */
static void test_narrate_nonblocking(void)
{
	struct store *st = store_new(2);
	struct event evs[4] = {nb_event(1, 0, EV_IRECV, EV_ANY, 3), nb_event(0, 0, EV_ISEND, 1, 3),
			       nb_event(0, 1, EV_WAIT, 1, 3), nb_event(1, 1, EV_WAIT, EV_ANY, 3)};
	evs[2].aux = 1; /* completes r0 #0 */
	evs[3].aux = 1; /* completes r1 #0, a receive */
	evs[3].flags = EVF_REQ_RECV;
	evs[3].st_source = 0;
	evs[3].st_tag = 3;
	evs[3].st_count = evs[3].st_elements = 1;
	for (int i = 0; i < 4; i++)
		CHECK(store_add(st, &evs[i], NULL) == 0);
	CHECK(says(st, (struct event_ref){1, 0},
		   "rank 1 posts a receive of up to 1 MPI_INT from any rank (tag 3), completed by "
		   "its wait #1"));
	CHECK(says(st, (struct event_ref){0, 0},
		   "rank 0 starts sending 1 MPI_INT to rank 1 (tag 3), completed by its wait #1"));
	CHECK(says(st, (struct event_ref){0, 1},
		   "rank 0's send to rank 1 is complete: its buffer may be reused, completing its "
		   "isend #0"));
	CHECK(says(st, (struct event_ref){1, 1},
		   "rank 1 receives 1 MPI_INT from rank 0 (tag 3), having asked for ANY_SOURCE, "
		   "completing its irecv #0"));
	store_free(st);
}

static int formats_to(int64_t ns, const char *want)
{
	char buf[32];
	timeline_format_time(buf, sizeof buf, ns);
	if (strcmp(buf, want) == 0)
		return 1;
	fprintf(stderr, "%lld formatted to '%s', wanted '%s'\n", (long long)ns, buf, want);
	return 0;
}

/* A damaged log's times and clock fields may be anything, INT64_MIN too
 * (info formats its round trip and its first-to-last span). */
static void test_time_extremes(void)
{
	char buf[40];
	CHECK(formats_to(INT64_MIN, "-9.22e+09s"));
	CHECK(formats_to(INT64_MAX, "9.22e+09s"));
	CHECK(formats_to(-1500, "-1.5us"));
	timeline_axis_label(buf, sizeof buf, INT64_MIN, 1000000000);
	CHECK(strcmp(buf, "-9223372037s") == 0);
	timeline_axis_label(buf, sizeof buf, INT64_MAX, 1000000000);
	CHECK(strcmp(buf, "9223372037s") == 0);
	CHECK(view_elapsed(INT64_MIN, INT64_MAX) == INT64_MAX);
	CHECK(view_elapsed(INT64_MAX, INT64_MIN) == INT64_MIN);
	CHECK(view_elapsed(0, INT64_MIN) == INT64_MIN);
	CHECK(view_elapsed(INT64_MIN, 0) == INT64_MAX);
	CHECK(view_elapsed(-(INT64_C(1) << 62), (INT64_C(1) << 62) + 5000) == INT64_MAX);
	CHECK(view_elapsed(5, 3) == -2 && view_elapsed(3, 5) == 2);
}

int main(void)
{
	test_time_extremes();
	test_narrate_probe();
	test_narrate_nonblocking();
	test_timeline();
	test_detail_and_selection();
	test_too_small();
	test_many_ranks();
	test_tree_panel_64();
	test_compare_verdict();
	UNIT_END();
}

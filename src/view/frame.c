#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "view/detail.h"
#include "view/frame.h"
#include "view/treepanel.h"

#define TREE_LINES 8

/* Fits 80x24 with the replay keys on top: 16 + 6 lines, 60 columns. */
static const char *const help_text[] = {
	"mpiloom keys",
	"",
	"space       stop every rank before its next call / run on",
	"n / r       let the next call / every held rank's call go",
	"left/right  scroll in time     + / -      zoom in / out",
	"0           fit everything     up/down    scroll ranks",
	"Tab         next call          Shift-Tab  previous call",
	"click       select a call      Enter      detail pane",
	"t           tree panel (sums)  o          program output",
	"l  logical/wall time   ? this help   q, Ctrl-C quit",
	"",
	"s send  r recv  o Irecv posted  w wait  t test  p probe",
	"B bcast  G gather(v)  S scatter(v)  R reduce  A allreduce",
	"H allgather(v)  X alltoall(v)  N neighbour coll.  C communicator",
	"k/u (un)pack  i non-blocking coll.  # result  L<n>/t<n> lines",
	"r held ...  waits for n    r blocked ~~~  inside the call",
};

static void draw_status(struct canvas *cv, const struct store *st, const struct frame_info *fi,
			const struct view *v)
{
	char buf[256];
	canvas_fill(cv, 0, 0, cv->cols, CELL_CHAR(' '), C_BAR, A_REV_);
	const char *state = fi->state == RUN_LIVE ? (v->paused ? "PAUSED" : "LIVE")
				: fi->state == RUN_REPLAY ? "REPLAY" : "FINISHED";
	/* on a narrow screen the key hint (and a lecture's narration, which
	 * comes after the axis's name) matters more than the program's name */
	int wide = cv->cols >= (v->time == VIEW_LOGICAL ? 110 : 100);
	snprintf(buf, sizeof buf, "%s%s | %u ranks | %llu events | %s%s",
		 wide ? " mpiloom | " : " ", fi->scenario, store_nranks(st),
		 (unsigned long long)view_events_seen(st, v), state,
		 v->time == VIEW_LOGICAL ? " | LOGICAL" : "");
	int x = canvas_text(cv, 0, 0, buf, C_BAR, A_REV_);
	if (fi->extra != NULL)
		x = canvas_text(cv, 0, x, fi->extra, C_BAR, A_REV_);
	if (fi->state == RUN_FINISHED)
		x = canvas_text(cv, 0, x, fi->passed ? " check passed" : " check FAILED",
				fi->passed ? C_BAR : C_FAIL, A_REV_ | A_BOLD_);
	/* the longest hint that fits; quitting and help always come first */
	const char *keys = " n/b step  ? help  q quit ";
	if (fi->state != RUN_REPLAY || cv->cols - (int)strlen(keys) <= x)
		keys = " ? help  q quit ";
	int kx = cv->cols - (int)strlen(keys);
	if (kx > x)
		canvas_text(cv, 0, kx, keys, C_BAR, A_REV_);
}

static void draw_lines(struct canvas *cv, int y, struct strbuf *lines, int n, const char *title)
{
	canvas_fill(cv, y, 0, cv->cols, CELL_CHAR('-'), C_DIM, A_NONE_);
	canvas_text(cv, y, 2, title, C_DEFAULT, A_BOLD_);
	for (int i = 0; i < n; i++)
		canvas_text(cv, y + 1 + i, 1, strbuf_str(&lines[i]), C_DEFAULT, A_NONE_);
}

static int draw_detail(struct canvas *cv, const struct store *st, const struct view *v, int y)
{
	struct strbuf lines[DETAIL_LINES];
	for (int i = 0; i < DETAIL_LINES; i++)
		lines[i] = (struct strbuf)STRBUF_INIT;
	struct event_ref none = {UINT32_MAX, 0};
	int n = detail_lines(st, v->has_sel ? v->sel : none, lines);
	draw_lines(cv, y, lines, n, " detail ");
	for (int i = 0; i < DETAIL_LINES; i++)
		strbuf_free(&lines[i]);
	return DETAIL_LINES + 1;
}

/* The tree panel's lines: a third of a tall screen, so that 64 ranks'
 * six levels fit in 30 rows, and at least TREE_LINES - 1. */
static int tree_room(const struct canvas *cv)
{
	int room = (cv->rows - 2) / 3;
	return room > TREE_LINES - 1 ? room : TREE_LINES - 1;
}

/* n lines of text from p, under a title bar at y. */
static void draw_text(struct canvas *cv, int y, const char *title, const char *p, int n)
{
	char line[512];
	canvas_fill(cv, y, 0, cv->cols, CELL_CHAR('-'), C_DIM, A_NONE_);
	canvas_text(cv, y, 2, title, C_DEFAULT, A_BOLD_);
	for (int i = 0; i < n && *p; i++) {
		size_t len = strcspn(p, "\n");
		size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		canvas_text(cv, y + 1 + i, 1, line, C_DEFAULT, A_NONE_);
		p += len + (p[len] == '\n');
	}
}

static int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* compare's table, above the detail pane: as many of its lines as fit
 * while leaving the timeline three rank rows and its axis (once compare
 * has ended, its table is what the screen is for). */
static int draw_table(struct canvas *cv, const char *table, int bottom)
{
	int n = count_lines(table);
	if (n > bottom - 6)
		n = bottom - 6;
	if (n <= 0)
		return bottom;
	draw_text(cv, bottom - n - 1, " compare ", table, n);
	return bottom - n - 1;
}

/* The program's output, its last lines, in up to half the screen: the
 * lines are escaped already (untrusted bytes never reach the terminal).
 * Found from the end, so that a long output costs what is shown. */
static int draw_output(struct canvas *cv, const char *text, int bottom)
{
	int room = (bottom - 1) / 2, n = 0;
	const char *p = text + strlen(text);
	if (room < 1)
		room = 1;
	while (p > text && n < room) {
		const char *q = p - 1; /* the newline that ends this line */
		while (q > text && q[-1] != '\n')
			q--;
		p = q;
		n++;
	}
	if (n == 0)
		n = 1;
	draw_text(cv, bottom - n - 1, " output (o closes) ", p, n);
	return bottom - n - 1;
}

static const char *const replay_help[] = {
	"replay keys",
	"",
	"space       play / pause       [ / ]      slower / faster",
	"n or .      a call forward     b or ,     a call back",
	"Home / End  the start / end    g          go to a time (us)",
	"",
};

static void draw_help(struct canvas *cv, int replay)
{
	int n = (int)(sizeof help_text / sizeof help_text[0]), w = 62;
	int extra = replay ? (int)(sizeof replay_help / sizeof replay_help[0]) : 0;
	int y0 = (cv->rows - n - extra - 2) / 2, x0 = (cv->cols - w) / 2;
	if (y0 < 1)
		y0 = 1;
	for (int i = 0; i < n + extra + 2 && y0 + i < cv->rows; i++) {
		canvas_fill(cv, y0 + i, x0, x0 + w, CELL_CHAR(' '), C_DEFAULT, A_REV_);
		const char *text = i == 0 || i > n + extra ? NULL
				   : i <= extra	    ? replay_help[i - 1]
						    : help_text[i - 1 - extra];
		if (text != NULL)
			canvas_text(cv, y0 + i, x0 + 2, text, C_DEFAULT, A_REV_);
	}
}

static void draw_too_small(struct canvas *cv)
{
	char buf[128];
	snprintf(buf, sizeof buf, "mpiloom needs at least %dx%d (this is %dx%d): enlarge, or q",
		 FRAME_MIN_COLS, FRAME_MIN_ROWS, cv->cols, cv->rows);
	int y = cv->rows / 2;
	canvas_text(cv, y, 0, buf, C_DEFAULT, A_BOLD_);
}

#define RESULT_X 9 /* after " result: " */

/* The length of the start of p that fits in width columns, cut after a
 * word when one ends in time; *next is where the line after it begins. */
static size_t wrap_line(const char *p, int width, const char **next)
{
	size_t len = strlen(p), cut = (size_t)width;
	if (len <= cut) {
		*next = p + len;
		return len;
	}
	while (cut > 0 && p[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = (size_t)width;
	*next = p + cut;
	while (**next == ' ')
		(*next)++;
	return cut;
}

/* Lines the result takes at the bottom: a verdict with its reasons (compare)
 * is longer than a line, and its reasons are the point. At most a quarter
 * of the screen; 0 while the run goes on. */
static int result_lines(const struct canvas *cv, const struct frame_info *fi)
{
	if (fi->state == RUN_LIVE || fi->result == NULL)
		return 0;
	int n = 0, most = cv->rows / 4 > 1 ? cv->rows / 4 : 1;
	for (const char *p = fi->result; n < most && (n == 0 || *p != '\0'); n++)
		wrap_line(p, cv->cols - RESULT_X - 1, &p);
	return n;
}

/* The result from line y down, wrapped under its first word; when the
 * last line cannot hold the rest, it ends in "...". */
static void draw_result(struct canvas *cv, const struct frame_info *fi, int y)
{
	struct strbuf line = STRBUF_INIT;
	if (fi->state == RUN_LIVE || fi->result == NULL)
		return;
	canvas_text(cv, y, 1, "result: ", fi->passed ? C_OK : C_FAIL, A_BOLD_);
	for (const char *p = fi->result; y < cv->rows && *p != '\0'; y++) {
		const char *next;
		size_t len = wrap_line(p, cv->cols - RESULT_X - 1, &next);
		strbuf_reset(&line);
		strbuf_putn(&line, p, len);
		int x = canvas_text(cv, y, RESULT_X, strbuf_str(&line), C_DEFAULT, A_NONE_);
		if (y == cv->rows - 1 && *next != '\0')
			canvas_text(cv, y, x - 3 > RESULT_X ? x - 3 : RESULT_X, "...", C_DEFAULT,
				    A_NONE_);
		p = next;
	}
	strbuf_free(&line);
}

void frame_draw(struct canvas *cv, const struct store *st, const struct view *v,
		const struct frame_info *fi, struct timeline_layout *lay)
{
	canvas_clear(cv);
	memset(lay, 0, sizeof *lay);
	if (cv->rows < FRAME_MIN_ROWS || cv->cols < FRAME_MIN_COLS) {
		draw_too_small(cv);
		return;
	}
	draw_status(cv, st, fi, v);
	int nresult = result_lines(cv, fi);
	int bottom = cv->rows - nresult;
	/* compare: its table once it is there; t shows the tree instead */
	int table = !(v->show_output && fi->output != NULL) && fi->table != NULL &&
		    fi->state != RUN_LIVE && !v->show_tree;
	/* beside the table, the detail pane waits for a call to be selected:
	 * until then its room goes to the table */
	if (v->show_detail && !(table && !v->has_sel))
		bottom -= draw_detail(cv, st, v, bottom - DETAIL_LINES - 1);
	if (v->show_output && fi->output != NULL)
		bottom = draw_output(cv, fi->output, bottom);
	else if (table)
		bottom = draw_table(cv, fi->table, bottom);
	else if (v->show_tree) {
		int room = tree_room(cv);
		struct strbuf *lines = xcalloc((size_t)room, sizeof *lines);
		int n = treepanel_lines(st, fi->scenario, v->horizon, lines, room, cv->cols - 2);
		if (n > 0) {
			bottom -= n + 1;
			draw_lines(cv, bottom, lines, n, " tree ");
		}
		for (int i = 0; i < room; i++)
			strbuf_free(&lines[i]);
		free(lines);
	}
	timeline_draw(cv, st, v, 1, bottom - 1, lay);
	draw_result(cv, fi, cv->rows - nresult);
	if (v->show_help)
		draw_help(cv, fi->state == RUN_REPLAY);
}

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

struct plot {
	struct canvas *cv;
	const struct store *st;
	const struct view *v;
	const struct timeline_layout *lay;
	int x0;	  /* first plot column */
	int w;	  /* plot columns */
};

static char kind_letter(const struct event *e)
{
	switch (e->kind) {
	case EV_SEND: case EV_SSEND: case EV_BSEND: case EV_RSEND: return 's';
	case EV_ISEND: case EV_ISSEND: case EV_IBSEND: case EV_IRSEND: return 's';
	case EV_SENDRECV_SEND: return 's';
	case EV_RECV: case EV_SENDRECV_RECV: return 'r';
	case EV_IRECV: case EV_IMRECV: return 'o'; /* a receive left open */
	case EV_MRECV: return 'r';
	case EV_MPROBE: case EV_IMPROBE: return 'p';
	case EV_WAIT: case EV_WAITALL: case EV_WAITANY: case EV_WAITSOME: return 'w';
	case EV_TEST: case EV_TESTALL: case EV_TESTANY: case EV_TESTSOME: return 't';
	case EV_PROBE: case EV_IPROBE: return 'p';
	case EV_BARRIER: return '|';
	case EV_BCAST: return 'B';
	case EV_GATHER: case EV_GATHERV: return 'G';
	case EV_SCATTER: case EV_SCATTERV: return 'S';
	case EV_ALLGATHER: case EV_ALLGATHERV: return 'H';
	case EV_ALLTOALL: case EV_ALLTOALLV: return 'X';
	case EV_NEIGHBOR_ALLGATHER: case EV_NEIGHBOR_ALLGATHERV: case EV_NEIGHBOR_ALLTOALL:
	case EV_NEIGHBOR_ALLTOALLV: case EV_NEIGHBOR_ALLTOALLW: return 'N';
	case EV_COMM_SPLIT: case EV_COMM_DUP: case EV_CART_CREATE: case EV_COMM_FREE: return 'C';
	case EV_REDUCE: case EV_REDUCE_SCATTER: case EV_REDUCE_SCATTER_BLOCK: return 'R';
	case EV_ALLREDUCE: case EV_SCAN: case EV_EXSCAN: return 'A';
	case EV_PACK: return 'k';
	case EV_UNPACK: return 'u';
	case EV_INIT: return 'I';
	case EV_FINALIZE: return 'F';
	case EV_RESULT: return e->flags & EVF_CHECK_FAILED ? 'X' : '#';
	case EV_ABORT: return '!';
	case EV_EXIT: return 'E';
	default: return event_is_icoll(e) ? 'i' : 'c';
	}
}

static int kind_color(const struct event *e)
{
	if (event_is_send(e))
		return C_SEND;
	if (event_is_recv(e) || e->kind == EV_IRECV || e->kind == EV_IMRECV || e->kind == EV_MRECV)
		return C_RECV;
	if (event_is_any_probe(e))
		return C_PROBE;
	if (event_is_collective(e) || event_is_icoll(e))
		return C_COLL;
	if (e->kind == EV_PACK || e->kind == EV_UNPACK)
		return C_PACK;
	if (e->kind == EV_RESULT && (e->flags & EVF_CHECK_FAILED))
		return C_FAIL;
	return C_MARK;
}

uint32_t timeline_capacity(uint32_t nranks, int height, int *spacing)
{
	int lines = height - 1;
	if (lines < 1) {
		*spacing = 1;
		return 0;
	}
	if (nranks > 0 && 2 * (int64_t)nranks - 1 <= lines) {
		*spacing = 2;
		return nranks;
	}
	*spacing = 1;
	return nranks < (uint32_t)lines ? nranks : (uint32_t)lines;
}

static int x_of(const struct plot *p, int64_t t)
{
	/* in doubles: t may be a sentinel far from t0 */
	double f = ((double)t - (double)p->v->t0) / (double)p->v->span;
	if (f < -1.0)
		return p->x0 - 1;
	if (f > 2.0)
		return p->x0 + p->w + 1;
	return p->x0 + (int)(f * p->w);
}

static int64_t t_of(const struct plot *p, int x)
{
	return p->v->t0 + (int64_t)((double)(x - p->x0) * (double)p->v->span / p->w);
}

/* -1 when the rank is scrolled off. */
static int row_of(const struct plot *p, uint32_t rank)
{
	if (rank < p->v->top_rank || rank >= p->v->top_rank + p->lay->ranks_shown)
		return -1;
	return p->lay->y0 + (int)(rank - p->v->top_rank) * p->lay->spacing;
}

static int is_sel(const struct plot *p, uint32_t rank, size_t i)
{
	return p->v->has_sel && p->v->sel.rank == rank && p->v->sel.index == i;
}

/* Samples the rank's calls once per column: cost is columns x log(calls),
 * the same for ten events or ten million. */
/* When several calls share a column, the one a student looks for wins:
 * messages and collectives over probes, packing and marks. */
static int weight(const struct event *e)
{
	if (event_is_send(e) || event_is_recv(e) || event_is_collective(e))
		return 3;
	if (event_is_any_probe(e) || e->kind == EV_ABORT ||
	    e->kind == EV_EXIT || e->kind == EV_IRECV || event_is_completion(e) ||
	    event_is_icoll(e))
		return 2;
	if (e->kind == EV_PACK || e->kind == EV_UNPACK || e->kind == EV_RESULT)
		return 1;
	return 0;
}

#define COLUMN_SCAN 8 /* calls looked at per column, at most */

/* The call to show in [ta, tb): the heaviest of those that begin there,
 * else the one still running; *starts says which. */
static const struct event *pick(const struct plot *p, uint32_t rank, int64_t ta, int64_t tb,
				size_t *at, int *starts)
{
	size_t n = view_count(p->v, p->st, rank), i = view_first_at(p->v, p->st, rank, ta);
	const struct event *best = NULL;
	*starts = 0;
	for (size_t k = i; k < n && k < i + COLUMN_SCAN; k++) {
		struct event_ref ref = {rank, (uint32_t)k};
		const struct event *e = store_event(p->st, ref);
		if (view_begin(p->v, p->st, ref) >= tb || e->t_begin > p->v->horizon)
			break;
		if (best == NULL || weight(e) > weight(best)) {
			best = e;
			*at = k;
			*starts = 1;
		}
	}
	if (best == NULL && i > 0 && i <= n) {
		struct event_ref ref = {rank, (uint32_t)i - 1};
		if (view_end(p->v, p->st, ref) > ta && store_event(p->st, ref)->t_begin <= p->v->horizon) {
			best = store_event(p->st, ref);
			*at = i - 1;
		}
	}
	return best;
}

/* Samples the rank's calls once per column: cost is columns x log(calls),
 * the same for ten events or ten million. */
static void draw_rank_row(const struct plot *p, uint32_t rank, int y)
{
	int64_t h = view_horizon_at(p->v, p->st, rank);
	int x_end = p->x0 + p->w;
	if (h < p->v->t0)
		x_end = p->x0; /* nothing has happened yet on screen */
	else if (h != INT64_MAX && x_of(p, h) + 1 < x_end)
		x_end = x_of(p, h) + 1;
	canvas_fill(p->cv, y, p->x0, x_end, G_BASE, C_DIM, A_NONE_);
	for (int x = p->x0; x < x_end; x++) {
		size_t at = 0;
		int starts;
		const struct event *e = pick(p, rank, t_of(p, x), t_of(p, x + 1), &at, &starts);
		if (e == NULL)
			continue;
		int attr = is_sel(p, rank, at) ? A_REV_ | A_BOLD_ : A_NONE_;
		if (starts || x == p->x0) {
			canvas_put(p->cv, y, x, CELL_CHAR(kind_letter(e)), kind_color(e), attr | A_BOLD_);
		} else if ((e->flags & EVF_ROOT) &&
			   x == x_of(p, view_begin(p->v, p->st, (struct event_ref){rank, (uint32_t)at})) + 1) {
			canvas_put(p->cv, y, x, G_ROOT, kind_color(e), attr | A_BOLD_);
		} else {
			canvas_put(p->cv, y, x, G_SPAN, kind_color(e), attr);
		}
	}
}

/* The call the rank is in now, from its start to the right edge: held
 * (stepping has not let it go) or blocked (let go, not returned). */
static void draw_pending(const struct plot *p, uint32_t rank, int y)
{
	const struct event *e = store_pending(p->st, rank);
	if (e == NULL || p->v->horizon != INT64_MAX)
		return;
	int blocked = (e->flags & EVF_BLOCKED) != 0, end = p->x0 + p->w;
	int x = x_of(p, view_pending_at(p->v, p->st, e));
	const char *word = blocked ? " blocked " : " held ";
	if (x < p->x0)
		x = p->x0;
	/* the call before it, begun in the same column, keeps its letter */
	const struct cell *c = canvas_at(p->cv, y, x);
	if (c != NULL && c->glyph >= CELL_CHAR(0))
		x++;
	if (x > end - 1)
		x = end - 1;
	canvas_put(p->cv, y, x, CELL_CHAR(kind_letter(e)), kind_color(e), A_BOLD_ | A_UNDER_);
	if (x + 1 + (int)strlen(word) < end)
		x = canvas_text(p->cv, y, x + 1, word, blocked ? C_FAIL : C_LEVEL, A_BOLD_) - 1;
	for (int xx = x + 1; xx < end; xx++)
		canvas_put(p->cv, y, xx, blocked ? G_BLOCKED : G_WAIT, kind_color(e), A_NONE_);
}

static int free_cell(struct canvas *cv, int y, int x)
{
	struct cell *c = canvas_at(cv, y, x);
	return c != NULL && (c->glyph == G_SPACE || c->glyph == G_BASE || c->glyph == G_DOTTED ||
			     c->glyph == G_HLINE || c->glyph == G_VLINE);
}

static void put_line(const struct plot *p, int y, int x, uint16_t g, int color)
{
	if (x < p->x0 || x >= p->x0 + p->w || !free_cell(p->cv, y, x))
		return;
	canvas_put(p->cv, y, x, g, color, A_NONE_);
}

/* A line from the sender's row to the receiver's, across the lines in
 * between, its head on the line next to the receiver. */
static void place_label(const struct plot *p, int y, int xs, int xr, const char *label);

static void draw_arrow(const struct plot *p, int ys, int xs, int yr, int xr, int color,
		       const char *label)
{
	int down = yr > ys;
	/* With a free line between ranks the head sits on it, next to the
	 * receiver; with one line a rank it sits on the receiver's row. */
	int ya = ys + (down ? 1 : -1);
	int yb = p->lay->spacing == 2 ? yr + (down ? -1 : 1) : yr;
	int steps = abs(yb - ya);
	int prev_x = xs;
	for (int k = 0; k <= steps; k++) {
		int y = ya + (down ? k : -k);
		int x = steps ? xs + (xr - xs) * k / steps : xr;
		int lo = prev_x < x ? prev_x : x, hi = prev_x < x ? x : prev_x;
		for (int h = lo + 1; h < hi; h++)
			put_line(p, y, h, G_HLINE, color);
		uint16_t g = x == prev_x || k == 0 ? G_VLINE
						   : ((x > prev_x) == down ? G_DIAG_DOWN : G_DIAG_UP);
		if (k == steps)
			g = down ? G_HEAD_DOWN : G_HEAD_UP;
		put_line(p, y, x, g, color);
		prev_x = x;
	}
	if (label != NULL && label[0] != '\0')
		place_label(p, ya, xs, xr, label);
}

static int label_fits(const struct plot *p, int y, int x, int len)
{
	if (x < p->x0 || x + len > p->x0 + p->w)
		return 0;
	for (int i = 0; i < len; i++) {
		const struct cell *c = canvas_at(p->cv, y, x + i);
		if (c == NULL || c->glyph != G_SPACE)
			return 0;
	}
	return 1;
}

/* Next to the line where there is room: after its start, before it, or
 * beside its head. */
static void place_label(const struct plot *p, int y, int xs, int xr, const char *label)
{
	int len = (int)strlen(label);
	int lo = xs < xr ? xs : xr, hi = xs < xr ? xr : xs;
	int tries[4] = {xs + 1, lo - len - 1, hi + 2, xs - len - 1};
	for (int i = 0; i < 4; i++) {
		if (label_fits(p, y, tries[i], len)) {
			canvas_text(p->cv, y, tries[i], label, C_LEVEL, A_NONE_);
			return;
		}
	}
	/* no room beside it: on the line itself, in its middle ("──t1──") */
	int mid = (lo + hi) / 2 - len / 2;
	for (int i = -1; i <= len; i++) {
		const struct cell *c = canvas_at(p->cv, y, mid + i);
		if (c == NULL || c->glyph != G_HLINE || mid + i < p->x0 || mid + i >= p->x0 + p->w)
			return;
	}
	canvas_text(p->cv, y, mid, label, C_LEVEL, A_NONE_);
}

static void message_label(const struct event *send, char *buf, size_t size)
{
	if (send->flags & EVF_LEVEL)
		snprintf(buf, size, "L%u", send->level);
	else if (send->tag >= 0)
		snprintf(buf, size, "t%d", send->tag);
	else
		buf[0] = '\0';
}

static void draw_message(const struct plot *p, struct event_ref send_ref)
{
	const struct event *s = store_event(p->st, send_ref);
	struct event_ref rref;
	if (!store_partner(p->st, send_ref, &rref))
		return;
	const struct event *r = store_event(p->st, rref);
	if (event_end(r) > p->v->horizon)
		return; /* not arrived yet */
	if (send_ref.index >= view_count(p->v, p->st, send_ref.rank) ||
	    rref.index >= view_count(p->v, p->st, rref.rank))
		return; /* not laid out yet */
	int ys = row_of(p, s->rank), yr = row_of(p, r->rank);
	if (ys < 0 || yr < 0 || ys == yr)
		return;
	int xs = x_of(p, view_begin(p->v, p->st, send_ref)), xr = x_of(p, view_end(p->v, p->st, rref));
	if (xr >= p->x0 + p->w)
		xr = p->x0 + p->w - 1;
	int sel = (is_sel(p, send_ref.rank, send_ref.index)) ||
		  (is_sel(p, rref.rank, rref.index));
	char label[16];
	message_label(s, label, sizeof label);
	draw_arrow(p, ys, xs, yr, xr, sel ? C_SELECT : C_ARROW, p->lay->spacing == 2 ? label : NULL);
}

/* Collectives: a dotted line from each rank's call to the root's row. */
static void draw_connector(const struct plot *p, struct event_ref ref)
{
	const struct event *e = store_event(p->st, ref);
	if (e->peer < 0 || (e->flags & EVF_ROOT) || e->kind == EV_BARRIER ||
	    e->t_begin > p->v->horizon)
		return;
	int y = row_of(p, e->rank), yroot = row_of(p, (uint32_t)e->peer);
	int x = x_of(p, view_begin(p->v, p->st, ref));
	if (y < 0 || yroot < 0)
		return;
	int lo = y < yroot ? y : yroot, hi = y < yroot ? yroot : y;
	for (int yy = lo + 1; yy < hi; yy++)
		put_line(p, yy, x, G_DOTTED, C_COLL);
}

/* Messages and connectors of the calls on screen. A rank with far more
 * calls than columns gets none: they would be a solid block anyway. */
static void draw_links(const struct plot *p, struct timeline_layout *lay)
{
	int64_t ta = p->v->t0, tb = p->v->t0 + p->v->span;
	for (uint32_t r = p->v->top_rank; r < p->v->top_rank + lay->ranks_shown; r++) {
		size_t i = view_first_at(p->v, p->st, r, ta), n = view_count(p->v, p->st, r);
		size_t j = view_first_at(p->v, p->st, r, tb);
		if (j - i > (size_t)p->w * 4) {
			lay->too_dense = 1;
			continue;
		}
		for (size_t k = i > 0 ? i - 1 : i; k < j && k < n; k++) {
			struct event_ref ref = {r, (uint32_t)k};
			const struct event *e = store_event(p->st, ref);
			if (event_is_send(e)) {
				draw_message(p, ref);
				lay->arrows_drawn++;
			} else if (event_is_collective(e)) {
				draw_connector(p, ref);
			}
		}
	}
}

/* Magnitudes in unsigned arithmetic: a damaged log's INT64_MIN has no
 * int64_t negation. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

void timeline_format_time(char *buf, size_t size, int64_t ns)
{
	double a = (double)magnitude(ns);
	const char *sign = ns < 0 ? "-" : "";
	if (a >= 1e9)
		snprintf(buf, size, "%s%.3gs", sign, a / 1e9);
	else if (a >= 1e6)
		snprintf(buf, size, "%s%.3gms", sign, a / 1e6);
	else if (a >= 1e3)
		snprintf(buf, size, "%s%.3gus", sign, a / 1e3);
	else
		snprintf(buf, size, "%s%.0fns", sign, a);
}

/* In the unit of the value, with as many decimals as the step needs, so
 * that neighbouring ticks never read the same. */
void timeline_axis_label(char *buf, size_t size, int64_t t, int64_t step)
{
	static const struct {
		int64_t ns;
		const char *name;
	} units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
	uint64_t a = magnitude(t);
	size_t u = 0;
	while (u < 3 && a < (uint64_t)units[u].ns)
		u++;
	int decimals = 0;
	for (int64_t q = units[u].ns; q > step && decimals < 9; q /= 10)
		decimals++;
	snprintf(buf, size, "%.*f%s", decimals, (double)t / (double)units[u].ns, units[u].name);
}

int64_t timeline_axis_step(double min_ns)
{
	static const int mult[] = {1, 2, 5};
	for (int64_t base = 1; base < INT64_C(1) << 60; base *= 10)
		for (int m = 0; m < 3; m++)
			if ((double)(base * mult[m]) >= min_ns)
				return base * mult[m];
	return INT64_C(1) << 60;
}

/* Ticks at least 12 columns apart. */
static void draw_axis(const struct plot *p, int y)
{
	canvas_fill(p->cv, y, p->x0, p->x0 + p->w, G_HLINE, C_DIM, A_NONE_);
	double per_col = (double)p->v->span / p->w;
	int logical = p->v->time == VIEW_LOGICAL;
	int64_t step = logical ? timeline_axis_step(per_col * 12 / VIEW_STEP) * VIEW_STEP
			       : timeline_axis_step(per_col * 12);
	int64_t t = p->v->t0 - (p->v->t0 % step) + (p->v->t0 > 0 ? step : 0);
	int said = 0;
	/* bounded by the number of ticks that fit, not by time: no sum here
	 * may overflow, whatever a log says */
	for (int tick = 0; tick <= p->w / 12 + 1 && t - p->v->t0 < p->v->span; tick++, t += step) {
		int x = x_of(p, t);
		if (x < p->x0)
			continue;
		char label[32];
		if (logical) /* the first tick says what the numbers count */
			snprintf(label, sizeof label, "%s%lld", said++ ? "" : "step ",
				 (long long)(t / VIEW_STEP));
		else
			timeline_axis_label(label, sizeof label, t, step);
		canvas_put(p->cv, y, x, G_TICK, C_DIM, A_NONE_);
		if (x + 1 + (int)strlen(label) < p->x0 + p->w)
			canvas_text(p->cv, y, x + 1, label, C_DEFAULT, A_NONE_);
	}
}

/* Under the rank labels, how many ranks do not fit: below (PgDn, down
 * arrow), or else above; with 64 ranks a row count alone would not say. */
static void draw_hidden(const struct plot *p, uint32_t nranks, int y)
{
	uint32_t above = p->v->top_rank, below = nranks - above - p->lay->ranks_shown;
	if (below == 0 && above == 0)
		return;
	char count[16];
	snprintf(count, sizeof count, "%u", below > 0 ? below : above);
	canvas_put(p->cv, y, 0, below > 0 ? G_HEAD_DOWN : G_HEAD_UP, C_DEFAULT, A_BOLD_);
	canvas_text(p->cv, y, 1, count, C_DEFAULT, A_BOLD_);
}

void timeline_draw(struct canvas *cv, const struct store *st, const struct view *v, int y0,
		   int height, struct timeline_layout *out)
{
	memset(out, 0, sizeof *out);
	out->y0 = y0;
	out->height = height;
	out->ranks_shown = timeline_capacity(store_nranks(st), height, &out->spacing);
	if (v->top_rank + out->ranks_shown > store_nranks(st))
		out->ranks_shown = store_nranks(st) - v->top_rank;
	struct plot p = {cv, st, v, out, TIMELINE_GUTTER, cv->cols - TIMELINE_GUTTER - 1};
	if (p.w < 8 || out->ranks_shown == 0)
		return;
	for (uint32_t r = v->top_rank; r < v->top_rank + out->ranks_shown; r++) {
		int y = row_of(&p, r);
		char label[16];
		snprintf(label, sizeof label, "r%u", r);
		canvas_text(cv, y, 0, label, C_DEFAULT, A_BOLD_);
		draw_rank_row(&p, r, y);
		draw_pending(&p, r, y);
	}
	draw_links(&p, out);
	draw_axis(&p, y0 + height - 1);
	draw_hidden(&p, store_nranks(st), y0 + height - 1);
}

int timeline_hit(const struct store *st, const struct view *v, const struct timeline_layout *lay,
		 int cols, int y, int x, struct event_ref *out)
{
	struct plot p = {NULL, st, v, lay, TIMELINE_GUTTER, cols - TIMELINE_GUTTER - 1};
	/* no timeline drawn yet, or the too-small notice instead */
	if (lay->spacing <= 0 || lay->ranks_shown == 0)
		return 0;
	if (p.w < 8 || x < p.x0 || x >= p.x0 + p.w || y < lay->y0 ||
	    (y - lay->y0) % lay->spacing != 0)
		return 0;
	uint32_t rank = v->top_rank + (uint32_t)((y - lay->y0) / lay->spacing);
	if (rank >= v->top_rank + lay->ranks_shown)
		return 0;
	int64_t ta = t_of(&p, x), tb = t_of(&p, x + 1);
	size_t i = view_first_at(v, st, rank, ta);
	if (i > 0 && view_end(v, st, (struct event_ref){rank, (uint32_t)i - 1}) > ta)
		i--;
	if (i >= view_count(v, st, rank) || view_begin(v, st, (struct event_ref){rank, (uint32_t)i}) >= tb)
		return 0;
	*out = (struct event_ref){rank, (uint32_t)i};
	return 1;
}

#include "config.h"

#include <string.h>

#include "core/logical.h"
#include "view/view.h"

#define MIN_SPAN 1000 /* 1 us across the screen: zooming further shows nothing */
#define MIN_STEPS 4   /* logical time: four steps across the screen at most */
#define MAX_SPAN (INT64_C(1) << 60)

static int64_t min_span(const struct view *v)
{
	return v->time == VIEW_LOGICAL ? MIN_STEPS * VIEW_STEP : MIN_SPAN;
}

const char *view_time_name(enum view_time t)
{
	return t == VIEW_LOGICAL ? "logical" : "wall";
}

/* In logical time a call is a point at the start of its step: its
 * letter, with the step's idle rest as the line that follows, and a
 * message's head (at the receive's end) in the receive's column. */
int64_t view_begin(const struct view *v, const struct store *st, struct event_ref ref)
{
	if (v->time == VIEW_LOGICAL)
		return (int64_t)logical_step(store_logical(st), ref) * VIEW_STEP;
	return store_event(st, ref)->t_begin;
}

int64_t view_end(const struct view *v, const struct store *st, struct event_ref ref)
{
	if (v->time == VIEW_LOGICAL)
		return view_begin(v, st, ref) + 1;
	return event_end(store_event(st, ref));
}

size_t view_count(const struct view *v, const struct store *st, uint32_t rank)
{
	if (v->time == VIEW_LOGICAL)
		return logical_placed(store_logical(st), rank);
	return store_rank_count(st, rank);
}

/* In logical time the call a rank is in comes right after its last one
 * laid out. */
int64_t view_pending_at(const struct view *v, const struct store *st, const struct event *p)
{
	if (v->time != VIEW_LOGICAL)
		return p->t_begin;
	size_t n = view_count(v, st, p->rank);
	if (n == 0)
		return 0;
	return view_begin(v, st, (struct event_ref){p->rank, (uint32_t)(n - 1)}) + VIEW_STEP;
}

void view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
	v->span = MIN_SPAN;
	v->fit = 1;
	v->show_detail = 1;
	v->horizon = INT64_MAX;
}

/* Init, finalize, exit and result marks frame the run but are not its
 * work: ranks start tens of ms apart on a loaded machine, which would
 * squash a two-millisecond lecture example into a few columns. */
int view_frames_run(const struct event *e)
{
	return event_kind_is_mark(e->kind);
}

static void rank_extent(const struct store *st, uint32_t r, int work_only, int64_t *lo,
			int64_t *hi)
{
	size_t n = store_rank_count(st, r);
	for (size_t i = 0; i < n; i++) {
		const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)i});
		if (work_only && view_frames_run(e))
			continue;
		if (e->t_begin < *lo)
			*lo = e->t_begin;
		break;
	}
	for (size_t i = n; i-- > 0;) {
		const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)i});
		if (work_only && view_frames_run(e))
			continue;
		if (event_end(e) > *hi)
			*hi = event_end(e);
		break;
	}
}

void view_extent(const struct store *st, int64_t *first, int64_t *last)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (int work_only = 1; work_only >= 0 && lo > hi; work_only--)
		for (uint32_t r = 0; r < store_nranks(st); r++)
			rank_extent(st, r, work_only, &lo, &hi);
	if (lo > hi)
		lo = hi = 0;
	*first = lo;
	*last = hi;
}

int64_t view_elapsed(int64_t from, int64_t to)
{
	/* exact in unsigned arithmetic, which cannot overflow */
	uint64_t d = to >= from ? (uint64_t)to - (uint64_t)from : (uint64_t)from - (uint64_t)to;
	if (to >= from)
		return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
	return d >= (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)d;
}

/* The latest start of a call some rank is in now, or INT64_MIN. */
static int64_t pending_extent(const struct store *st)
{
	int64_t hi = INT64_MIN;
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		const struct event *p = store_pending(st, r);
		if (p != NULL && p->t_begin > hi)
			hi = p->t_begin;
	}
	return hi;
}

/* Logical time: from the first step to the last laid out. */
static void logical_extent(const struct store *st, int64_t *first, int64_t *last)
{
	uint32_t n = logical_steps(store_logical(st));
	*first = 0;
	*last = n ? (int64_t)(n - 1) * VIEW_STEP + 1 : 0;
}

void view_fit(struct view *v, const struct store *st)
{
	int64_t first, last, held = pending_extent(st);
	if (v->time == VIEW_LOGICAL) {
		logical_extent(st, &first, &last);
		held = held != INT64_MIN ? last + VIEW_STEP : INT64_MIN;
	} else {
		view_extent(st, &first, &last);
	}
	if (held > last)
		last = held;
	int64_t span = last - first;
	/* a little room each side so the first and last calls show whole,
	 * and more on the right for what ranks are in now */
	span += held != INT64_MIN ? span / 3 : span / 16;
	v->t0 = first - span / 32;
	v->span = span < min_span(v) ? min_span(v) : span;
	v->fit = 1;
}

void view_zoom(struct view *v, int in)
{
	int64_t center = v->t0 + v->span / 2;
	if (in && v->span / 2 >= min_span(v))
		v->span /= 2;
	else if (!in && v->span < MAX_SPAN)
		v->span *= 2;
	v->t0 = center - v->span / 2;
	v->fit = 0;
}

void view_scroll(struct view *v, int direction)
{
	int64_t t0 = v->t0 + direction * (v->span / 8 > 0 ? v->span / 8 : 1);
	/* stay where times can be: a held key must not overflow t0 */
	if (t0 > EVENT_TIME_MAX)
		t0 = EVENT_TIME_MAX;
	if (t0 < -EVENT_TIME_MAX)
		t0 = -EVENT_TIME_MAX;
	v->t0 = t0;
	v->fit = 0;
}

/* The first step at or after t: a ceiling, for t of either sign. */
static int64_t step_at(int64_t t)
{
	int64_t q = t / VIEW_STEP;
	return q * VIEW_STEP < t ? q + 1 : q;
}

static size_t wall_first_at(const struct store *st, uint32_t rank, int64_t t)
{
	size_t lo = 0, hi = store_rank_count(st, rank);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (store_event(st, (struct event_ref){rank, (uint32_t)mid})->t_begin < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t view_first_at(const struct view *v, const struct store *st, uint32_t rank, int64_t t)
{
	if (v->time == VIEW_LOGICAL)
		return logical_first_at(store_logical(st), rank, step_at(t));
	return wall_first_at(st, rank, t);
}

/* Time order on the view's axis: ties by rank, then sequence. */
static int before(const struct view *v, const struct store *st, struct event_ref a,
		  struct event_ref b)
{
	int64_t ta = view_begin(v, st, a), tb = view_begin(v, st, b);
	if (ta != tb)
		return ta < tb;
	if (a.rank != b.rank)
		return a.rank < b.rank;
	return a.index < b.index;
}

static int happened(const struct view *v, const struct store *st, struct event_ref ref)
{
	return store_event(st, ref)->t_begin <= v->horizon;
}

/* Each rank's candidate is its neighbour of the selection on the axis;
 * the answer is the nearest of those: ranks x log(events), whatever the
 * size. */
void view_select_step(struct view *v, const struct store *st, int forward)
{
	int cur = v->has_sel && v->sel.index < view_count(v, st, v->sel.rank);
	int64_t t = cur ? view_begin(v, st, v->sel) : (forward ? v->t0 : v->t0 + v->span);
	int found = 0;
	struct event_ref best = {0, 0};
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = view_count(v, st, r);
		size_t i = view_first_at(v, st, r, t);
		/* step over events at the same time that are not past cur */
		for (size_t k = i > 0 ? i - 1 : 0; k < n && k <= i + 2; k++) {
			struct event_ref e = {r, (uint32_t)k};
			int64_t te = view_begin(v, st, e);
			int ok = !cur ? (forward ? te >= t : te <= t)
				      : (forward ? before(v, st, v->sel, e) : before(v, st, e, v->sel));
			if (!ok || !happened(v, st, e))
				continue;
			if (!found || (forward ? before(v, st, e, best) : before(v, st, best, e))) {
				best = e;
				found = 1;
			}
		}
		/* going back, the nearest earlier one can be further left */
		if (!forward && i > 0) {
			for (size_t k = i; k-- > 0;) {
				struct event_ref e = {r, (uint32_t)k};
				if (cur && !before(v, st, e, v->sel))
					continue;
				if (!found || before(v, st, best, e)) {
					best = e;
					found = 1;
				}
				break;
			}
		}
	}
	if (found) {
		v->sel = best;
		v->has_sel = 1;
		view_reveal(v, st);
	}
}

void view_reveal(struct view *v, const struct store *st)
{
	if (!v->has_sel || v->sel.index >= view_count(v, st, v->sel.rank))
		return;
	int64_t t = view_begin(v, st, v->sel);
	if (t < v->t0 || t > v->t0 + v->span) {
		v->t0 = t - v->span / 4;
		v->fit = 0;
	}
	if (v->sel.rank < v->top_rank)
		v->top_rank = v->sel.rank;
}

/* In logical time, just before the rank's first call that has not
 * happened yet. */
int64_t view_horizon_at(const struct view *v, const struct store *st, uint32_t rank)
{
	if (v->time != VIEW_LOGICAL || v->horizon == INT64_MAX || v->horizon == INT64_MIN)
		return v->horizon;
	size_t i = wall_first_at(st, rank, v->horizon + 1);
	if (i >= view_count(v, st, rank))
		return INT64_MAX;
	return view_begin(v, st, (struct event_ref){rank, (uint32_t)i}) - 1;
}

uint64_t view_events_seen(const struct store *st, const struct view *v)
{
	uint64_t n = 0;
	for (uint32_t r = 0; r < store_nranks(st); r++)
		n += v->horizon == INT64_MAX ? store_rank_count(st, r)
					      : wall_first_at(st, r, v->horizon + 1);
	return n;
}

static int wall_before(const struct event *a, const struct event *b)
{
	if (a->t_begin != b->t_begin)
		return a->t_begin < b->t_begin;
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->seq < b->seq;
}

/* The horizon is wall time in both axes: what has happened by then.
 * Ranks x log(events) per step, so stepping costs the same in a lecture
 * example and in a ten-million-event log. */
int view_step_horizon(struct view *v, const struct store *st, int forward)
{
	const struct event *best = NULL;
	struct event_ref best_ref = {0, 0};
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		size_t i = v->horizon == INT64_MAX ? n : wall_first_at(st, r, v->horizon + 1);
		size_t k;
		if (forward) {
			if (i >= n)
				continue;
			k = i;
		} else {
			/* the last event before the current horizon's events */
			size_t j = wall_first_at(st, r, v->horizon);
			if (j == 0)
				continue;
			k = j - 1;
		}
		const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)k});
		if (best == NULL || (forward ? wall_before(e, best) : wall_before(best, e))) {
			best = e;
			best_ref = (struct event_ref){r, (uint32_t)k};
		}
	}
	if (best == NULL) {
		if (!forward)
			v->horizon = INT64_MIN;
		return 0;
	}
	v->horizon = best->t_begin;
	v->sel = best_ref;
	v->has_sel = 1;
	return 1;
}

/* The window keeps its place around the selection (or its middle) in
 * the other axis' terms, and its zoom as near as the two allow: a fit
 * stays a fit. */
void view_toggle_time(struct view *v, const struct store *st)
{
	int sel = v->has_sel && v->sel.index < store_rank_count(st, v->sel.rank);
	v->time = v->time == VIEW_LOGICAL ? VIEW_WALL : VIEW_LOGICAL;
	view_fit(v, st);
	if (sel && v->sel.index < view_count(v, st, v->sel.rank))
		view_reveal(v, st);
}

#include "config.h"

#include <string.h>

#include "view/view.h"

#define MIN_SPAN 1000 /* 1 us across the screen: zooming further shows nothing */
#define MAX_SPAN (INT64_C(1) << 60)

void view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
	v->span = MIN_SPAN;
	v->fit = 1;
	v->show_detail = 1;
	v->horizon = INT64_MAX;
}

/* Init, finalize and result marks frame the run but are not its work:
 * ranks start tens of ms apart on a loaded machine, which would squash a
 * two-millisecond lecture example into a few columns. */
int view_frames_run(const struct event *e)
{
	return e->kind == EV_INIT || e->kind == EV_FINALIZE || e->kind == EV_RESULT;
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

void view_fit(struct view *v, const struct store *st)
{
	int64_t first, last, held = pending_extent(st);
	view_extent(st, &first, &last);
	if (held > last)
		last = held;
	int64_t span = last - first;
	/* a little room each side so the first and last calls show whole,
	 * and more on the right for what ranks are in now */
	span += held != INT64_MIN ? span / 3 : span / 16;
	v->t0 = first - span / 32;
	v->span = span < MIN_SPAN ? MIN_SPAN : span;
	v->fit = 1;
}

void view_zoom(struct view *v, int in)
{
	int64_t center = v->t0 + v->span / 2;
	if (in && v->span / 2 >= MIN_SPAN)
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

size_t view_first_at(const struct store *st, uint32_t rank, int64_t t)
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

static int before(const struct event *a, const struct event *b)
{
	if (a->t_begin != b->t_begin)
		return a->t_begin < b->t_begin;
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->seq < b->seq;
}

/* Each rank's candidate is its neighbour of the selection in time; the
 * answer is the nearest of those: ranks x log(events), whatever the size. */
void view_select_step(struct view *v, const struct store *st, int forward)
{
	const struct event *cur = v->has_sel ? store_event(st, v->sel) : NULL;
	int64_t t = cur ? cur->t_begin : (forward ? v->t0 : v->t0 + v->span);
	const struct event *best = NULL;
	struct event_ref best_ref = {0, 0};
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		size_t i = view_first_at(st, r, t);
		/* step over events at the same time that are not past cur */
		for (size_t k = i > 0 ? i - 1 : 0; k < n && k <= i + 2; k++) {
			const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)k});
			int ok = cur == NULL ? (forward ? e->t_begin >= t : e->t_begin <= t)
					     : (forward ? before(cur, e) : before(e, cur));
			if (e->t_begin > v->horizon)
				ok = 0;
			if (!ok)
				continue;
			if (best == NULL || (forward ? before(e, best) : before(best, e))) {
				best = e;
				best_ref = (struct event_ref){r, (uint32_t)k};
			}
		}
		/* going back, the nearest earlier one can be further left */
		if (!forward && i > 0) {
			for (size_t k = i; k-- > 0;) {
				const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)k});
				if (cur != NULL && !before(e, cur))
					continue;
				if (best == NULL || before(best, e)) {
					best = e;
					best_ref = (struct event_ref){r, (uint32_t)k};
				}
				break;
			}
		}
	}
	if (best != NULL) {
		v->sel = best_ref;
		v->has_sel = 1;
		view_reveal(v, st);
	}
}

void view_reveal(struct view *v, const struct store *st)
{
	const struct event *e = v->has_sel ? store_event(st, v->sel) : NULL;
	if (e == NULL)
		return;
	if (e->t_begin < v->t0 || e->t_begin > v->t0 + v->span) {
		v->t0 = e->t_begin - v->span / 4;
		v->fit = 0;
	}
	if (v->sel.rank < v->top_rank)
		v->top_rank = v->sel.rank;
}

uint64_t view_events_seen(const struct store *st, const struct view *v)
{
	uint64_t n = 0;
	for (uint32_t r = 0; r < store_nranks(st); r++)
		n += v->horizon == INT64_MAX ? store_rank_count(st, r)
					      : view_first_at(st, r, v->horizon + 1);
	return n;
}

/* Ranks x log(events) per step, so stepping costs the same in a lecture
 * example and in a ten-million-event log. */
int view_step_horizon(struct view *v, const struct store *st, int forward)
{
	const struct event *best = NULL;
	struct event_ref best_ref = {0, 0};
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		size_t i = v->horizon == INT64_MAX ? n : view_first_at(st, r, v->horizon + 1);
		size_t k;
		if (forward) {
			if (i >= n)
				continue;
			k = i;
		} else {
			/* the last event before the current horizon's events */
			size_t j = view_first_at(st, r, v->horizon);
			if (j == 0)
				continue;
			k = j - 1;
		}
		const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)k});
		if (best == NULL || (forward ? before(e, best) : before(best, e))) {
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

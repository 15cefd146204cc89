#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "treepanel.h"
#include "xalloc.h"

#define MAX_LEVELS 64
#define MAX_EVENTS_PER_RANK 100000 /* beyond this it is not a lecture sum */

struct node {
	double value;	/* the rank's own value (element 0) */
	int known;
	double running; /* its partial sum so far */
};

static int first_double(const struct store *st, struct event_ref ref, double *out)
{
	const struct event *e = store_event(st, ref);
	const uint8_t *pv = store_preview(st, ref);
	if (e == NULL || pv == NULL || e->preview_dtype != DT_DOUBLE || e->preview_len < 8)
		return 0;
	memcpy(out, pv, sizeof *out);
	return isfinite(*out);
}

/* A rank's own value: what it sends minus what it received before. */
static void find_leaves(const struct store *st, struct node *nodes)
{
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		double got = 0, v;
		size_t n = store_rank_count(st, r);
		for (size_t i = 0; i < n; i++) {
			struct event_ref ref = {r, (uint32_t)i};
			const struct event *e = store_event(st, ref);
			if (event_is_recv(e) && first_double(st, ref, &v)) {
				got += v;
			} else if ((event_is_send(e) || e->kind == EV_REDUCE) &&
				   !(e->flags & EVF_ROOT) && first_double(st, ref, &v)) {
				nodes[r].value = v - got;
				nodes[r].known = 1;
				break;
			}
		}
	}
}

/* The root never sends: its value is its final sum minus what it got,
 * and its final sum is what its result says ("sum = X"). */
static void find_root_value(const struct store *st, struct node *nodes, uint32_t root)
{
	size_t n = store_rank_count(st, root);
	double got = 0, v, sum;
	int have_sum = 0;
	for (size_t i = 0; i < n; i++) {
		struct event_ref ref = {root, (uint32_t)i};
		const struct event *e = store_event(st, ref);
		const uint8_t *pv = store_preview(st, ref);
		if (event_is_recv(e) && first_double(st, ref, &v))
			got += v;
		if (e->kind == EV_RESULT && pv != NULL && e->preview_dtype == DT_CHAR) {
			char text[EVENT_PREVIEW_MAX + 1];
			memcpy(text, pv, e->preview_len);
			text[e->preview_len] = '\0';
			have_sum = sscanf(text, "sum = %lf", &sum) == 1 ||
				   sscanf(text, "sum = [%lf", &sum) == 1;
		}
	}
	if (have_sum && !nodes[root].known) {
		nodes[root].value = sum - got;
		nodes[root].known = 1;
	}
}

static void level_line(const struct store *st, int64_t horizon, struct node *nodes,
		       unsigned level, struct strbuf *sb, int *any)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	strbuf_printf(sb, "L%-2u", level);
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		for (size_t i = 0; i < n; i++) {
			struct event_ref ref = {r, (uint32_t)i};
			const struct event *e = store_event(st, ref);
			double v;
			if (!(e->flags & EVF_LEVEL) || e->level != level)
				continue;
			if (event_is_send(e) && e->t_begin < lo)
				lo = e->t_begin;
			if (!event_is_recv(e) || event_end(e) > horizon || !first_double(st, ref, &v))
				continue;
			if (event_end(e) > hi)
				hi = event_end(e);
			double before = nodes[r].running;
			nodes[r].running += v;
			/* a live run may not have shown the rank's own value yet */
			if (nodes[r].known)
				strbuf_printf(sb, "  r%u=%g+%g=%g", r, before, v, nodes[r].running);
			else
				strbuf_printf(sb, "  r%u=?+%g", r, v);
			*any = 1;
		}
	}
	if (hi > lo && lo != INT64_MAX) {
		char w[24];
		timeline_format_time(w, sizeof w, hi - lo);
		strbuf_printf(sb, "   wall %s", w);
	}
}

static uint32_t find_root(const struct store *st)
{
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		int sends = 0, recvs = 0;
		for (size_t i = 0; i < n; i++) {
			const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)i});
			sends += event_is_send(e);
			recvs += event_is_recv(e) || (e->kind == EV_REDUCE && (e->flags & EVF_ROOT));
		}
		if (sends == 0 && (recvs > 0 || store_nranks(st) == 1))
			return r;
	}
	return 0;
}

static void leaves_line(const struct store *st, const struct node *nodes, struct strbuf *sb)
{
	strbuf_puts(sb, "leaves");
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		if (nodes[r].known)
			strbuf_printf(sb, "  r%u=%g", r, nodes[r].value);
		else
			strbuf_printf(sb, "  r%u=?", r);
	}
}

static int too_big(const struct store *st)
{
	for (uint32_t r = 0; r < store_nranks(st); r++)
		if (store_rank_count(st, r) > MAX_EVENTS_PER_RANK)
			return 1;
	return 0;
}

static unsigned max_level(const struct store *st, int *has_levels, int *has_reduce)
{
	unsigned top = 0;
	*has_levels = *has_reduce = 0;
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		for (size_t i = 0; i < n; i++) {
			const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)i});
			if (e->flags & EVF_LEVEL) {
				*has_levels = 1;
				if (e->level > top)
					top = e->level;
			}
			if (e->kind == EV_REDUCE)
				*has_reduce = 1;
		}
	}
	return top;
}

/* MPI_Reduce: the root's call shows the result; its own value is the
 * result minus everyone else's. */
static void reduce_root(const struct store *st, struct node *nodes, uint32_t root)
{
	size_t n = store_rank_count(st, root);
	for (size_t i = 0; i < n; i++) {
		struct event_ref ref = {root, (uint32_t)i};
		const struct event *e = store_event(st, ref);
		double total;
		if (e->kind != EV_REDUCE || !(e->flags & EVF_ROOT) || !first_double(st, ref, &total))
			continue;
		for (uint32_t r = 0; r < store_nranks(st); r++)
			if (r != root && nodes[r].known)
				total -= nodes[r].value;
		nodes[root].value = total;
		nodes[root].known = 1;
	}
}

static int rank_finished(const struct store *st, uint32_t r)
{
	size_t n = store_rank_count(st, r);
	if (n == 0)
		return 0;
	uint8_t kind = store_event(st, (struct event_ref){r, (uint32_t)(n - 1)})->kind;
	return kind == EV_RESULT || kind == EV_FINALIZE;
}

static void sum_line(const struct node *nodes, uint32_t root, struct strbuf *sb)
{
	strbuf_printf(sb, "sum at r%u: %g", root, nodes[root].running);
}

static uint32_t compare_root(const struct store *st)
{
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		for (size_t i = 0; i < n; i++) {
			const struct event *e = store_event(st, (struct event_ref){r, (uint32_t)i});
			if (e->kind == EV_REDUCE && (e->flags & EVF_ROOT))
				return r;
		}
	}
	return 0;
}

/* One rank's part of compare's tree round: its point-to-point calls after
 * the linear round's (p-1 receives at the root, one send elsewhere) and
 * before the reduce, with their tags as the levels they are. */
static void copy_tree_round(const struct store *st, struct store *t, uint32_t r, uint32_t root)
{
	size_t n = store_rank_count(st, r), skip = r == root ? store_nranks(st) - 1 : 1;
	uint32_t seq = 0;
	for (size_t i = 0; i < n; i++) {
		struct event_ref ref = {r, (uint32_t)i};
		const struct event *e = store_event(st, ref);
		double total;
		if (e->kind == EV_REDUCE)
			skip = SIZE_MAX; /* past the tree round */
		if (e->kind == EV_ALLREDUCE && r == root && first_double(st, ref, &total)) {
			/* the total, which the root's own value is derived from */
			char text[EVENT_PREVIEW_MAX + 1];
			struct event res = *e;
			res.kind = EV_RESULT;
			res.seq = seq++;
			res.preview_dtype = DT_CHAR;
			snprintf(text, sizeof text, "sum = %.17g", total);
			res.preview_len = (uint8_t)strlen(text);
			store_add(t, &res, (const uint8_t *)text);
		}
		if (!event_is_send(e) && !event_is_recv(e))
			continue;
		if (skip > 0) {
			if (skip != SIZE_MAX)
				skip--;
			continue;
		}
		struct event c = *e;
		c.seq = seq++;
		c.flags |= EVF_LEVEL;
		c.level = (uint8_t)(e->tag >= 0 && e->tag < 256 ? e->tag : 0);
		store_add(t, &c, store_preview(st, ref));
	}
}

/* compare: its tree round on its own, as tree-sum would show it. */
static int compare_tree(const struct store *st, int64_t horizon, struct strbuf *lines, int max)
{
	uint32_t p = store_nranks(st), root = compare_root(st);
	struct store *t = store_new(p);
	for (uint32_t r = 0; r < p; r++)
		copy_tree_round(st, t, r, root);
	int n = treepanel_lines(t, "tree-sum", horizon, lines, max);
	store_free(t);
	return n;
}

int treepanel_lines(const struct store *st, const char *scenario, int64_t horizon,
		    struct strbuf *lines, int max)
{
	uint32_t p = store_nranks(st);
	if (max < 3 || p == 0 || too_big(st) || scenario == NULL)
		return 0;
	if (strcmp(scenario, "compare") == 0)
		return compare_tree(st, horizon, lines, max);
	int has_levels, has_reduce, any = 0, k = 0;
	unsigned top = max_level(st, &has_levels, &has_reduce);
	if (strcmp(scenario, "tree-sum") == 0)
		has_levels = 1, has_reduce = 0;
	else if (strcmp(scenario, "reduce") == 0)
		has_levels = 0, has_reduce = 1;
	else if (strcmp(scenario, "linear-sum") == 0)
		has_levels = has_reduce = 0;
	else
		return 0;
	struct node *nodes = xcalloc(p, sizeof *nodes);
	uint32_t root = find_root(st);
	find_leaves(st, nodes);
	find_root_value(st, nodes, root);
	if (has_reduce && !has_levels)
		reduce_root(st, nodes, root);
	for (uint32_t r = 0; r < p; r++)
		nodes[r].running = nodes[r].value;
	int levels = 0;
	while ((1u << levels) < p)
		levels++;
	if (has_levels)
		strbuf_printf(&lines[k++], "tree-sum: %u ranks, %d levels (ceil(log2 %u)), root r%u", p,
			      levels, p, root);
	else if (has_reduce)
		strbuf_printf(&lines[k++], "MPI_Reduce: %u ranks, one call, root r%u", p, root);
	else
		strbuf_printf(&lines[k++], "linear sum: %u ranks, %u receives at root r%u one after another", p,
			      p - 1, root);
	leaves_line(st, nodes, &lines[k++]);
	if (has_levels) {
		for (unsigned l = 0; l <= top && l < MAX_LEVELS && k < max - 1; l++)
			level_line(st, horizon, nodes, l, &lines[k++], &any);
	} else if (!has_reduce) {
		/* the linear sum is one long level at the root */
		struct node *r = &nodes[root];
		strbuf_puts(&lines[k], "steps");
		size_t n = store_rank_count(st, root);
		for (size_t i = 0; i < n; i++) {
			double v;
			struct event_ref ref = {root, (uint32_t)i};
			const struct event *e = store_event(st, ref);
			if (event_is_recv(e) && event_end(e) <= horizon && first_double(st, ref, &v)) {
				r->running += v;
				strbuf_printf(&lines[k], "  +%g=%g", v, r->running);
				any = 1;
			}
		}
		k++;
	} else {
		any = nodes[root].known && horizon == INT64_MAX;
		for (uint32_t r = 0; r < p; r++)
			if (r != root)
				nodes[root].running += nodes[r].known ? nodes[r].value : 0;
	}
	/* live, the sum is the root's only once the root has finished */
	if (horizon == INT64_MAX && !rank_finished(st, root))
		any = 0;
	if (any && k < max)
		sum_line(nodes, root, &lines[k++]);
	free(nodes);
	return k;
}

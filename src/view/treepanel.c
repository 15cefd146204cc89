#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "view/timeline.h"
#include "view/treepanel.h"
#include "view/view.h"

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

/* Where the items of a panel line start: each one begins with two spaces. */
static size_t next_item(const char *items, size_t from)
{
	size_t n = strlen(items);
	for (size_t i = from + 1; i + 2 < n; i++)
		if (items[i] == ' ' && items[i + 1] == ' ' && items[i + 2] != ' ')
			return i;
	return n;
}

/* head, as many items as fit in width with tail, then how many did not:
 * at 64 ranks a level's additions run far past the screen, and its wall
 * time (the tail) must stay in sight. width 0: no limit. */
static void fit_line(struct strbuf *out, const char *head, const char *items, const char *tail,
		     int width)
{
	size_t hl = strlen(head), il = strlen(items), tl = strlen(tail), total = 0;
	strbuf_puts(out, head);
	if (width <= 0 || hl + il + tl <= (size_t)width) {
		strbuf_puts(out, items);
		strbuf_puts(out, tail);
		return;
	}
	for (size_t i = 0; i < il; i = next_item(items, i))
		total++;
	size_t keep = 0, shown = 0;
	char note[48];
	for (size_t end = next_item(items, 0), k = 1; k <= total; end = next_item(items, end), k++) {
		snprintf(note, sizeof note, "  ...(%zu more)", total - k);
		if (hl + end + strlen(note) + tl > (size_t)width)
			break;
		keep = end;
		shown = k;
	}
	snprintf(note, sizeof note, "  ...(%zu more)", total - shown);
	strbuf_putn(out, items, keep);
	strbuf_puts(out, note);
	strbuf_puts(out, tail);
}

static void level_line(const struct store *st, int64_t horizon, struct node *nodes,
		       unsigned level, int width, struct strbuf *sb, int *any)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	struct strbuf items = STRBUF_INIT;
	char head[8], wall[40] = "";
	snprintf(head, sizeof head, "L%-2u", level % 100);
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
				strbuf_printf(&items, "  r%u=%g+%g=%g", r, before, v, nodes[r].running);
			else
				strbuf_printf(&items, "  r%u=?+%g", r, v);
			*any = 1;
		}
	}
	if (hi > lo && lo != INT64_MAX) {
		char w[24];
		timeline_format_time(w, sizeof w, view_elapsed(lo, hi));
		snprintf(wall, sizeof wall, "   wall %s", w);
	}
	fit_line(sb, head, strbuf_str(&items), wall, width);
	strbuf_free(&items);
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

static void leaves_line(const struct store *st, const struct node *nodes, int width,
			struct strbuf *sb)
{
	struct strbuf items = STRBUF_INIT;
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		if (nodes[r].known)
			strbuf_printf(&items, "  r%u=%g", r, nodes[r].value);
		else
			strbuf_printf(&items, "  r%u=?", r);
	}
	fit_line(sb, "leaves", strbuf_str(&items), "", width);
	strbuf_free(&items);
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
static int compare_tree(const struct store *st, int64_t horizon, struct strbuf *lines, int max,
			int width)
{
	uint32_t p = store_nranks(st), root = compare_root(st);
	struct store *t = store_new(p);
	for (uint32_t r = 0; r < p; r++)
		copy_tree_round(st, t, r, root);
	int n = treepanel_lines(t, "tree-sum", horizon, lines, max, width);
	store_free(t);
	return n;
}

/* Every level is added up, in order, so that the sum is right whatever
 * fits; room lines show them, or, when there are more levels than that,
 * one line saying which are left out and the latest levels after it. */
static int level_lines(const struct store *st, int64_t horizon, struct node *nodes,
		       unsigned top, int width, struct strbuf *lines, int room, int *any)
{
	unsigned all = top < MAX_LEVELS ? top + 1 : MAX_LEVELS, n = all, last = 0;
	struct strbuf *lv = xcalloc(all, sizeof *lv);
	for (unsigned l = 0; l < all; l++) {
		int some = 0;
		level_line(st, horizon, nodes, l, width, &lv[l], &some);
		if (some)
			last = l, *any = 1;
	}
	unsigned first = 0, k = 0;
	if (room >= 2 && n > (unsigned)room) {
		unsigned end = last > (unsigned)room - 2 ? last : (unsigned)room - 2;
		first = end - ((unsigned)room - 2);
		n = end + 1;
		if (first == 1)
			strbuf_puts(&lines[k++], "L0 not shown: a taller window shows it");
		else if (first > 1)
			strbuf_printf(&lines[k++], "L0 to L%u not shown: a taller window shows them",
				      first - 1);
		else
			n = (unsigned)room; /* no note: a level more instead */
	}
	for (unsigned l = first; l < n && (int)k < room; l++)
		strbuf_puts(&lines[k++], strbuf_str(&lv[l]));
	for (unsigned l = 0; l < all; l++)
		strbuf_free(&lv[l]);
	free(lv);
	return (int)k;
}

/* The linear sum is one long level at the root. */
static void steps_line(const struct store *st, int64_t horizon, struct node *r, uint32_t root,
		       int width, struct strbuf *sb, int *any)
{
	struct strbuf items = STRBUF_INIT;
	size_t n = store_rank_count(st, root);
	for (size_t i = 0; i < n; i++) {
		double v;
		struct event_ref ref = {root, (uint32_t)i};
		const struct event *e = store_event(st, ref);
		if (event_is_recv(e) && event_end(e) <= horizon && first_double(st, ref, &v)) {
			r->running += v;
			strbuf_printf(&items, "  +%g=%g", v, r->running);
			*any = 1;
		}
	}
	fit_line(sb, "steps", strbuf_str(&items), "", width);
	strbuf_free(&items);
}

int treepanel_lines(const struct store *st, const char *scenario, int64_t horizon,
		    struct strbuf *lines, int max, int width)
{
	uint32_t p = store_nranks(st);
	if (max < 3 || p == 0 || too_big(st) || scenario == NULL)
		return 0;
	if (strcmp(scenario, "compare") == 0)
		return compare_tree(st, horizon, lines, max, width);
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
	leaves_line(st, nodes, width, &lines[k++]);
	if (has_levels) {
		k += level_lines(st, horizon, nodes, top, width, lines + k, max - k - 1, &any);
	} else if (!has_reduce) {
		steps_line(st, horizon, &nodes[root], root, width, &lines[k++], &any);
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

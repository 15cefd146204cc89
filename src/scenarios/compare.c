/* compare: the homework's question, measured. "Code the tree structure
 * implementation of addition and compare the wall time of all the
 * processes, and report which of them is better and possibly why."
 *
 * Every rank adds its vector (rank+1)*(j+1) into the root's sum four
 * ways: the linear sum, the binomial tree, MPI_Reduce and MPI_Allreduce.
 * Each way runs --reps times after a barrier; each rank times itself with
 * MPI_Wtime. The root gathers every rank's times and reports, per way,
 * the operation's time (the slowest rank, median over reps), the root's
 * time, every rank's median, the messages and the rounds; then which way
 * won and why, from those numbers.
 */
#include "config.h"

#include <mpi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/scenario.h"
#include "scenarios/sums.h"

enum { LINEAR, TREE, REDUCE, ALLREDUCE, WAYS };
static const char *const way_name[WAYS] = {"linear", "tree", "reduce", "allreduce"};

struct bufs {
	double *value;	 /* this rank's own numbers */
	double *sum;
	double *partial;
	long n;
};

static int add_up(int way, struct bufs *b, const struct scenario_args *a)
{
	int n = (int)b->n;
	switch (way) {
	case LINEAR:
		memcpy(b->sum, b->value, (size_t)n * sizeof *b->sum);
		return sum_linear(b->sum, b->partial, n, a->root, a->rank, a->size);
	case TREE:
		memcpy(b->sum, b->value, (size_t)n * sizeof *b->sum);
		return sum_tree(b->sum, b->partial, n, a->root, a->rank, a->size);
	case REDUCE:
		return MPI_Reduce(b->value, b->sum, n, MPI_DOUBLE, MPI_SUM, a->root, MPI_COMM_WORLD);
	default:
		return MPI_Allreduce(b->value, b->sum, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
	}
}

/* Where a way leaves the sum: the root, and every rank for allreduce. */
static int check_sum(int way, const struct bufs *b, const struct scenario_args *a)
{
	return (a->rank != a->root && way != ALLREDUCE) || sum_is_right(b->sum, b->n, a->size);
}

/* times[way * reps + rep]: this rank's seconds. The first, untimed round
 * of each way is recorded (it is the picture); the timed ones are not.
 * Every round's sum is checked, a timed one's after its time is taken. */
static int measure(const struct scenario_args *a, struct bufs *b, double *times, int *right)
{
	for (int way = 0; way < WAYS; way++) {
		MPI_CHECK(add_up(way, b, a));
		*right &= check_sum(way, b, a);
	}
	if (a->recording)
		a->recording(0);
	int rc = MPI_SUCCESS;
	for (int way = 0; way < WAYS && rc == MPI_SUCCESS; way++) {
		for (long rep = 0; rep < a->reps && rc == MPI_SUCCESS; rep++) {
			rc = MPI_Barrier(MPI_COMM_WORLD);
			double t0 = MPI_Wtime();
			if (rc == MPI_SUCCESS)
				rc = add_up(way, b, a);
			times[way * a->reps + rep] = MPI_Wtime() - t0;
			if (rc == MPI_SUCCESS)
				*right &= check_sum(way, b, a);
		}
	}
	if (a->recording)
		a->recording(1);
	return rc;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static double median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct table {
	int size;
	long n;
	long reps;
	int root;
	double op[WAYS];    /* median over reps of the slowest rank, seconds */
	double at_root[WAYS];
	double *rank_med;   /* [way * size + rank] */
};

static void summarise(struct table *t, const double *all, double *scratch)
{
	for (int way = 0; way < WAYS; way++) {
		for (long rep = 0; rep < t->reps; rep++) {
			double slowest = 0;
			for (int r = 0; r < t->size; r++)
				slowest = fmax(slowest, all[((long)r * WAYS + way) * t->reps + rep]);
			scratch[rep] = slowest;
		}
		t->op[way] = median(scratch, t->reps);
		for (int r = 0; r < t->size; r++) {
			memcpy(scratch, &all[((long)r * WAYS + way) * t->reps],
			       (size_t)t->reps * sizeof *scratch);
			t->rank_med[way * t->size + r] = median(scratch, t->reps);
		}
		t->at_root[way] = t->rank_med[way * t->size + t->root];
	}
}

static int levels(int p)
{
	int l = 0;
	while ((1 << l) < p)
		l++;
	return l;
}

static void write_row(struct strbuf *sb, const struct table *t, int w, double worst)
{
	char rounds[48], msgs[24], bytes[24];
	if (w == LINEAR || w == TREE) {
		snprintf(msgs, sizeof msgs, "%d", t->size - 1);
		snprintf(bytes, sizeof bytes, "%ld", (long)(t->size - 1) * t->n * 8);
	} else {
		snprintf(msgs, sizeof msgs, "-");
		snprintf(bytes, sizeof bytes, "-");
	}
	if (w == LINEAR)
		snprintf(rounds, sizeof rounds, "%d receives in a row", t->size - 1);
	else if (w == TREE)
		snprintf(rounds, sizeof rounds, "%d levels", levels(t->size));
	else
		snprintf(rounds, sizeof rounds, "inside MPI_%s", w == REDUCE ? "Reduce" : "Allreduce");
	/* 11 wide: 10^7 doubles a rank on a few ranks take seconds */
	strbuf_printf(sb, "%-10s %11.2f %11.2f %9s %11s  %-21s ", way_name[w], t->op[w] * 1e6,
		      t->at_root[w] * 1e6, msgs, bytes, rounds);
	int bar = worst > 0 ? (int)lround(20 * t->op[w] / worst) : 0;
	for (int i = 0; i < bar; i++)
		strbuf_putc(sb, '#');
	strbuf_putc(sb, '\n');
}

#define BAR 10

/* Every rank's median wall time for every way, as bars on one scale: who
 * waits (the root of the linear sum), who is done early (the leaves). */
static void write_chart(struct strbuf *sb, const struct table *t)
{
	double top = 0;
	for (int i = 0; i < WAYS * t->size; i++)
		top = fmax(top, t->rank_med[i]);
	strbuf_puts(sb, "rank ");
	for (int w = 0; w < WAYS; w++)
		strbuf_printf(sb, " %-*s", BAR + 1, way_name[w]);
	strbuf_printf(sb, "(bars: median wall time, %.2f us full)\n", top * 1e6);
	for (int r = 0; r < t->size; r++) {
		strbuf_printf(sb, "r%-4d", r);
		for (int w = 0; w < WAYS; w++) {
			double v = t->rank_med[w * t->size + r];
			int len = top > 0 ? (int)lround(BAR * v / top) : 0;
			if (len == 0 && v > 0)
				len = 1; /* never invisible: a rank that took any time shows */
			strbuf_putc(sb, ' ');
			for (int i = 0; i < BAR + 1; i++)
				strbuf_putc(sb, i < len ? '#' : ' ');
		}
		while (sb->len > 0 && sb->s[sb->len - 1] == ' ')
			sb->s[--sb->len] = '\0';
		strbuf_putc(sb, '\n');
	}
}

static void write_table(struct strbuf *sb, const struct table *t)
{
	double worst = 0;
	for (int w = 0; w < WAYS; w++)
		worst = fmax(worst, t->op[w]);
	strbuf_printf(sb, "compare: %d ranks, %ld double(s) a rank, median of %ld reps\n", t->size,
		      t->n, t->reps);
	strbuf_puts(sb, "method         time_us     root_us  messages       bytes  rounds at the root\n");
	for (int w = 0; w < WAYS; w++)
		write_row(sb, t, w, worst);
	/* the chart before the numbers: a screen too short for the table
	 * shows its first lines, and the numbers are also in --text */
	write_chart(sb, t);
	strbuf_puts(sb, "per-rank median (us):\n");
	for (int w = 0; w < WAYS; w++) {
		strbuf_printf(sb, "  %-9s", way_name[w]);
		for (int r = 0; r < t->size; r++)
			strbuf_printf(sb, " r%d=%.2f", r, t->rank_med[w * t->size + r] * 1e6);
		strbuf_putc(sb, '\n');
	}
}

static int fastest(const struct table *t)
{
	int best = 0;
	for (int w = 1; w < WAYS; w++)
		if (t->op[w] < t->op[best])
			best = w;
	return best;
}

/* Why, in numbers: the comparison a student can check against the
 * table, not a sentence written in advance. */
static void linear_vs_tree(struct strbuf *sb, const struct table *t)
{
	double ratio = t->op[LINEAR] / t->op[TREE];
	long bytes = t->n * 8;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (t->size == 2) {
		strbuf_printf(sb, " With 2 ranks linear and tree are the same single message "
				  "(%.2f and %.2f us): any difference between them is noise.",
			      t->op[LINEAR] * 1e6, t->op[TREE] * 1e6);
	} else if (ratio >= 1.2) {
		strbuf_printf(sb, " The linear sum takes %.1fx the tree's time: its root receives %d "
				  "messages one after another, the tree needs %d rounds in which "
				  "pairs of ranks add at the same time.",
			      ratio, t->size - 1, levels(t->size));
	} else if (ratio <= 1 / 1.2) {
		strbuf_printf(sb, " Here the tree takes %.1fx the linear sum's time: its %d rounds "
				  "depend on each other%s.",
			      1 / ratio, levels(t->size),
			      cores > 0 && t->size > cores
				      ? ", and with more ranks than cores a rank that must pass "
					"on a partial sum waits for the processor"
				      : ", so each round's latency adds up");
	} else if (bytes >= 65536) {
		strbuf_printf(sb, " Linear and tree are within 20%% of each other: at %ld bytes a "
				  "message, moving the data costs more than the number of rounds.",
			      bytes);
	} else {
		strbuf_printf(sb, " Linear and tree are within 20%% of each other: with %d ranks, "
				  "%d receive%s in a row and %d round%s are close.",
			      t->size, t->size - 1, t->size - 1 == 1 ? "" : "s", levels(t->size),
			      levels(t->size) == 1 ? "" : "s");
	}
}

/* Why a library call won, against the faster of the two written by hand:
 * its time as a fraction of that one's, not a sentence alone. */
static void library_vs_hand(struct strbuf *sb, const struct table *t, int w)
{
	int hand = t->op[TREE] <= t->op[LINEAR] ? TREE : LINEAR;
	strbuf_printf(sb, " MPI_%s takes %.2fx the time of the faster way by hand (%s, %.2f us): "
			  "it adds inside one call, with the library's own algorithm for %ld "
			  "bytes a rank, instead of separate sends and receives.",
		      w == REDUCE ? "Reduce" : "Allreduce", t->op[w] / t->op[hand], way_name[hand],
		      t->op[hand] * 1e6, t->n * 8);
}

static void write_verdict(struct strbuf *sb, const struct table *t)
{
	int w = fastest(t);
	strbuf_printf(sb, "%s is fastest at %d ranks and %ld double(s): %.2f us (", way_name[w],
		      t->size, t->n, t->op[w] * 1e6);
	for (int o = 0, first = 1; o < WAYS; o++) {
		if (o == w)
			continue;
		strbuf_printf(sb, "%s%s %.2f", first ? "" : ", ", way_name[o], t->op[o] * 1e6);
		first = 0;
	}
	strbuf_puts(sb, ").");
	if (t->size == 1) {
		strbuf_puts(sb, " With one rank no message is sent: the ways differ only in the cost "
				"of their calls.");
		return;
	}
	linear_vs_tree(sb, t);
	if (w == REDUCE || w == ALLREDUCE)
		library_vs_hand(sb, t, w);
}

static void report(const struct scenario_args *a, const double *all, struct scenario_result *res)
{
	struct table t = {a->size, a->count, a->reps, a->root, {0}, {0}, NULL};
	double *scratch = malloc((size_t)a->reps * sizeof *scratch);
	t.rank_med = malloc((size_t)WAYS * (size_t)a->size * sizeof *t.rank_med);
	if (scratch == NULL || t.rank_med == NULL) {
		strbuf_puts(&res->text, "out of memory for the table");
		res->ok = 0;
	} else {
		summarise(&t, all, scratch);
		write_table(&res->report, &t);
		write_verdict(&res->text, &t);
	}
	free(scratch);
	free(t.rank_med);
}

static int compare(const struct scenario_args *a, struct scenario_result *res)
{
	long n = a->count, per_rank = WAYS * a->reps;
	struct bufs b = {malloc((size_t)n * sizeof(double)), malloc((size_t)n * sizeof(double)),
			 malloc((size_t)n * sizeof(double)), n};
	double *times = malloc((size_t)per_rank * sizeof *times);
	double *all = a->rank == a->root ? malloc((size_t)per_rank * (size_t)a->size * sizeof *all)
					 : NULL;
	int right = 1, rc = MPI_ERR_NO_MEM;
	if (b.value && b.sum && b.partial && times && (all || a->rank != a->root)) {
		sum_values(b.value, n, a->rank);
		rc = measure(a, &b, times, &right);
		if (rc == MPI_SUCCESS)
			rc = MPI_Gather(times, (int)per_rank, MPI_DOUBLE, all, (int)per_rank,
					MPI_DOUBLE, a->root, MPI_COMM_WORLD);
	}
	res->ok = rc == MPI_SUCCESS && right;
	if (rc == MPI_SUCCESS && a->rank == a->root)
		report(a, all, res);
	if (!right)
		strbuf_puts(&res->text, " A sum was WRONG.");
	free(b.value);
	free(b.sum);
	free(b.partial);
	free(times);
	free(all);
	return rc;
}

const struct scenario scenario_compare = {
	.name = "compare",
	.summary = "the homework's answer: linear, tree, MPI_Reduce, MPI_Allreduce timed (--reps)",
	SUM_SCENARIO,
	.uses_reps = 1,
	.run = compare,
};

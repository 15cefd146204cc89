/* What the homework's sums (linear-sum, tree-sum, reduce and compare)
 * share: their settings, their vectors, the ways to add them by hand and
 * the check of the total. */
#ifndef MPILOOM_SUMS_H
#define MPILOOM_SUMS_H

#include "scenarios/scenario.h"

/* Their struct scenario's settings: compare runs the others' ways on the
 * same vectors, so one --count range and --root serve all four. */
#define SUM_SCENARIO                                                                         \
	.min_ranks = 1, .default_count = 1, .min_count = 1, .max_count = 10000000,            \
	.uses_count = 1, .uses_root = 1

/* The homework's ways to add one vector per rank. On entry every rank's
 * sum holds its own values; on return the root's holds the total.
 * partial is room for n doubles (only ranks that receive use it). */
int sum_linear(double *sum, double *partial, long n, int root, int rank, int size);
int sum_tree(double *sum, double *partial, long n, int root, int rank, int size);

/* Every rank's starting values: (rank+1)*(j+1). */
void sum_values(double *v, long n, int rank);
/* A sum scenario's vectors of --count doubles: *mine holds this rank's
 * values; *other is room for a vector it receives, or for the total,
 * where want_other, else NULL. MPI_SUCCESS, or MPI_ERR_NO_MEM with
 * neither held. */
int sum_alloc(double **mine, double **other, const struct scenario_args *a, int want_other);
/* Element j of the total over size ranks is size(size+1)/2*(j+1). */
int sum_is_right(const double *sum, long n, int size);

/* The sums' check once their calls returned rc: the root checks its total
 * of --count doubles (element j of p ranks' (rank+1)*(j+1) is
 * p(p+1)/2*(j+1)) and says what it found; any other rank passes when its
 * calls did. Sets res->ok and the text. */
void result_sum(struct scenario_result *res, int rc, const double *sum,
		const struct scenario_args *a);

#endif

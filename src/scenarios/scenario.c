#include "config.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/sums.h"

#define LISTED 8

extern const struct scenario scenario_object, scenario_buffer, scenario_probe,
	scenario_status, scenario_bcast, scenario_gather, scenario_scatter,
	scenario_tree_sum, scenario_linear_sum, scenario_reduce, scenario_compare;

static const struct scenario *const all[] = {
	&scenario_object, &scenario_buffer,	&scenario_probe,      &scenario_status,
	&scenario_bcast,  &scenario_gather,	&scenario_scatter,    &scenario_tree_sum,
	&scenario_linear_sum, &scenario_reduce, &scenario_compare,
};

const struct scenario *const *scenario_all(size_t *n)
{
	*n = sizeof all / sizeof all[0];
	return all;
}

const struct scenario *scenario_find(const char *name)
{
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

void result_doubles(struct strbuf *sb, const double *v, long n)
{
	strbuf_putc(sb, '[');
	for (long i = 0; i < n && i < LISTED; i++)
		strbuf_printf(sb, i ? ", %g" : "%g", v[i]);
	strbuf_puts(sb, n > LISTED ? ", ...]" : "]");
}

void result_ints(struct strbuf *sb, const int *v, long n)
{
	strbuf_putc(sb, '[');
	for (long i = 0; i < n && i < LISTED; i++)
		strbuf_printf(sb, i ? ", %d" : "%d", v[i]);
	strbuf_puts(sb, n > LISTED ? ", ...]" : "]");
}

void sum_values(double *v, long n, int rank)
{
	for (long j = 0; j < n; j++)
		v[j] = (double)(rank + 1) * (double)(j + 1);
}

int sum_alloc(double **mine, double **other, const struct scenario_args *a, int want_other)
{
	*mine = malloc((size_t)a->count * sizeof **mine);
	*other = want_other ? malloc((size_t)a->count * sizeof **other) : NULL;
	if (*mine == NULL || (want_other && *other == NULL)) {
		free(*mine);
		free(*other);
		return MPI_ERR_NO_MEM;
	}
	sum_values(*mine, a->count, a->rank);
	return MPI_SUCCESS;
}

int sum_is_right(const double *sum, long n, int size)
{
	double total = (double)size * (size + 1) / 2;
	for (long j = 0; j < n; j++)
		if (sum[j] != total * (double)(j + 1))
			return 0;
	return 1;
}

/* The root's line: the total and what it should be. */
static void say_sum(struct strbuf *sb, const double *sum, long n, int size)
{
	double total = (double)size * (size + 1) / 2;
	if (n == 1) {
		strbuf_printf(sb, "sum = %g, expected p(p+1)/2 = %g", sum[0], total);
		return;
	}
	strbuf_puts(sb, "sum = ");
	result_doubles(sb, sum, n);
	strbuf_printf(sb, ", expected element j = %g*(j+1)", total);
}

void result_sum(struct scenario_result *res, int rc, const double *sum,
		const struct scenario_args *a)
{
	res->ok = rc == MPI_SUCCESS;
	if (rc == MPI_SUCCESS && a->rank == a->root) {
		res->ok = sum_is_right(sum, a->count, a->size);
		say_sum(&res->text, sum, a->count, a->size);
	}
}

#include "config.h"

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

int sum_is_right(const double *sum, long n, int size)
{
	double total = (double)size * (size + 1) / 2;
	for (long j = 0; j < n; j++)
		if (sum[j] != total * (double)(j + 1))
			return 0;
	return 1;
}

void result_sum(struct scenario_result *res, const double *sum, long n, int size)
{
	double total = (double)size * (size + 1) / 2;
	res->ok = sum_is_right(sum, n, size);
	if (n == 1) {
		strbuf_printf(&res->text, "sum = %g, expected p(p+1)/2 = %g", sum[0], total);
		return;
	}
	strbuf_puts(&res->text, "sum = ");
	result_doubles(&res->text, sum, n);
	strbuf_printf(&res->text, ", expected element j = %g*(j+1)", total);
}

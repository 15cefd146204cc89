/* A scenario: one lecture example, plain MPI code that knows nothing of
 * tracing. The trace layer sees its calls through the profiling interface. */
#ifndef MPILOOM_SCENARIO_H
#define MPILOOM_SCENARIO_H

#include <stddef.h>

#include "core/strbuf.h"

struct scenario_args {
	long count; /* --count, or the scenario's default */
	int root;   /* --root */
	long reps;  /* --reps: timed repetitions (compare) */
	int rank;
	int size;
	/* The driver's switch for recording calls: timing runs without it,
	 * so the measurement is of MPI, not of mpiloom. */
	void (*recording)(int on);
};

struct scenario_result {
	int ok;		     /* this rank's check passed */
	struct strbuf text;  /* what this rank found, one line ("sum = 10") */
	struct strbuf report; /* more lines, for a table (compare); may be empty */
};

struct scenario {
	const char *name;
	const char *summary; /* one line for `mpiloom list` */
	int min_ranks;
	long default_count;
	long min_count;
	long max_count;
	int uses_count;
	int uses_root;
	int tag_is_level;    /* tags are tree levels */
	int shows_tree;      /* a sum: the tree panel applies */
	int uses_reps;	     /* takes --reps */
	/* Returns MPI_SUCCESS or the first failing call's error code. */
	int (*run)(const struct scenario_args *args, struct scenario_result *res);
};

/* Textbook MPI with its return checked, readable as the call itself (in
 * the scenarios, which include mpi.h themselves). */
#define MPI_CHECK(call)                                                                  \
	do {                                                                             \
		int mpi_check_rc_ = (call);                                              \
		if (mpi_check_rc_ != MPI_SUCCESS)                                        \
			return mpi_check_rc_;                                            \
	} while (0)

const struct scenario *scenario_find(const char *name);
const struct scenario *const *scenario_all(size_t *n);

/* Appends "[v0, v1, ...]" to a result text, at most the first 8 values. */
void result_doubles(struct strbuf *sb, const double *v, long n);
void result_ints(struct strbuf *sb, const int *v, long n);

#endif

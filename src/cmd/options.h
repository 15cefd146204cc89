/* Command-line options, parsed identically on every rank and in the
 * launcher, before MPI starts. */
#ifndef MPILOOM_OPTIONS_H
#define MPILOOM_OPTIONS_H

#include <stdio.h>

#include "core/strbuf.h"

enum command {
	CMD_RUN,
	CMD_LIST,
	CMD_HELP,
	CMD_VERSION,
	CMD_REPLAY,
	CMD_DUMP,
	CMD_INFO,
	CMD_PROGRAM, /* mpiloom run ... -- PROG ARGS */
};

/* --time: the timeline's axis at start (lecture mode: logical). */
enum time_choice { TIME_DEFAULT, TIME_WALL, TIME_LOGICAL };

struct options {
	enum command command;
	const char *scenario;
	long count;
	int count_set;
	long root;
	int root_set;
	long delay_ms;
	long reps;
	int reps_set;
	int text;
	long nprocs;
	int nprocs_set;
	const char *record; /* --record FILE */
	int step;	    /* --step: every call waits for rank 0's release */
	const char *keys;   /* --keys: typed before the person types */
	int textbook;	    /* --collectives textbook */
	enum time_choice time; /* --time wall|logical */
	int steps;	    /* --steps: the text view prints step=N */
	const char *file;   /* replay, dump, info */
	/* mpiloom run: the program and its arguments (NULL-terminated), and
	 * the options passed on to mpiexec (NULL-terminated) */
	char **prog_argv;
	char **mpiexec_argv;
	long timeout_s; /* 0: none */
	/* a scenario: the arguments before "--" (what the ranks get), and
	 * those after it, for mpiexec (pointers into argv; NULL: none) */
	int argc;
	char **mpiexec_extra;
	int n_mpiexec_extra;
};

#define COUNT_LIMIT 10000000L
#define REPS_LIMIT 1000L
#define DELAY_LIMIT 60000L
#define NPROCS_LIMIT 4096L
#define TIMEOUT_LIMIT 86400L
#define KEYS_LIMIT 100000

/* Whether the screen starts in logical time. */
int options_logical(const struct options *o);
/* "wall" or "logical" into *out; 0, or 2 with a reason in err. */
int options_time(const char *arg, enum time_choice *out, struct strbuf *err);

/* Returns 0, or 2 with a one-line reason in err (the exit status). */
int options_parse(int argc, char **argv, struct options *o, struct strbuf *err);
void options_usage(FILE *out);
/* Frees what options_parse allocated (mpiloom run's lists). */
void options_free(struct options *o);

#endif

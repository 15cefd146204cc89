/* mpiloom: see MPI message passing. One binary is the launcher (typed in a
 * shell), every rank (under mpiexec), and the viewer (on rank 0). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/launch.h"
#include "cmd/logview.h"
#include "cmd/options.h"
#include "cmd/program-view.h"
#include "cmd/record.h"
#include "cmd/scenario-run.h"
#include "export/export.h"
#include "scenarios/scenario.h"

static int list_scenarios(void)
{
	size_t n;
	const struct scenario *const *all = scenario_all(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-11s %s\n", all[i]->name, all[i]->summary);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Before MPI starts every rank parses the same arguments; only one of them
 * (rank 0, or the launcher) says what is wrong. */
static int first_process(void)
{
	const char *rank = getenv("PMI_RANK");
	return rank == NULL || atoi(rank) == 0;
}

static int check_args(const struct scenario *s, const struct options *o)
{
	if (o->root_set && !s->uses_root) {
		if (first_process())
			fprintf(stderr, "mpiloom: %s takes no --root (rank 0 sends to rank 1)\n",
				s->name);
		return 2;
	}
	if (o->reps_set && !s->uses_reps) {
		if (first_process())
			fprintf(stderr, "mpiloom: %s takes no --reps (only compare does)\n", s->name);
		return 2;
	}
	if (!o->count_set)
		return 0;
	if (!s->uses_count) {
		if (first_process())
			fprintf(stderr, "mpiloom: %s takes no --count\n", s->name);
		return 2;
	}
	if (o->count < s->min_count || o->count > s->max_count) {
		if (first_process())
			fprintf(stderr, "mpiloom: --count for %s must be from %ld to %ld, not %ld\n",
				s->name, s->min_count, s->max_count, o->count);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* export has options of its own: it never runs under mpiexec */
	if (argc > 1 && strcmp(argv[1], "export") == 0)
		return export_main(argc - 1, argv + 1);
	struct options o;
	struct strbuf err = STRBUF_INIT;
	int status = options_parse(argc, argv, &o, &err);
	if (status != 0) {
		if (first_process())
			fprintf(stderr, "%s\n", strbuf_str(&err));
		strbuf_free(&err);
		return status;
	}
	strbuf_free(&err);
	/* Under mpiexec every rank gets here: one copy of the answer is enough. */
	if (o.command != CMD_RUN && !first_process()) {
		options_free(&o);
		return 0;
	}
	switch (o.command) {
	case CMD_HELP:
		options_usage(stdout);
		return 0;
	case CMD_VERSION:
		printf("mpiloom %s\n", PACKAGE_VERSION);
		return 0;
	case CMD_LIST:
		return list_scenarios();
	case CMD_REPLAY:
		return logview_replay(o.file, options_logical(&o));
	case CMD_DUMP:
		return logview_dump(o.file, o.steps);
	case CMD_INFO:
		return logview_info(o.file);
	case CMD_PROGRAM:
		/* a file that cannot be written fails before anything starts */
		status = o.record != NULL ? record_check_path(o.record) : 0;
		if (status == 0)
			status = progview_run(&o);
		options_free(&o);
		return status;
	case CMD_RUN:
		break;
	}
	const struct scenario *s = scenario_find(o.scenario);
	if ((status = check_args(s, &o)) != 0)
		return status;
	if (!launch_under_mpiexec()) {
		/* a file that cannot be written fails before any rank starts */
		if (o.record != NULL && (status = record_check_path(o.record)) != 0)
			return status;
		return launch_run(&o, argv);
	}
	if (o.mpiexec_extra != NULL) {
		if (first_process())
			fprintf(stderr, "mpiloom: options after -- are for the mpiexec mpiloom "
					"starts; under mpiexec, give them to mpiexec\n");
		return 2;
	}
	return scenario_run(s, &o, &argc, &argv);
}

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/options.h"
#include "core/trace.h"
#include "scenarios/scenario.h"

enum { OPT_TEXT = 256, OPT_COUNT, OPT_ROOT, OPT_DELAY, OPT_HELP, OPT_VERSION, OPT_RECORD, OPT_REPS,
       OPT_STEP, OPT_KEYS, OPT_COLLECTIVES, OPT_TIME, OPT_STEPS };

static const struct option long_options[] = {
	{"count", required_argument, NULL, OPT_COUNT},
	{"root", required_argument, NULL, OPT_ROOT},
	{"delay", required_argument, NULL, OPT_DELAY},
	{"text", no_argument, NULL, OPT_TEXT},
	{"record", required_argument, NULL, OPT_RECORD},
	{"reps", required_argument, NULL, OPT_REPS},
	{"step", no_argument, NULL, OPT_STEP},
	{"keys", required_argument, NULL, OPT_KEYS},
	{"collectives", required_argument, NULL, OPT_COLLECTIVES},
	{"time", required_argument, NULL, OPT_TIME},
	{"steps", no_argument, NULL, OPT_STEPS},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

void options_usage(FILE *out)
{
	fprintf(out,
		"usage: mpiloom [-n RANKS] [options] SCENARIO [-- MPIEXEC OPTIONS]\n"
		"       mpiexec -n RANKS mpiloom --text [options] SCENARIO\n"
		"       mpiloom list\n"
		"       mpiloom replay|dump|info FILE\n"
		"       mpiloom run [-n RANKS] [--text] [--record FILE] [--timeout S] [MPIEXEC OPTIONS] -- PROGRAM [ARGS]\n"
		"       mpiloom export --otf2 DIR|--chrome F|--svg F|--csv F [--from T] [--to T] [--force] LOG\n"
		"\n"
		"  -n RANKS      ranks to start (mpiloom runs mpiexec itself; default 4)\n"
		"  --count N     elements per message or per rank (scenario's default)\n"
		"  --root R      root rank of collectives and sums (default 0)\n"
		"  --delay MS    pause MS milliseconds before each traced MPI call\n"
		"  --reps N      timed repetitions of each way (compare; default 10)\n"
		"  --text        print one line per event instead of the timeline\n"
		"  --record FILE write every event to FILE (see mpiloom(5))\n"
		"  --step        lecture mode: each MPI call waits for n (r: a round,\n"
		"                space: run freely or stop again)\n"
		"  --keys KEYS   keys taken as typed, each once the ranks have settled\n"
		"  --collectives native|textbook|linear\n"
		"                MPI's own collectives, or mpiloom's built on send/recv\n"
		"                (trees; or every one linear at the root)\n"
		"  --time wall|logical\n"
		"                the timeline's axis at start: wall-clock time, or\n"
		"                logical steps (the default with --step; l toggles)\n"
		"  --steps       --text, dump: each event's logical step (step=N)\n"
		"  -- ...        after SCENARIO: options for mpiexec (-f HOSTFILE, ...)\n"
		"\n"
		"  replay FILE   the recorded run on the screen, with playback\n"
		"  dump FILE     the recorded run as text, as --text prints it\n"
		"  info FILE     what a recording holds, and whether it is whole\n"
		"  run ... -- PROGRAM  trace an MPI program of yours (LD_PRELOAD); other\n"
		"                options before -- go to mpiexec; --timeout S stops it after S s\n"
		"  export ...    the recording as OTF2, Chrome trace JSON, an SVG picture\n"
		"                (--from T, --to T: a time window) or CSV\n"
		"  --help        this text\n"
		"  --version     version\n"
		"\n"
		"Run 'mpiloom list' for the scenarios; 'man mpiloom' for the text format.\n");
}

static void valid_scenarios(struct strbuf *err)
{
	size_t n;
	const struct scenario *const *all = scenario_all(&n);
	strbuf_puts(err, " (valid: ");
	for (size_t i = 0; i < n; i++)
		strbuf_printf(err, i ? ", %s" : "%s", all[i]->name);
	strbuf_puts(err, ")");
}

/* Whole-string decimal numbers only: "12abc", "", "1e9" are errors, and
 * so are " 5" and "+5" (strtol would skip the blank and the sign), as
 * "5 " always was: a digit or '-' first. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int bad_number(struct strbuf *err, const char *what, const char *arg, long lo, long hi)
{
	strbuf_puts(err, "mpiloom: ");
	strbuf_puts(err, what);
	strbuf_puts(err, " must be a whole number from ");
	strbuf_printf(err, "%ld to %ld, not '", lo, hi);
	strbuf_escape(err, arg, strlen(arg));
	strbuf_puts(err, "'");
	return 2;
}

static int parse_option(int c, struct options *o, struct strbuf *err)
{
	switch (c) {
	case 'n':
		o->nprocs_set = 1;
		if (parse_long(optarg, 1, NPROCS_LIMIT, &o->nprocs) != 0)
			return bad_number(err, "-n", optarg, 1, NPROCS_LIMIT);
		return 0;
	case OPT_COUNT:
		o->count_set = 1;
		if (parse_long(optarg, 0, COUNT_LIMIT, &o->count) != 0)
			return bad_number(err, "--count", optarg, 0, COUNT_LIMIT);
		return 0;
	case OPT_ROOT:
		o->root_set = 1;
		if (parse_long(optarg, 0, NPROCS_LIMIT - 1, &o->root) != 0)
			return bad_number(err, "--root", optarg, 0, NPROCS_LIMIT - 1);
		return 0;
	case OPT_REPS:
		o->reps_set = 1;
		if (parse_long(optarg, 1, REPS_LIMIT, &o->reps) != 0)
			return bad_number(err, "--reps", optarg, 1, REPS_LIMIT);
		return 0;
	case OPT_DELAY:
		if (parse_long(optarg, 0, DELAY_LIMIT, &o->delay_ms) != 0)
			return bad_number(err, "--delay", optarg, 0, DELAY_LIMIT);
		return 0;
	case OPT_TEXT:
		o->text = 1;
		return 0;
	case OPT_STEP:
		o->step = 1;
		return 0;
	case OPT_KEYS:
		if (strlen(optarg) > KEYS_LIMIT) {
			strbuf_printf(err, "mpiloom: --keys takes at most %d keys", KEYS_LIMIT);
			return 2;
		}
		o->keys = optarg;
		return 0;
	case OPT_COLLECTIVES:
		if (strcmp(optarg, "native") != 0 && strcmp(optarg, "textbook") != 0 &&
		    strcmp(optarg, "linear") != 0) {
			strbuf_puts(err, "mpiloom: --collectives is native, textbook or linear, not '");
			strbuf_escape(err, optarg, strlen(optarg));
			strbuf_puts(err, "'");
			return 2;
		}
		o->textbook = strcmp(optarg, "textbook") == 0 ? TEXTBOOK_TREE
			      : strcmp(optarg, "linear") == 0	? TEXTBOOK_LINEAR
								: 0;
		return 0;
	case OPT_TIME:
		return options_time(optarg, &o->time, err);
	case OPT_STEPS:
		o->steps = 1;
		return 0;
	case OPT_RECORD:
		if (*optarg == '\0') {
			strbuf_puts(err, "mpiloom: --record needs a file name");
			return 2;
		}
		o->record = optarg;
		return 0;
	case OPT_HELP:
		o->command = CMD_HELP;
		return 0;
	case OPT_VERSION:
		o->command = CMD_VERSION;
		return 0;
	default:
		strbuf_puts(err, "mpiloom: unknown option; try 'mpiloom --help'");
		return 2;
	}
}

int options_time(const char *arg, enum time_choice *out, struct strbuf *err)
{
	if (strcmp(arg, "wall") == 0 || strcmp(arg, "logical") == 0) {
		*out = arg[0] == 'w' ? TIME_WALL : TIME_LOGICAL;
		return 0;
	}
	strbuf_puts(err, "mpiloom: --time is wall or logical, not '");
	strbuf_escape(err, arg, strlen(arg));
	strbuf_puts(err, "'");
	return 2;
}

/* A lecture is about who sends to whom in which order: its pauses are
 * not the picture. */
int options_logical(const struct options *o)
{
	return o->time == TIME_LOGICAL || (o->time == TIME_DEFAULT && o->step);
}

static int parse_operand(const char *arg, struct options *o, struct strbuf *err)
{
	if (strcmp(arg, "list") == 0) {
		o->command = CMD_LIST;
		return 0;
	}
	const struct scenario *s = scenario_find(arg);
	if (s == NULL) {
		strbuf_puts(err, "mpiloom: unknown scenario '");
		strbuf_escape(err, arg, strlen(arg));
		strbuf_puts(err, "'");
		valid_scenarios(err);
		return 2;
	}
	o->scenario = s->name;
	return 0;
}

void options_free(struct options *o)
{
	free(o->prog_argv);
	free(o->mpiexec_argv);
	o->prog_argv = o->mpiexec_argv = NULL;
}

/* "-n 4", "-n4", "--record F", "--record=F": the value of option name at
 * argv[*i], or NULL if argv[*i] is not it. */
static const char *run_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '\0') {
		if (*i + 1 >= argc) {
			*missing = 1;
			return NULL;
		}
		return argv[++*i];
	}
	if (a[n] == '=' || (n == 2 && a[1] != '-'))
		return a + n + (a[n] == '=');
	return NULL;
}

static int run_option(int argc, char **argv, int *i, struct options *o, struct strbuf *err)
{
	int missing = 0;
	const char *v;
	if ((v = run_value(argc, argv, i, "-np", &missing)) != NULL ||
	    (v = run_value(argc, argv, i, "-n", &missing)) != NULL) {
		if (parse_long(v, 1, NPROCS_LIMIT, &o->nprocs) != 0)
			return bad_number(err, "-n", v, 1, NPROCS_LIMIT);
		return 1;
	}
	if ((v = run_value(argc, argv, i, "--timeout", &missing)) != NULL) {
		if (parse_long(v, 1, TIMEOUT_LIMIT, &o->timeout_s) != 0)
			return bad_number(err, "--timeout", v, 1, TIMEOUT_LIMIT);
		return 1;
	}
	if ((v = run_value(argc, argv, i, "--record", &missing)) != NULL) {
		if (*v == '\0') {
			strbuf_puts(err, "mpiloom: --record needs a file name");
			return 2;
		}
		o->record = v;
		return 1;
	}
	if ((v = run_value(argc, argv, i, "--time", &missing)) != NULL)
		return options_time(v, &o->time, err) == 0 ? 1 : 2;
	if (missing) {
		strbuf_printf(err, "mpiloom: run: %s needs a value", argv[*i]);
		return 2;
	}
	if (strcmp(argv[*i], "--text") == 0) {
		o->text = 1;
		return 1;
	}
	if (strcmp(argv[*i], "--steps") == 0) {
		o->steps = 1;
		return 1;
	}
	/* not passed on to mpiexec as an option of its own */
	static const char *const flags[] = {"--text", "--steps", "--help"};
	for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
		size_t n = strlen(flags[f]);
		if (strncmp(argv[*i], flags[f], n) == 0 && argv[*i][n] == '=') {
			strbuf_printf(err, "mpiloom: %s takes no value", flags[f]);
			return 2;
		}
	}
	return 0;
}

/* mpiloom run [our options and mpiexec's] -- PROGRAM ARGS */
static int parse_run_args(int argc, char **argv, struct options *o, struct strbuf *err)
{
	int k = 0, rc;
	o->command = CMD_PROGRAM;
	o->mpiexec_argv = calloc((size_t)argc + 1, sizeof *o->mpiexec_argv);
	if (o->mpiexec_argv == NULL) {
		strbuf_puts(err, "mpiloom: out of memory");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 >= argc)
				break;
			o->prog_argv = calloc((size_t)(argc - i), sizeof *o->prog_argv);
			if (o->prog_argv == NULL) {
				strbuf_puts(err, "mpiloom: out of memory");
				return 2;
			}
			for (int j = i + 1; j < argc; j++)
				o->prog_argv[j - i - 1] = argv[j];
			return 0;
		}
		if (strcmp(argv[i], "--help") == 0) {
			o->command = CMD_HELP;
			return 0;
		}
		if ((rc = run_option(argc, argv, &i, o, err)) == 2)
			return 2;
		if (rc == 0)
			o->mpiexec_argv[k++] = argv[i];
	}
	strbuf_puts(err, "mpiloom: run: no program given (mpiloom run [-n RANKS] [options] -- PROGRAM [ARGS])");
	return 2;
}

/* What was allocated is freed when the answer is an error or --help: the
 * caller only frees a command it runs. */
static int parse_run(int argc, char **argv, struct options *o, struct strbuf *err)
{
	int rc = parse_run_args(argc, argv, o, err);
	if (rc != 0 || o->command != CMD_PROGRAM)
		options_free(o);
	return rc;
}

/* Whether arg is an option of ours that takes the next argument as its
 * value ("--keys --" is no end of the options). */
static int takes_value(const char *arg)
{
	if (strcmp(arg, "-n") == 0)
		return 1;
	for (const struct option *lo = long_options; lo->name != NULL; lo++)
		if (lo->has_arg == required_argument && strncmp(arg, "--", 2) == 0 &&
		    strcmp(arg + 2, lo->name) == 0)
			return 1;
	return 0;
}

/* mpiloom [options] SCENARIO -- MPIEXEC OPTIONS: what follows "--" is for
 * the mpiexec the launcher starts (a host file, say), never for the ranks.
 * Returns where the "--" is, or argc. */
static int split_mpiexec_options(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0 || takes_value(argv[i - 1]))
			continue;
		o->mpiexec_extra = argv + i + 1;
		o->n_mpiexec_extra = argc - i - 1;
		return i;
	}
	return argc;
}

/* What getopt_long refused, in one line. Its optopt is the option's
 * value for a value missing or one given to a flag (--text=1), 0 for a
 * long option it does not know. */
static int bad_option(const char *arg, struct strbuf *err)
{
	for (const struct option *lo = long_options; optopt != 0 && lo->name != NULL; lo++) {
		if (lo->val != optopt)
			continue;
		strbuf_printf(err, "mpiloom: --%s %s", lo->name,
			      lo->has_arg == no_argument ? "takes no value" : "needs a value");
		return 2;
	}
	if (optopt == 'n') {
		strbuf_puts(err, "mpiloom: -n needs a value");
		return 2;
	}
	strbuf_puts(err, "mpiloom: unknown or incomplete option '");
	strbuf_escape(err, arg, strlen(arg));
	strbuf_puts(err, "' (valid: -n, --count, --root, --delay, --text, --record, --reps, "
			 "--step, --keys, --collectives, --time, --steps, --help, --version)");
	return 2;
}

static int parse_scenario_args(int argc, char **argv, struct options *o, struct strbuf *err)
{
	opterr = 0;
	optind = 1;
	int c, rc;
	while ((c = getopt_long(argc, argv, "n:", long_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(argv[optind - 1], err);
		if ((rc = parse_option(c, o, err)) != 0)
			return rc;
	}
	if (o->command == CMD_HELP || o->command == CMD_VERSION)
		return 0;
	if (optind >= argc) {
		strbuf_puts(err, "mpiloom: no scenario given");
		valid_scenarios(err);
		return 2;
	}
	static const struct {
		const char *name;
		enum command cmd;
	} file_commands[] = {{"replay", CMD_REPLAY}, {"dump", CMD_DUMP}, {"info", CMD_INFO}};
	for (size_t i = 0; i < sizeof file_commands / sizeof file_commands[0]; i++) {
		if (strcmp(argv[optind], file_commands[i].name) != 0)
			continue;
		if (argc - optind != 2) {
			strbuf_printf(err, "mpiloom: usage: mpiloom %s FILE", file_commands[i].name);
			return 2;
		}
		o->command = file_commands[i].cmd;
		o->file = argv[optind + 1];
		return 0;
	}
	if (argc - optind > 1) {
		strbuf_puts(err, "mpiloom: one scenario at a time, not '");
		strbuf_escape(err, argv[optind + 1], strlen(argv[optind + 1]));
		strbuf_puts(err, "'");
		return 2;
	}
	return parse_operand(argv[optind], o, err);
}

int options_parse(int argc, char **argv, struct options *o, struct strbuf *err)
{
	memset(o, 0, sizeof *o);
	o->command = CMD_RUN;
	o->nprocs = 4;
	o->reps = 10;
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return parse_run(argc, argv, o, err);
	o->argc = argc = split_mpiexec_options(argc, argv, o);
	int rc = parse_scenario_args(argc, argv, o, err);
	if (rc == 0 && o->mpiexec_extra != NULL && o->command != CMD_RUN &&
	    o->command != CMD_HELP && o->command != CMD_VERSION) {
		strbuf_puts(err, "mpiloom: options for mpiexec (after --) go with a scenario only");
		return 2;
	}
	return rc;
}

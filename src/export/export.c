#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/match.h"
#include "core/quote.h"
#include "core/xalloc.h"
#include "export/export.h"
#include "log/health.h"
#include "view/view.h"

static const char *const call_names[EV_KIND_COUNT] = {
    [EV_INIT] = "MPI_Init",           [EV_FINALIZE] = "MPI_Finalize",
    [EV_SEND] = "MPI_Send",           [EV_SSEND] = "MPI_Ssend",
    [EV_BSEND] = "MPI_Bsend",         [EV_RSEND] = "MPI_Rsend",
    [EV_RECV] = "MPI_Recv",           [EV_PROBE] = "MPI_Probe",
    [EV_IPROBE] = "MPI_Iprobe",       [EV_BARRIER] = "MPI_Barrier",
    [EV_BCAST] = "MPI_Bcast",         [EV_GATHER] = "MPI_Gather",
    [EV_SCATTER] = "MPI_Scatter",     [EV_REDUCE] = "MPI_Reduce",
    [EV_ALLREDUCE] = "MPI_Allreduce", [EV_PACK] = "MPI_Pack",
    [EV_UNPACK] = "MPI_Unpack",       [EV_ABORT] = "MPI_Abort",
    [EV_EXIT] = "exit",
};

const char *export_call_name(const struct event *ev)
{
	if (ev->kind < EV_KIND_COUNT && call_names[ev->kind] != NULL)
		return call_names[ev->kind];
	return event_kind_name(ev->kind);
}

enum export_class export_class_of(const struct event *ev)
{
	if (event_is_send(ev))
		return XC_SEND;
	if (event_is_recv(ev))
		return XC_RECV;
	if (event_is_collective(ev))
		return XC_COLLECTIVE;
	switch (ev->kind) {
	case EV_PROBE:
	case EV_IPROBE:
		return XC_PROBE;
	case EV_PACK:
	case EV_UNPACK:
	case EV_COMPUTE:
		return XC_LOCAL;
	case EV_INIT:
	case EV_FINALIZE:
	case EV_RESULT:
	case EV_ABORT:
	case EV_EXIT:
		return XC_SETUP;
	default:
		return XC_OTHER;
	}
}

const char *export_class_name(enum export_class c)
{
	static const char *const names[XC_COUNT] = {
	    [XC_SEND] = "send",   [XC_RECV] = "receive",
	    [XC_PROBE] = "probe", [XC_COLLECTIVE] = "collective",
	    [XC_LOCAL] = "local", [XC_SETUP] = "setup",
	    [XC_OTHER] = "other",
	};
	return (unsigned)c < XC_COUNT ? names[c] : "other";
}

int export_refuse_log(const struct export_opts *opt, const char *path, struct strbuf *err)
{
	struct stat out, in;
	if (stat(path, &out) != 0 || stat(opt->log, &in) != 0 || in.st_dev != out.st_dev ||
	    in.st_ino != out.st_ino)
		return 0;
	strbuf_puts(err, "mpiloom: ");
	quote_name(err, path);
	strbuf_puts(err, " is the log being exported");
	return 2;
}

int export_check_file(const struct export_opts *opt, struct strbuf *err)
{
	struct stat out;
	if (stat(opt->out, &out) != 0)
		return 0;
	if (export_refuse_log(opt, opt->out, err) != 0)
		return 2;
	if (opt->force)
		return 0;
	strbuf_puts(err, "mpiloom: ");
	quote_name(err, opt->out);
	strbuf_puts(err, " exists; --force overwrites it");
	return 2;
}

/* ---- the stream: what a store would keep, and send/receive pairs ---- */

/* Events waiting for their partner, by slot; a free slot is reused. */
struct waiting {
	struct event *ev;
	size_t n, cap;
	uint32_t *free;
	size_t nfree, free_cap;
};

struct stream {
	const struct export_format *fmt;
	const struct export_info *info_in; /* opts, extent; header comes in begin */
	struct export_info info;
	void *f;
	int open_failed;
	int write_failed;
	struct strbuf *err;
	const struct export_steps *steps; /* --time logical, or NULL */
	uint32_t nranks;
	uint32_t *next_seq;
	struct event *pending; /* per rank: the call it is in (kind EV_NONE: none) */
	uint8_t *done;         /* per rank: said it had sent everything */
	uint64_t events, messages;
	struct matcher m;
	struct waiting w;
	/* the extent pass: all events [0], the run's work without the
	 * calls that frame it [1], as view_extent sees them */
	int64_t lo[2], hi[2];
	uint64_t seen[2];
};

static uint32_t waiting_put(struct waiting *w, const struct event *ev)
{
	uint32_t slot;
	if (w->nfree > 0) {
		slot = w->free[--w->nfree];
	} else {
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 256;
			w->ev = xreallocarray(w->ev, w->cap, sizeof *w->ev);
		}
		slot = (uint32_t)w->n++;
	}
	w->ev[slot] = *ev;
	return slot;
}

static void waiting_drop(struct waiting *w, uint32_t slot)
{
	if (w->nfree == w->free_cap) {
		w->free_cap = w->free_cap ? w->free_cap * 2 : 256;
		w->free = xreallocarray(w->free, w->free_cap, sizeof *w->free);
	}
	w->free[w->nfree++] = slot;
}

static void waiting_free(struct waiting *w)
{
	free(w->ev);
	free(w->free);
}

static int stream_begin(void *ctx, const struct log_header *h)
{
	struct stream *s = ctx;
	s->nranks = h->nranks;
	s->next_seq = xcalloc(h->nranks, sizeof *s->next_seq);
	s->pending = xcalloc(h->nranks, sizeof *s->pending);
	s->done = xcalloc(h->nranks, 1);
	if (s->fmt == NULL)
		return 0; /* the extent pass */
	s->info = *s->info_in;
	s->info.h = h;
	s->f = s->fmt->open(&s->info, s->err);
	if (s->f == NULL) {
		s->open_failed = 1;
		return -1;
	}
	return 0;
}

/* A store's rules (store_add): a known rank, sequence numbers that only go
 * up, and a pending record (EVF_PENDING) is no event but the call its
 * rank is in, until an event with its number or a later one, or the
 * rank's end, supersedes it. 1: an event, 0: a pending call taken,
 * -1: a record a store rejects. */
static int accept(struct stream *s, const struct event *ev)
{
	if (ev->rank >= s->nranks)
		return -1;
	struct event *p = &s->pending[ev->rank];
	if (ev->flags & EVF_PENDING) {
		if (ev->seq >= s->next_seq[ev->rank] && !s->done[ev->rank])
			*p = *ev;
		return 0;
	}
	if (ev->seq < s->next_seq[ev->rank])
		return -1;
	s->next_seq[ev->rank] = ev->seq + 1;
	if (p->kind != EV_NONE && ev->seq >= p->seq)
		p->kind = EV_NONE;
	return 1;
}

static void stream_rank_done(void *ctx, uint32_t rank, uint32_t total)
{
	struct stream *s = ctx;
	(void)total;
	if (rank >= s->nranks)
		return;
	s->done[rank] = 1;
	s->pending[rank].kind = EV_NONE;
}

static void pair(struct stream *s, const struct event *ev)
{
	struct match_key key;
	uint32_t partner;
	if (!match_key_of(ev, &key))
		return;
	int is_send = event_is_send(ev);
	if ((is_send ? key.dst : key.src) >= s->nranks)
		return;
	uint32_t slot = waiting_put(&s->w, ev);
	if (!matcher_offer(&s->m, &key, is_send, slot, &partner))
		return;
	const struct event *other = &s->w.ev[partner];
	s->messages++;
	if (s->fmt->message(s->f, is_send ? ev : other, is_send ? other : ev) != 0)
		s->write_failed = 1;
	waiting_drop(&s->w, partner);
	waiting_drop(&s->w, slot);
}

static int stream_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct stream *s = ctx;
	struct event at_step;
	if (s->steps != NULL)
		ev = export_steps_apply(s->steps, ev, &at_step);
	int taken = accept(s, ev);
	if (taken <= 0)
		return taken;
	s->events++;
	if (s->write_failed)
		return 0;
	if (s->fmt->event(s->f, ev, preview) != 0)
		s->write_failed = 1;
	else if (s->fmt->wants_messages)
		pair(s, ev);
	return 0;
}

static int extent_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct stream *s = ctx;
	(void)preview;
	struct event at_step;
	if (s->steps != NULL)
		ev = export_steps_apply(s->steps, ev, &at_step);
	int taken = accept(s, ev);
	if (taken < 0)
		return -1;
	/* a call still in progress shows from where it began on */
	int64_t end = taken ? event_end(ev) : ev->t_begin;
	s->events++;
	for (int i = 0; i < 2; i++) {
		if (i == 1 && view_frames_run(ev))
			break;
		if (s->seen[i]++ == 0 || ev->t_begin < s->lo[i])
			s->lo[i] = ev->t_begin;
		if (s->seen[i] == 1 || end > s->hi[i])
			s->hi[i] = end;
	}
	return 0;
}

static void stream_free(struct stream *s)
{
	free(s->next_seq);
	free(s->pending);
	free(s->done);
	matcher_free(&s->m);
	waiting_free(&s->w);
}

static void say(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* The first pass of a format that must know the events' span. */
static int find_extent(const struct export_opts *opt, struct export_info *in,
		       const struct export_steps *steps)
{
	struct stream s = {.steps = steps};
	struct strbuf err = STRBUF_INIT;
	struct log_stream_sink sink = {stream_begin, extent_event, stream_rank_done, &s};
	matcher_init(&s.m);
	int rc = log_stream(opt->log, &sink, NULL, NULL, &err);
	if (rc == 2)
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
	int i = s.seen[1] > 0 ? 1 : 0;
	in->has_events = s.events > 0;
	in->t_first = s.lo[i];
	in->t_last = s.hi[i];
	stream_free(&s);
	strbuf_free(&err);
	return rc == 2 ? 2 : 0;
}

static void summary(const struct export_format *fmt, const struct export_opts *opt,
                    const struct stream *s)
{
	struct strbuf sb = STRBUF_INIT;
	quote_name(&sb, opt->out);
	strbuf_printf(&sb, ": %s, %llu events", fmt->what, (unsigned long long)s->events);
	if (fmt->wants_messages)
		strbuf_printf(&sb, ", %llu messages", (unsigned long long)s->messages);
	printf("%s\n", strbuf_str(&sb));
	strbuf_free(&sb);
}

static int finish(struct stream *s, const struct export_opts *opt, int health,
                  struct log_report *rep)
{
	struct strbuf err = STRBUF_INIT;
	struct export_totals t = {s->events, s->messages, rep, health};
	int status = 0;
	for (uint32_t r = 0; r < s->nranks && s->fmt->pending != NULL && !s->write_failed; r++)
		if (s->pending[r].kind != EV_NONE && s->fmt->pending(s->f, &s->pending[r]) != 0)
			s->write_failed = 1;
	if (s->fmt->close(s->f, &t, &err) != 0) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		status = EXPORT_WRITE_FAILED;
	} else if (!opt->quiet) {
		summary(s->fmt, opt, s);
	}
	strbuf_free(&err);
	if (health != 0) {
		loghealth_say(opt->log, rep);
		if (status == 0)
			status = LOGHEALTH_DAMAGED;
	}
	return status;
}

int export_run(const struct export_format *fmt, const struct export_opts *opt)
{
	struct strbuf err = STRBUF_INIT;
	int status = fmt->prepare(opt, &err);
	struct export_info in = {.opt = opt};
	if (status != 0) {
		say(strbuf_str(&err));
		strbuf_free(&err);
		return status;
	}
	struct export_steps *steps = NULL;
	if (opt->logical && (steps = export_steps_load(opt->log, &err)) == NULL) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		strbuf_free(&err);
		return 2;
	}
	if (fmt->wants_extent && find_extent(opt, &in, steps) != 0) {
		export_steps_free(steps);
		strbuf_free(&err);
		return 2;
	}
	struct stream s = {.fmt = fmt, .info_in = &in, .err = &err, .steps = steps};
	struct log_header h;
	struct log_report rep;
	struct log_stream_sink sink = {stream_begin, stream_event, stream_rank_done, &s};
	matcher_init(&s.m);
	int health = log_stream(opt->log, &sink, &h, &rep, &err);
	if (health == 2) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		status = s.open_failed ? EXPORT_WRITE_FAILED : 2;
	} else {
		status = finish(&s, opt, health, &rep);
	}
	stream_free(&s);
	export_steps_free(steps);
	log_header_free(&h);
	log_report_free(&rep);
	strbuf_free(&err);
	return status;
}

/* ---- the command line ---- */

static void usage(FILE *out)
{
	fprintf(out, "usage: mpiloom export --otf2 DIR|--chrome FILE|--svg FILE|--csv FILE "
	             "[--from T] [--to T] [--time wall|logical] [--force] LOG\n");
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "mpiloom: %s\n", msg);
	usage(stderr);
	return 2;
}

/* A decimal number first, as mpiloom's other numbers: strtod would also
 * skip blanks and take "+5", "0x10", "inf". */
static int decimal_start(const char *s)
{
	if (*s == '-')
		s++;
	return (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) &&
	       strpbrk(s, "xX") == NULL;
}

/* A time: a number with ns, us, ms or s after it (us when none). */
static int parse_time(const char *arg, int64_t *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"", 1e3}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
	char *end;
	if (!decimal_start(arg))
		return -1;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno != 0 || end == arg || !isfinite(v))
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		double t = v * units[i].ns;
		if (fabs(t) > (double)EVENT_TIME_MAX)
			return -1;
		*ns = (int64_t)llround(t);
		return 0;
	}
	return -1;
}

enum { OPT_OTF2 = 256, OPT_CHROME, OPT_SVG, OPT_CSV, OPT_FROM, OPT_TO, OPT_FORCE, OPT_HELP,
       OPT_TIME };

static const struct option export_options[] = {
    {"otf2", required_argument, NULL, OPT_OTF2},
    {"chrome", required_argument, NULL, OPT_CHROME},
    {"svg", required_argument, NULL, OPT_SVG},
    {"csv", required_argument, NULL, OPT_CSV},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"force", no_argument, NULL, OPT_FORCE},
    {"time", required_argument, NULL, OPT_TIME},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const struct export_format *format_of(int c)
{
	switch (c) {
	case OPT_OTF2:
		return &export_otf2;
	case OPT_CHROME:
		return &export_chrome;
	case OPT_SVG:
		return &export_svg;
	default:
		return &export_csv;
	}
}

static int bad_time(const char *opt, const char *arg)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s takes a time such as 12.5us, 3ms or 0.2s, not '", opt);
	strbuf_escape(&sb, arg, strlen(arg));
	strbuf_putc(&sb, '\'');
	int rc = usage_error(strbuf_str(&sb));
	strbuf_free(&sb);
	return rc;
}

/* getopt_long's optopt: the option's value when a value was missing or
 * given to a flag (--force=1), 0 for an option it does not know. */
static int bad_option(const char *arg)
{
	struct strbuf sb = STRBUF_INIT;
	const struct option *lo = export_options;
	while (optopt != 0 && lo->name != NULL && lo->val != optopt)
		lo++;
	if (optopt != 0 && lo->name != NULL) {
		strbuf_printf(&sb, "--%s %s", lo->name,
		              lo->has_arg == no_argument ? "takes no value" : "needs a value");
	} else {
		strbuf_puts(&sb, "unknown or incomplete option '");
		strbuf_escape(&sb, arg, strlen(arg));
		strbuf_puts(&sb,
		            "' (valid: --otf2, --chrome, --svg, --csv, --from, --to, --time, --force, "
		            "--help)");
	}
	int rc = usage_error(strbuf_str(&sb));
	strbuf_free(&sb);
	return rc;
}

static int parse_export_option(int c, struct export_opts *o, const struct export_format **fmt)
{
	switch (c) {
	case OPT_OTF2:
	case OPT_CHROME:
	case OPT_SVG:
	case OPT_CSV:
		if (*fmt != NULL)
			return usage_error("one format at a time");
		if (*optarg == '\0')
			return usage_error("the output needs a name");
		*fmt = format_of(c);
		o->out = optarg;
		return 0;
	case OPT_FROM:
		o->has_from = 1;
		return parse_time(optarg, &o->from) == 0 ? 0 : bad_time("--from", optarg);
	case OPT_TO:
		o->has_to = 1;
		return parse_time(optarg, &o->to) == 0 ? 0 : bad_time("--to", optarg);
	case OPT_FORCE:
		o->force = 1;
		return 0;
	case OPT_TIME:
		if (strcmp(optarg, "wall") != 0 && strcmp(optarg, "logical") != 0)
			return usage_error("--time is wall or logical");
		o->logical = optarg[0] == 'l';
		return 0;
	default:
		return usage_error("unknown or incomplete option");
	}
}

static int check_export_args(const struct export_opts *o, const struct export_format *fmt)
{
	if (fmt == NULL)
		return usage_error("say which format: --otf2, --chrome, --svg or --csv");
	if ((o->has_from || o->has_to) && fmt != &export_svg)
		return usage_error("--from and --to go with --svg");
	if (o->logical && fmt != &export_svg)
		return usage_error("--time logical goes with --svg");
	if (o->has_from && o->has_to && o->from >= o->to)
		return usage_error("--from must be before --to");
	return 0;
}

int export_main(int argc, char **argv)
{
	struct export_opts o = {0};
	const struct export_format *fmt = NULL;
	int c, rc;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", export_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			usage(stdout);
			return 0;
		}
		if (c == '?' || c == ':')
			return bad_option(argv[optind - 1]);
		if ((rc = parse_export_option(c, &o, &fmt)) != 0)
			return rc;
	}
	if ((rc = check_export_args(&o, fmt)) != 0)
		return rc;
	if (argc - optind != 1)
		return usage_error(optind >= argc ? "no log given" : "one log at a time");
	o.log = argv[optind];
	return export_run(fmt, &o);
}

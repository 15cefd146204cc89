/* mpiloom export: a recording written in another program's format. The
 * command (export.c) reads the log as a stream, drops what a store would
 * refuse, pairs sends with receives, and hands each event and each matched
 * message to one format (export-*.c) as it goes. */
#ifndef MPILOOM_EXPORT_H
#define MPILOOM_EXPORT_H

#include <stdint.h>

#include "core/event.h"
#include "core/strbuf.h"
#include "log/reader.h"

/* Exit statuses besides 0, 2 (unusable input, bad usage, an output that
 * exists) and LOGHEALTH_DAMAGED (what a damaged log held was exported). */
#define EXPORT_WRITE_FAILED 3

struct export_opts {
	const char *out;
	const char *log;
	int force;
	int quiet; /* no summary line on stdout */
	int has_from, has_to;
	int64_t from, to; /* ns, the SVG's window */
	int logical;	  /* --time logical: steps for times (export_steps_*) */
};

/* What a format gets when it opens, after the log's header was read. */
struct export_info {
	const struct export_opts *opt;
	const struct log_header *h;
	/* The events' span, for formats with wants_extent: as the screen
	 * first shows it (view_extent), without the calls that frame a run. */
	int64_t t_first, t_last;
	int has_events;
};

struct export_totals {
	uint64_t events;
	uint64_t messages; /* matched pairs, for formats with wants_messages */
	const struct log_report *rep;
	int health; /* log_stream's: 0 whole, 1 damaged */
};

struct export_format {
	const char *option; /* "csv": --csv OUT */
	const char *what;   /* "CSV table" */
	int wants_messages; /* message() is called for each matched pair */
	int wants_extent;   /* a first pass finds t_first, t_last */
	/* Before the log is read: may OUT be written? 0, or 2 with the reason. */
	int (*prepare)(const struct export_opts *opt, struct strbuf *err);
	/* NULL with a reason: nothing more is called. */
	void *(*open)(const struct export_info *in, struct strbuf *err);
	/* 0, or -1 once writing failed (then only close is called). */
	int (*event)(void *f, const struct event *ev, const uint8_t *preview);
	int (*message)(void *f, const struct event *send, const struct event *recv);
	/* At the end, for each rank still in a call (EVF_PENDING: held by
	 * lecture stepping, or EVF_BLOCKED: not returning); NULL: not shown.
	 * Such calls are not events and are counted nowhere. */
	int (*pending)(void *f, const struct event *ev);
	/* Finishes and frees f: 0, or -1 with the reason in err. */
	int (*close)(void *f, const struct export_totals *t, struct strbuf *err);
};

extern const struct export_format export_csv, export_chrome, export_svg, export_otf2;

/* argv[0] is "export". Returns the exit status. */
int export_main(int argc, char **argv);
/* The export itself: the exit status. */
int export_run(const struct export_format *fmt, const struct export_opts *opt);

/* --time logical (steps.c): events with their logical steps for times. */
#define EXPORT_STEP_NS 1000
struct export_steps;
/* The log's layout; NULL with the reason in err. */
struct export_steps *export_steps_load(const char *log, struct strbuf *err);
/* ev at its step (in buf), or ev itself when the log's store has no
 * place for it. */
const struct event *export_steps_apply(const struct export_steps *x, const struct event *ev,
				       struct event *buf);
void export_steps_free(struct export_steps *x);

/* For formats that write one file: refuses an existing OUT without
 * --force, and OUT that is the log itself in any case. */
int export_check_file(const struct export_opts *opt, struct strbuf *err);
/* 2 with the reason if path, which the export would write or remove, is
 * the log: the same file (st_dev, st_ino) under any name, through
 * symbolic or hard links. 0 otherwise. */
int export_refuse_log(const struct export_opts *opt, const char *path, struct strbuf *err);
/* The name an MPI call is known by ("MPI_Send"); a kind this version
 * does not know goes by its own name. */
const char *export_call_name(const struct event *ev);
/* A coarse class for colours and categories: "p2p", "collective", ... */
enum export_class {
	XC_SEND,
	XC_RECV,
	XC_PROBE,
	XC_COLLECTIVE,
	XC_LOCAL, /* pack, unpack, compute */
	XC_SETUP, /* init, finalize, result, abort */
	XC_OTHER, /* kinds this version does not know */
	XC_COUNT
};
enum export_class export_class_of(const struct event *ev);
const char *export_class_name(enum export_class c);

#endif

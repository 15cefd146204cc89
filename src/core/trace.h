/* The trace layer's public face, for programs that link libmpiloom and want
 * more than silent tracing (mpiloom itself, the benchmarks). A program that
 * merely links or preloads the library needs none of it. */
#ifndef MPILOOM_TRACE_H
#define MPILOOM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/store.h"

enum { TEXTBOOK_TREE = 1, TEXTBOOK_LINEAR = 2 };

struct trace_options {
	int tag_is_level;  /* point-to-point tags are tree levels */
	long delay_ms;	   /* pause before each traced call */
	int force_clock_estimate; /* estimate offsets even on one host */
	int steppable;	   /* ranks take rank 0's stepping commands */
	int step;	   /* start with stepping on: every call waits */
	int textbook;	   /* collectives as mpiloom's point-to-point algorithms:
			    * TEXTBOOK_TREE or TEXTBOOK_LINEAR (0: MPI's) */
};

/* Before MPI_Init. Without it, options come from the environment
 * (MPILOOM_DELAY_MS, MPILOOM_TRACE=0 to start disabled). */
void trace_configure(const struct trace_options *opts);
/* The runtime switch: when off, every wrapper calls PMPI straight away. */
void trace_set_enabled(int on);
int trace_enabled(void);

/* Records this rank's outcome as an EV_RESULT event. */
void trace_result(int ok, const void *preview, size_t n, enum event_dtype dtype);

/* Rank 0 only: the store of every rank's events. Complete after MPI_Finalize
 * returned; while the run goes on, read it between trace_lock/unlock. */
struct store *trace_store(void);
void trace_lock(void);
void trace_unlock(void);

/* Rank 0: where events go besides the store (a log being written while
 * the run goes on). Called from the collector thread with the store
 * locked; events of one rank arrive in sequence order. */
struct trace_recorder {
	void *ctx;
	void (*event)(void *ctx, const struct event *ev, const uint8_t *preview);
	void (*rank_done)(void *ctx, uint32_t rank, uint32_t total);
	void (*flush)(void *ctx); /* at least every 100 ms while events come */
};
/* Everything already in the store is handed over first, so nothing
 * recorded before this call is missing from the log. */
void trace_set_recorder(const struct trace_recorder *rec);

/* Rank 0, in a steppable run: lets the rank's held call go; switches
 * stepping on or off on every rank (off lets every held call go). */
int trace_release(uint32_t rank);
int trace_set_stepping(int on);
int trace_stepping(void);

/* Clock information of the run, valid after MPI_Init. */
struct trace_clock {
	int all_same_host;
	int64_t max_rtt_ns;
};
void trace_clock(struct trace_clock *out);

/* Rank 0: ends the whole run now (MPI_Abort on every rank), each process
 * exiting with code. */
void trace_abort(int code);

/* Frees what the trace layer still holds (the store); after MPI_Finalize. */
void trace_shutdown(void);

#endif

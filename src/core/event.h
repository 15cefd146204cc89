/* The event: one MPI call made by one rank. Every view, the text output and
 * the log read this one record, so its layout is fixed (64 bytes) and its
 * wire/disk form is little-endian whatever the host. */
#ifndef MPILOOM_EVENT_H
#define MPILOOM_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum event_kind {
	EV_NONE = 0,
	EV_INIT,
	EV_FINALIZE,
	EV_SEND,
	EV_SSEND,
	EV_BSEND,
	EV_RSEND,
	EV_RECV,
	EV_PROBE,
	EV_IPROBE,
	EV_BARRIER,
	EV_BCAST,
	EV_GATHER,
	EV_SCATTER,
	EV_REDUCE,
	EV_ALLREDUCE,
	EV_PACK,
	EV_UNPACK,
	EV_COMPUTE,
	EV_RESULT,
	EV_ABORT,
	/* Appended after the first log version's kinds: values never change. */
	EV_SENDRECV_SEND, /* MPI_Sendrecv(_replace) is two events: its send, */
	EV_SENDRECV_RECV, /* then its receive */
	EV_ISEND,
	EV_ISSEND,
	EV_IRECV,
	/* Completions: one event per request completed (see event_is_completion) */
	EV_WAIT,
	EV_WAITALL,
	EV_WAITANY,
	EV_WAITSOME,
	EV_TEST,
	EV_TESTALL,
	EV_TESTANY,
	EV_TESTSOME,
	EV_GATHERV,
	EV_SCATTERV,
	EV_ALLGATHER,
	EV_ALLGATHERV,
	EV_ALLTOALL,
	EV_ALLTOALLV,
	EV_COMM_SPLIT,
	EV_COMM_DUP,
	EV_CART_CREATE,
	EV_COMM_FREE,
	EV_IBSEND,
	EV_IRSEND,
	/* Not a call: the rank left by exit(3) (or main's return) before
	 * MPI_Finalize; tag holds the exit status. */
	EV_EXIT,
	/* Appended with the rest of MPI's collectives (issue 19) */
	EV_REDUCE_SCATTER,
	EV_REDUCE_SCATTER_BLOCK,
	EV_SCAN,
	EV_EXSCAN,
	/* Non-blocking collectives: the posting, which a Wait or Test
	 * completes (see event_is_icoll) */
	EV_IBARRIER,
	EV_IBCAST,
	EV_IREDUCE,
	EV_IALLREDUCE,
	EV_IGATHER,
	EV_IGATHERV,
	EV_ISCATTER,
	EV_ISCATTERV,
	EV_IALLGATHER,
	EV_IALLGATHERV,
	EV_IALLTOALL,
	EV_IALLTOALLV,
	EV_IREDUCE_SCATTER,
	EV_IREDUCE_SCATTER_BLOCK,
	EV_ISCAN,
	EV_IEXSCAN,
	/* Neighbourhood collectives on a topology's neighbours */
	EV_NEIGHBOR_ALLGATHER,
	EV_NEIGHBOR_ALLGATHERV,
	EV_NEIGHBOR_ALLTOALL,
	EV_NEIGHBOR_ALLTOALLV,
	EV_NEIGHBOR_ALLTOALLW,
	EV_INEIGHBOR_ALLGATHER,
	EV_INEIGHBOR_ALLGATHERV,
	EV_INEIGHBOR_ALLTOALL,
	EV_INEIGHBOR_ALLTOALLV,
	EV_INEIGHBOR_ALLTOALLW,
	/* Matched probes: MPI_Mprobe, and MPI_Improbe that found a message,
	 * are postings of a receive (MPI took the message there); MPI_Mrecv
	 * completes it, as does the Wait of an MPI_Imrecv (a call of its own) */
	EV_MPROBE,
	EV_IMPROBE,
	EV_MRECV,
	EV_IMRECV,
	EV_KIND_COUNT
};

/* Datatypes are recorded as our own code, not an MPI handle, so that a log
 * can be read on a machine without MPI (or with another MPI). */
enum event_dtype {
	DT_NONE = 0,
	DT_BYTE,
	DT_CHAR,
	DT_SHORT,
	DT_INT,
	DT_UNSIGNED,
	DT_LONG,
	DT_LONG_LONG,
	DT_FLOAT,
	DT_DOUBLE,
	DT_C_DOUBLE_COMPLEX,
	DT_PACKED,
	DT_DERIVED,
	DT_OTHER,
	DT_COUNT
};

/* Peer and tag values that stand for MPI's wildcards and "no value", kept
 * independent of MPICH's numeric constants for the same reason as above. */
#define EV_ANY (-1)
#define EV_UNSET (-2)

enum event_flag {
	EVF_CHECK_FAILED = 1 << 0, /* EV_RESULT: the scenario's check failed */
	EVF_ROOT = 1 << 1,	   /* collective: this rank is the root */
	EVF_LEVEL = 1 << 2,	   /* level is meaningful (tree addition) */
	EVF_TRUNCATED = 1 << 3,	   /* preview holds only the first values */
	EVF_DUR_US = 1 << 4,	   /* dur is in microseconds (long call) */
	/* Not a finished call but the one a rank is in now: held by lecture
	 * stepping (PENDING), or released and not returning (with BLOCKED).
	 * seq is the number the call will have; t_begin when it was entered. */
	EVF_PENDING = 1 << 5,
	EVF_BLOCKED = 1 << 6,
	EVF_REQ_RECV = 1 << 7,	   /* completion: the request was a receive */
};

#define EVENT_PREVIEW_MAX 32
#define EVENT_TIME_MAX (INT64_C(1) << 62) /* |t_begin| in ns, at most */
#define EVENT_WIRE_SIZE 64

/* The communicator id of the textbook collectives' own messages
 * (--collectives textbook), above every id a program's communicator gets. */
#define EVENT_COMM_TEXTBOOK 0xffff

struct event {
	int64_t t_begin; /* ns since the run started, on rank 0's clock */
	uint32_t dur;	 /* ns, or us when EVF_DUR_US: see event_duration() */
	uint32_t rank;	 /* world rank that made the call */
	uint32_t seq;	 /* per-rank sequence number, from 0, gapless */
	int32_t peer;	 /* dest, source or root (world rank), EV_ANY, EV_UNSET */
	int32_t tag;	 /* EV_ANY, EV_UNSET or the tag */
	int32_t count;	 /* count argument of the call */
	uint32_t type_size; /* bytes of one element of the datatype */
	int32_t st_source;  /* status, for probe and receive; EV_UNSET otherwise */
	int32_t st_tag;
	int32_t st_count;    /* MPI_Get_count; for pack/unpack: packed bytes */
	int32_t st_elements; /* MPI_Get_elements */
	/* On the wire and in a log: a completion's request posting (its seq
	 * + 1), else 0. In the store: the matched partner's index + 1. */
	uint32_t aux;
	uint16_t comm;	     /* 0 = MPI_COMM_WORLD; EVENT_COMM_TEXTBOOK */
	uint8_t kind;
	uint8_t dtype;
	uint8_t flags;
	uint8_t level;
	uint8_t preview_len;
	uint8_t preview_dtype; /* how to decode the preview bytes */
};

/* An event as it travels from a rank to rank 0: the record and its preview. */
struct event_record {
	struct event ev;
	uint8_t preview[EVENT_PREVIEW_MAX];
};

#define EVENT_RECORD_WIRE_SIZE (EVENT_WIRE_SIZE + EVENT_PREVIEW_MAX)

const char *event_kind_name(enum event_kind kind);
int event_kind_from_name(const char *name);
const char *event_dtype_name(enum event_dtype dtype);
size_t event_dtype_size(enum event_dtype dtype);

int event_is_collective(const struct event *ev);
/* A collective with a root argument (Bcast, Gather(v), Scatter(v), Reduce). */
int event_has_root(const struct event *ev);

/* Inline: the store calls these for every event it takes in. */
static inline int event_is_send(const struct event *ev)
{
	return (ev->kind >= EV_SEND && ev->kind <= EV_RSEND) || ev->kind == EV_SENDRECV_SEND ||
	       ev->kind == EV_ISEND || ev->kind == EV_ISSEND || ev->kind == EV_IBSEND ||
	       ev->kind == EV_IRSEND;
}

/* A non-blocking collective posted (MPI_Ibcast and its kin). */
static inline int event_is_icoll(const struct event *ev)
{
	return (ev->kind >= EV_IBARRIER && ev->kind <= EV_IEXSCAN) ||
	       (ev->kind >= EV_INEIGHBOR_ALLGATHER && ev->kind <= EV_INEIGHBOR_ALLTOALLW);
}

/* MPI_Mprobe, or an MPI_Improbe that found a message: MPI chose it there. */
static inline int event_is_matched_probe(const struct event *ev)
{
	return ev->kind == EV_MPROBE || ev->kind == EV_IMPROBE;
}

/* Isend and its kin, Irecv, a non-blocking collective: a request posted,
 * completed by a later event. */
static inline int event_is_posting(const struct event *ev)
{
	return ev->kind == EV_ISEND || ev->kind == EV_ISSEND || ev->kind == EV_IRECV ||
	       ev->kind == EV_IBSEND || ev->kind == EV_IRSEND || event_is_icoll(ev) ||
	       event_is_matched_probe(ev);
}

/* A posting whose completion receives a message: an Irecv, a matched probe. */
static inline int event_opens_recv(const struct event *ev)
{
	return ev->kind == EV_IRECV || event_is_matched_probe(ev);
}

static inline int event_is_any_probe(const struct event *ev)
{
	return ev->kind == EV_PROBE || ev->kind == EV_IPROBE || event_is_matched_probe(ev);
}

/* Wait/Test and their -all/-any/-some forms: each event completes one
 * request, named by aux on the wire (0: none completed, or not traced). */
static inline int event_is_completion(const struct event *ev)
{
	return (ev->kind >= EV_WAIT && ev->kind <= EV_TESTSOME) || ev->kind == EV_MRECV;
}

/* A receive is where a message arrives: a blocking receive or the
 * completion of a non-blocking one (not its posting). */
static inline int event_is_recv(const struct event *ev)
{
	return ev->kind == EV_RECV || ev->kind == EV_SENDRECV_RECV ||
	       (event_is_completion(ev) && (ev->flags & EVF_REQ_RECV));
}

/* A rank's last event: MPI_Finalize, MPI_Abort or exit() before them. */
static inline int event_is_end(const struct event *ev)
{
	return ev->kind == EV_FINALIZE || ev->kind == EV_ABORT || ev->kind == EV_EXIT;
}

/* The run's own marks, not calls a person watches (--delay skips them). */
static inline int event_kind_is_mark(enum event_kind kind)
{
	return kind == EV_INIT || kind == EV_FINALIZE || kind == EV_RESULT || kind == EV_EXIT;
}

static inline int event_is_comm_op(const struct event *ev)
{
	return ev->kind >= EV_COMM_SPLIT && ev->kind <= EV_COMM_FREE;
}

/* Durations are 32 bits to keep the record at 64 bytes: nanoseconds up to
 * about 2 s, microseconds beyond (a blocked receive can last minutes). */
static inline int64_t event_duration(const struct event *ev)
{
	if (ev->flags & EVF_DUR_US)
		return (int64_t)ev->dur * 1000;
	return ev->dur;
}

static inline int64_t event_end(const struct event *ev)
{
	return ev->t_begin + event_duration(ev);
}
void event_set_duration(struct event *ev, int64_t ns);
int64_t event_bytes(const struct event *ev);
int64_t event_status_bytes(const struct event *ev);

void event_encode(const struct event *ev, uint8_t out[EVENT_WIRE_SIZE]);
/* n is at most EVENT_PREVIEW_MAX: word moves, where a memcpy of a size
 * not known in advance becomes a string instruction that takes longer than
 * the rest of adding an event to a store or a log (measured in both). */
static inline void event_copy_preview(uint8_t *to, const uint8_t *from, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		memcpy(to + i, from + i, 8);
	for (; i < n; i++)
		to[i] = from[i];
}

int event_decode(const uint8_t in[EVENT_WIRE_SIZE], struct event *ev);
/* 0, or -1 when the fields cannot be an event's (out of range). */
int event_check(const struct event *ev);

#endif

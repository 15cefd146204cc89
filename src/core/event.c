#include "config.h"

#include <stddef.h>
#include <string.h>

#include "core/event.h"
#include "core/le.h"

_Static_assert(sizeof(struct event) == EVENT_WIRE_SIZE,
	       "struct event must stay 64 bytes: the store and the log rely on it");
/* The wire layout is the struct's layout, little-endian: on such a host
 * encoding is a copy (the shipper encodes millions of events a second). */
_Static_assert(offsetof(struct event, dur) == 8 && offsetof(struct event, rank) == 12 &&
		       offsetof(struct event, st_elements) == 48 &&
		       offsetof(struct event, comm) == 56 && offsetof(struct event, kind) == 58 &&
		       offsetof(struct event, preview_dtype) == 63,
	       "struct event's layout must match its wire layout");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WIRE_IS_NATIVE 1
#else
#define WIRE_IS_NATIVE 0
#endif

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_NONE] = "none",	      [EV_INIT] = "init",	  [EV_FINALIZE] = "finalize",
	[EV_SEND] = "send",	      [EV_SSEND] = "ssend",	  [EV_BSEND] = "bsend",
	[EV_RSEND] = "rsend",	      [EV_RECV] = "recv",	  [EV_PROBE] = "probe",
	[EV_IPROBE] = "iprobe",	      [EV_BARRIER] = "barrier",	  [EV_BCAST] = "bcast",
	[EV_GATHER] = "gather",	      [EV_SCATTER] = "scatter",	  [EV_REDUCE] = "reduce",
	[EV_ALLREDUCE] = "allreduce", [EV_PACK] = "pack",	  [EV_UNPACK] = "unpack",
	[EV_COMPUTE] = "compute",     [EV_RESULT] = "result",	  [EV_ABORT] = "abort",
	[EV_SENDRECV_SEND] = "sendrecv-send", [EV_SENDRECV_RECV] = "sendrecv-recv",
	[EV_ISEND] = "isend",	      [EV_ISSEND] = "issend",	  [EV_IRECV] = "irecv",
	[EV_WAIT] = "wait",	      [EV_WAITALL] = "waitall",	  [EV_WAITANY] = "waitany",
	[EV_WAITSOME] = "waitsome",   [EV_TEST] = "test",	  [EV_TESTALL] = "testall",
	[EV_TESTANY] = "testany",     [EV_TESTSOME] = "testsome", [EV_GATHERV] = "gatherv",
	[EV_SCATTERV] = "scatterv",   [EV_ALLGATHER] = "allgather",
	[EV_ALLGATHERV] = "allgatherv", [EV_ALLTOALL] = "alltoall",
	[EV_ALLTOALLV] = "alltoallv", [EV_COMM_SPLIT] = "comm_split",
	[EV_COMM_DUP] = "comm_dup",   [EV_CART_CREATE] = "cart_create",
	[EV_COMM_FREE] = "comm_free", [EV_IBSEND] = "ibsend",	  [EV_IRSEND] = "irsend",
	[EV_EXIT] = "exit",	      [EV_REDUCE_SCATTER] = "reduce_scatter",
	[EV_REDUCE_SCATTER_BLOCK] = "reduce_scatter_block",
	[EV_SCAN] = "scan",	      [EV_EXSCAN] = "exscan",	  [EV_IBARRIER] = "ibarrier",
	[EV_IBCAST] = "ibcast",	      [EV_IREDUCE] = "ireduce",	  [EV_IALLREDUCE] = "iallreduce",
	[EV_IGATHER] = "igather",     [EV_IGATHERV] = "igatherv", [EV_ISCATTER] = "iscatter",
	[EV_ISCATTERV] = "iscatterv", [EV_IALLGATHER] = "iallgather",
	[EV_IALLGATHERV] = "iallgatherv", [EV_IALLTOALL] = "ialltoall",
	[EV_IALLTOALLV] = "ialltoallv", [EV_IREDUCE_SCATTER] = "ireduce_scatter",
	[EV_IREDUCE_SCATTER_BLOCK] = "ireduce_scatter_block",
	[EV_ISCAN] = "iscan",	      [EV_IEXSCAN] = "iexscan",
	[EV_NEIGHBOR_ALLGATHER] = "neighbor_allgather",
	[EV_NEIGHBOR_ALLGATHERV] = "neighbor_allgatherv",
	[EV_NEIGHBOR_ALLTOALL] = "neighbor_alltoall",
	[EV_NEIGHBOR_ALLTOALLV] = "neighbor_alltoallv",
	[EV_NEIGHBOR_ALLTOALLW] = "neighbor_alltoallw",
	[EV_INEIGHBOR_ALLGATHER] = "ineighbor_allgather",
	[EV_INEIGHBOR_ALLGATHERV] = "ineighbor_allgatherv",
	[EV_INEIGHBOR_ALLTOALL] = "ineighbor_alltoall",
	[EV_INEIGHBOR_ALLTOALLV] = "ineighbor_alltoallv",
	[EV_INEIGHBOR_ALLTOALLW] = "ineighbor_alltoallw",
	[EV_MPROBE] = "mprobe",	      [EV_IMPROBE] = "improbe",	  [EV_MRECV] = "mrecv",
	[EV_IMRECV] = "imrecv",
};

static const struct {
	const char *name;
	size_t size;
} dtypes[DT_COUNT] = {
	[DT_NONE] = {"-", 0},
	[DT_BYTE] = {"MPI_BYTE", 1},
	[DT_CHAR] = {"MPI_CHAR", 1},
	[DT_SHORT] = {"MPI_SHORT", sizeof(short)},
	[DT_INT] = {"MPI_INT", sizeof(int)},
	[DT_UNSIGNED] = {"MPI_UNSIGNED", sizeof(unsigned)},
	[DT_LONG] = {"MPI_LONG", sizeof(long)},
	[DT_LONG_LONG] = {"MPI_LONG_LONG", sizeof(long long)},
	[DT_FLOAT] = {"MPI_FLOAT", sizeof(float)},
	[DT_DOUBLE] = {"MPI_DOUBLE", sizeof(double)},
	[DT_C_DOUBLE_COMPLEX] = {"MPI_C_DOUBLE_COMPLEX", 2 * sizeof(double)},
	[DT_PACKED] = {"MPI_PACKED", 1},
	[DT_DERIVED] = {"derived", 0},
	[DT_OTHER] = {"other", 0},
};

const char *event_kind_name(enum event_kind kind)
{
	if ((unsigned)kind >= EV_KIND_COUNT || kind_names[kind] == NULL)
		return "unknown";
	return kind_names[kind];
}

int event_kind_from_name(const char *name)
{
	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (kind_names[k] != NULL && strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

const char *event_dtype_name(enum event_dtype dtype)
{
	if ((unsigned)dtype >= DT_COUNT)
		return "unknown";
	return dtypes[dtype].name;
}

size_t event_dtype_size(enum event_dtype dtype)
{
	if ((unsigned)dtype >= DT_COUNT)
		return 0;
	return dtypes[dtype].size;
}

int event_is_collective(const struct event *ev)
{
	switch (ev->kind) {
	case EV_BARRIER:
	case EV_BCAST:
	case EV_GATHER:
	case EV_SCATTER:
	case EV_REDUCE:
	case EV_ALLREDUCE:
	case EV_GATHERV:
	case EV_SCATTERV:
	case EV_ALLGATHER:
	case EV_ALLGATHERV:
	case EV_ALLTOALL:
	case EV_ALLTOALLV:
	case EV_REDUCE_SCATTER:
	case EV_REDUCE_SCATTER_BLOCK:
	case EV_SCAN:
	case EV_EXSCAN:
	case EV_NEIGHBOR_ALLGATHER:
	case EV_NEIGHBOR_ALLGATHERV:
	case EV_NEIGHBOR_ALLTOALL:
	case EV_NEIGHBOR_ALLTOALLV:
	case EV_NEIGHBOR_ALLTOALLW:
		return 1;
	default:
		return 0;
	}
}

int event_has_root(const struct event *ev)
{
	switch (ev->kind) {
	case EV_BCAST:
	case EV_GATHER:
	case EV_SCATTER:
	case EV_REDUCE:
	case EV_GATHERV:
	case EV_SCATTERV:
	case EV_IBCAST:
	case EV_IGATHER:
	case EV_ISCATTER:
	case EV_IREDUCE:
	case EV_IGATHERV:
	case EV_ISCATTERV:
		return 1;
	default:
		return 0;
	}
}

/* Durations are 32 bits to keep the record at 64 bytes: nanoseconds up to
 * about 2 s, microseconds beyond (a blocked receive can last minutes). */
#define DUR_NS_MAX 0x7fffffffu

void event_set_duration(struct event *ev, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (ns <= DUR_NS_MAX) {
		ev->dur = (uint32_t)ns;
		ev->flags &= (uint8_t)~EVF_DUR_US;
		return;
	}
	int64_t us = ns / 1000;
	ev->dur = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	ev->flags |= EVF_DUR_US;
}

int64_t event_bytes(const struct event *ev)
{
	if (ev->count < 0)
		return 0;
	return (int64_t)ev->count * ev->type_size;
}

int64_t event_status_bytes(const struct event *ev)
{
	if (ev->st_count < 0)
		return -1;
	return (int64_t)ev->st_count * ev->type_size;
}

void event_encode(const struct event *ev, uint8_t out[EVENT_WIRE_SIZE])
{
	if (WIRE_IS_NATIVE) {
		memcpy(out, ev, EVENT_WIRE_SIZE);
		return;
	}
	le_put64(out + 0, (uint64_t)ev->t_begin);
	le_put32(out + 8, ev->dur);
	le_put32(out + 12, ev->rank);
	le_put32(out + 16, ev->seq);
	le_put32(out + 20, (uint32_t)ev->peer);
	le_put32(out + 24, (uint32_t)ev->tag);
	le_put32(out + 28, (uint32_t)ev->count);
	le_put32(out + 32, ev->type_size);
	le_put32(out + 36, (uint32_t)ev->st_source);
	le_put32(out + 40, (uint32_t)ev->st_tag);
	le_put32(out + 44, (uint32_t)ev->st_count);
	le_put32(out + 48, (uint32_t)ev->st_elements);
	le_put32(out + 52, ev->aux);
	le_put16(out + 56, ev->comm);
	out[58] = ev->kind;
	out[59] = ev->dtype;
	out[60] = ev->flags;
	out[61] = ev->level;
	out[62] = ev->preview_len;
	out[63] = ev->preview_dtype;
}

/* Returns 0, or -1 when the bytes cannot be an event (the caller treats the
 * source as damaged): fields are range-checked so no view ever indexes a
 * table with a value read from a file. */
static int decode_fields(const uint8_t in[EVENT_WIRE_SIZE], struct event *ev)
{
	if (WIRE_IS_NATIVE) {
		memcpy(ev, in, EVENT_WIRE_SIZE);
		return 0;
	}
	ev->t_begin = (int64_t)le_get64(in + 0);
	ev->dur = le_get32(in + 8);
	ev->rank = le_get32(in + 12);
	ev->seq = le_get32(in + 16);
	ev->peer = (int32_t)le_get32(in + 20);
	ev->tag = (int32_t)le_get32(in + 24);
	ev->count = (int32_t)le_get32(in + 28);
	ev->type_size = le_get32(in + 32);
	ev->st_source = (int32_t)le_get32(in + 36);
	ev->st_tag = (int32_t)le_get32(in + 40);
	ev->st_count = (int32_t)le_get32(in + 44);
	ev->st_elements = (int32_t)le_get32(in + 48);
	ev->aux = le_get32(in + 52);
	ev->comm = le_get16(in + 56);
	ev->kind = in[58];
	ev->dtype = in[59];
	ev->flags = in[60];
	ev->level = in[61];
	ev->preview_len = in[62];
	ev->preview_dtype = in[63];
	return 0;
}

int event_decode(const uint8_t in[EVENT_WIRE_SIZE], struct event *ev)
{
	decode_fields(in, ev);
	return event_check(ev);
}

int event_check(const struct event *ev)
{
	if (ev->kind == EV_NONE || ev->kind >= EV_KIND_COUNT)
		return -1;
	if (ev->dtype >= DT_COUNT || ev->preview_dtype >= DT_COUNT)
		return -1;
	if (ev->preview_len > EVENT_PREVIEW_MAX)
		return -1;
	/* Times far from zero would overflow the views' sums: a run lasts
	 * minutes, not centuries (2^62 ns is 146 years). */
	if (ev->t_begin > EVENT_TIME_MAX || ev->t_begin < -EVENT_TIME_MAX)
		return -1;
	return 0;
}

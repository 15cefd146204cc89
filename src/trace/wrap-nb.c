/* Wrappers: non-blocking point-to-point and the calls that complete it.
 * A posting (Isend, Irecv) is an event; so is each request a Wait or Test
 * completes, carrying the posting's sequence number so that the store can
 * match the message where it really arrives: at the completion. */
#include "config.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "trace/tracer.h"

static int traced_isend(enum event_kind kind,
			int (*pmpi)(const void *, int, MPI_Datatype, int, int, MPI_Comm,
				    MPI_Request *),
			const void *buf, int count, MPI_Datatype dt, int dest, int tag,
			MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return pmpi(buf, count, dt, dest, tag, comm, req);
	struct call c;
	tracer_before(&c, kind);
	tracer_fill_send(&c, buf, count, dt, dest, tag, comm);
	tracer_gate(&c);
	int rc = pmpi(buf, count, dt, dest, tag, comm, req);
	tracer_after(&c);
	tracer_commit(&c);
	if (rc == MPI_SUCCESS)
		tracer_post(&c, *req, (void *)buf, dt, comm);
	return rc;
}

int MPI_Isend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
	      MPI_Request *req)
{
	return traced_isend(EV_ISEND, PMPI_Isend, buf, count, dt, dest, tag, comm, req);
}

int MPI_Issend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
	       MPI_Request *req)
{
	return traced_isend(EV_ISSEND, PMPI_Issend, buf, count, dt, dest, tag, comm, req);
}

int MPI_Ibsend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
	       MPI_Request *req)
{
	return traced_isend(EV_IBSEND, PMPI_Ibsend, buf, count, dt, dest, tag, comm, req);
}

int MPI_Irsend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
	       MPI_Request *req)
{
	return traced_isend(EV_IRSEND, PMPI_Irsend, buf, count, dt, dest, tag, comm, req);
}

int MPI_Irecv(void *buf, int count, MPI_Datatype dt, int source, int tag, MPI_Comm comm,
	      MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Irecv(buf, count, dt, source, tag, comm, req);
	struct call c;
	tracer_before(&c, EV_IRECV);
	tracer_recv_args(&c, count, dt, source, tag, comm);
	tracer_gate(&c);
	int rc = PMPI_Irecv(buf, count, dt, source, tag, comm, req);
	tracer_after(&c);
	tracer_commit(&c);
	if (rc == MPI_SUCCESS)
		tracer_post(&c, *req, buf, dt, comm);
	return rc;
}

int MPI_Request_free(MPI_Request *req)
{
	if (tracer_on())
		tracer_forget(*req);
	return PMPI_Request_free(req);
}

/* The request handles as they were before the call (MPI sets completed
 * ones to MPI_REQUEST_NULL), and statuses when the program ignores them:
 * on the stack for a few requests, on the heap for many. */
#define SCRATCH_SMALL 8

struct scratch {
	MPI_Request req_small[SCRATCH_SMALL];
	MPI_Status st_small[SCRATCH_SMALL];
	MPI_Request *req;
	MPI_Status *st;
	int st_mine;
};

static void scratch_init(struct scratch *s, int n, const MPI_Request *reqs, MPI_Status *user)
{
	size_t m = n > 0 ? (size_t)n : 1;
	s->req = m <= SCRATCH_SMALL ? s->req_small : xreallocarray(NULL, m, sizeof *s->req);
	for (int i = 0; i < n; i++)
		s->req[i] = reqs[i];
	s->st_mine = user == MPI_STATUSES_IGNORE;
	if (!s->st_mine)
		s->st = user;
	else
		s->st = m <= SCRATCH_SMALL ? s->st_small : xreallocarray(NULL, m, sizeof *s->st);
}

static void scratch_free(struct scratch *s)
{
	if (s->req != s->req_small)
		free(s->req);
	if (s->st_mine && s->st != s->st_small)
		free(s->st);
}

/* Before a Wait or Test: the pending call shows the first request it
 * waits for. */
static void begin(struct call *c, enum event_kind kind, int n, const MPI_Request *reqs)
{
	tracer_before(c, kind);
	tracer_expect(c, n, reqs);
	tracer_gate(c);
}

/* One event per completed request: the k-th completed is saved[idx[k]]
 * (idx NULL: the k-th), its status sts[k]. None completed: one event that
 * says only that the call was made. */
static void finish(const struct call *base, int rc, const MPI_Request *saved, const int *idx,
		   int ndone, MPI_Status *sts)
{
	if (rc != MPI_SUCCESS || ndone <= 0 || ndone == MPI_UNDEFINED) {
		struct call c = *base;
		tracer_complete(&c, MPI_REQUEST_NULL, NULL);
		tracer_commit(&c);
		return;
	}
	for (int k = 0; k < ndone; k++) {
		struct call c = *base;
		tracer_complete(&c, saved[idx ? idx[k] : k], &sts[k]);
		tracer_commit(&c);
	}
}

int MPI_Wait(MPI_Request *req, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Wait(req, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	MPI_Request saved = *req;
	begin(&c, EV_WAIT, 1, &saved);
	int rc = PMPI_Wait(req, st);
	tracer_after(&c);
	finish(&c, rc, &saved, NULL, 1, st);
	return rc;
}

int MPI_Test(MPI_Request *req, int *flag, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Test(req, flag, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	MPI_Request saved = *req;
	begin(&c, EV_TEST, 1, &saved);
	int rc = PMPI_Test(req, flag, st);
	tracer_after(&c);
	finish(&c, rc, &saved, NULL, rc == MPI_SUCCESS && *flag, st);
	return rc;
}

int MPI_Waitall(int n, MPI_Request reqs[], MPI_Status sts[])
{
	if (!tracer_on())
		return PMPI_Waitall(n, reqs, sts);
	struct call c;
	struct scratch s;
	scratch_init(&s, n, reqs, sts);
	begin(&c, EV_WAITALL, n, s.req);
	int rc = PMPI_Waitall(n, reqs, s.st);
	tracer_after(&c);
	finish(&c, rc, s.req, NULL, n, s.st);
	scratch_free(&s);
	return rc;
}

int MPI_Testall(int n, MPI_Request reqs[], int *flag, MPI_Status sts[])
{
	if (!tracer_on())
		return PMPI_Testall(n, reqs, flag, sts);
	struct call c;
	struct scratch s;
	scratch_init(&s, n, reqs, sts);
	begin(&c, EV_TESTALL, n, s.req);
	int rc = PMPI_Testall(n, reqs, flag, s.st);
	tracer_after(&c);
	finish(&c, rc, s.req, NULL, rc == MPI_SUCCESS && *flag ? n : 0, s.st);
	scratch_free(&s);
	return rc;
}

int MPI_Waitany(int n, MPI_Request reqs[], int *index, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Waitany(n, reqs, index, status);
	struct call c;
	struct scratch s;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	scratch_init(&s, n, reqs, st);
	begin(&c, EV_WAITANY, n, s.req);
	int rc = PMPI_Waitany(n, reqs, index, st);
	tracer_after(&c);
	finish(&c, rc, s.req, index, *index != MPI_UNDEFINED, st);
	scratch_free(&s);
	return rc;
}

int MPI_Testany(int n, MPI_Request reqs[], int *index, int *flag, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Testany(n, reqs, index, flag, status);
	struct call c;
	struct scratch s;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	scratch_init(&s, n, reqs, st);
	begin(&c, EV_TESTANY, n, s.req);
	int rc = PMPI_Testany(n, reqs, index, flag, st);
	tracer_after(&c);
	int done = rc == MPI_SUCCESS && *flag && *index != MPI_UNDEFINED;
	finish(&c, rc, s.req, index, done, st);
	scratch_free(&s);
	return rc;
}

/* Waitsome and Testsome take the same arguments. */
static int traced_some(enum event_kind kind,
		       int (*pmpi)(int, MPI_Request[], int *, int[], MPI_Status[]), int n,
		       MPI_Request reqs[], int *outcount, int indices[], MPI_Status sts[])
{
	if (!tracer_on())
		return pmpi(n, reqs, outcount, indices, sts);
	struct call c;
	struct scratch s;
	scratch_init(&s, n, reqs, sts);
	begin(&c, kind, n, s.req);
	int rc = pmpi(n, reqs, outcount, indices, s.st);
	tracer_after(&c);
	finish(&c, rc, s.req, indices, *outcount, s.st);
	scratch_free(&s);
	return rc;
}

int MPI_Waitsome(int n, MPI_Request reqs[], int *outcount, int indices[], MPI_Status sts[])
{
	return traced_some(EV_WAITSOME, PMPI_Waitsome, n, reqs, outcount, indices, sts);
}

int MPI_Testsome(int n, MPI_Request reqs[], int *outcount, int indices[], MPI_Status sts[])
{
	return traced_some(EV_TESTSOME, PMPI_Testsome, n, reqs, outcount, indices, sts);
}

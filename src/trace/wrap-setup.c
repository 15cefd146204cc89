/* Wrappers: start-up, shutdown, and the local calls that complete what an
 * event shows (packing, status queries). */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "trace/dtype.h"
#include "trace/tracer.h"

static int start(int *argc, char ***argv, int required, int *provided)
{
	int level = tracer_thread_level(required);
	int rc = PMPI_Init_thread(argc, argv, level, provided);
	if (rc != MPI_SUCCESS)
		return rc;
	if (*provided < level) {
		fprintf(stderr, "mpiloom: MPI does not provide the thread level tracing needs: not tracing\n");
		return MPI_SUCCESS;
	}
	loom_tracer.lock_records = required == MPI_THREAD_MULTIPLE;
	if ((rc = tracer_start(*provided)) != MPI_SUCCESS || !loom_tracer.ready)
		return rc;
	/* A mark where tracing starts, not a span: MPI_Init itself takes far
	 * longer than a lecture example and would squash the time axis. */
	struct call c;
	tracer_before(&c, EV_INIT);
	tracer_after(&c);
	/* mpiexec names a rank that died by its process id only */
	c.rec.ev.count = (int32_t)getpid();
	tracer_commit(&c);
	return MPI_SUCCESS;
}

int MPI_Init(int *argc, char ***argv)
{
	int provided;
	return start(argc, argv, MPI_THREAD_SINGLE, &provided);
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
	return start(argc, argv, required, provided);
}

int MPI_Finalize(void)
{
	if (loom_tracer.ready) {
		struct call c;
		tracer_before(&c, EV_FINALIZE);
		tracer_after(&c);
		tracer_commit(&c);
		tracer_stop();
	}
	return PMPI_Finalize();
}

int MPI_Abort(MPI_Comm comm, int errorcode)
{
	if (tracer_on()) {
		struct call c;
		tracer_before(&c, EV_ABORT);
		tracer_after(&c);
		c.rec.ev.tag = errorcode;
		tracer_commit(&c);
		tracer_flush_for_abort();
	}
	return PMPI_Abort(comm, errorcode);
}

int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
	if (tracer_on())
		tracer_refine_probe(status, datatype);
	return PMPI_Get_count(status, datatype, count);
}

int MPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
	if (tracer_on())
		tracer_refine_probe(status, datatype);
	return PMPI_Get_elements(status, datatype, count);
}

/* For pack and unpack the event's count/datatype are the typed side and
 * st_count the packed bytes, so a view can show raw versus packed size. */
int MPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf,
	     int outsize, int *position, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Pack(inbuf, incount, datatype, outbuf, outsize, position, comm);
	struct call c;
	int before = *position;
	tracer_before(&c, EV_PACK);
	tracer_set_buffer(&c.rec.ev, incount, datatype);
	tracer_set_preview(&c.rec, inbuf, incount);
	tracer_gate(&c);
	int rc = PMPI_Pack(inbuf, incount, datatype, outbuf, outsize, position, comm);
	tracer_after(&c);
	c.rec.ev.st_count = *position - before;
	tracer_commit(&c);
	return rc;
}

int MPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount,
	       MPI_Datatype datatype, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Unpack(inbuf, insize, position, outbuf, outcount, datatype, comm);
	struct call c;
	int before = *position;
	tracer_before(&c, EV_UNPACK);
	tracer_set_buffer(&c.rec.ev, outcount, datatype);
	tracer_gate(&c);
	int rc = PMPI_Unpack(inbuf, insize, position, outbuf, outcount, datatype, comm);
	tracer_after(&c);
	if (rc == MPI_SUCCESS)
		tracer_set_preview(&c.rec, outbuf, outcount);
	c.rec.ev.st_count = *position - before;
	tracer_commit(&c);
	return rc;
}

/* OTF2 (Vampir, Score-P's tools, otf2-print), written with the OTF2
 * library: an archive OUT/traces.otf2 with one location per rank. Each
 * call is a region entered and left; a send or receive carries an MpiSend
 * or MpiRecv record, a collective MpiCollectiveBegin/End. Definitions
 * (strings, regions, locations, communicators, clock) are written at the
 * end, when it is known which are used. */
#include "config.h"

#include <stdio.h>

#include "export/export.h"

#ifndef HAVE_OTF2

static int no_otf2(const struct export_opts *opt, struct strbuf *err)
{
	(void)opt;
	strbuf_puts(err, "mpiloom: this mpiloom was built without OTF2 support (install the "
	                 "Debian package libotf2-trace-dev and run configure again); --chrome, "
	                 "--svg and --csv work");
	return 2;
}

const struct export_format export_otf2 = {
    .option = "otf2",
    .what = "OTF2 archive",
    .prepare = no_otf2,
};

#else

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/quote.h"
#include "core/xalloc.h"
#include "export/otf2.h"

static OTF2_ErrorCode on_error(void *user, const char *file, uint64_t line,
                               const char *function, OTF2_ErrorCode code, const char *fmt,
                               va_list va)
{
	struct otf2 *x = user;
	(void)file;
	(void)line;
	(void)function;
	if (x != NULL && x->error.len == 0) {
		strbuf_puts(&x->error, OTF2_Error_GetDescription(code));
		if (fmt != NULL && *fmt != '\0') {
			strbuf_puts(&x->error, ": ");
			strbuf_vprintf(&x->error, fmt, va);
		}
	}
	return code;
}

static OTF2_FlushType pre_flush(void *user, OTF2_FileType type, OTF2_LocationRef loc,
                                void *caller, bool final)
{
	(void)user;
	(void)type;
	(void)loc;
	(void)caller;
	(void) final;
	return OTF2_FLUSH;
}

static OTF2_TimeStamp post_flush(void *user, OTF2_FileType type, OTF2_LocationRef loc)
{
	(void)user;
	(void)type;
	(void)loc;
	return 0;
}

static const OTF2_FlushCallbacks flush_callbacks = {pre_flush, post_flush};

int otf2_check(struct otf2 *x, OTF2_ErrorCode rc)
{
	if (rc != OTF2_SUCCESS) {
		if (x->error.len == 0)
			strbuf_puts(&x->error, OTF2_Error_GetDescription(rc));
		x->failed = 1;
	}
	return x->failed ? -1 : 0;
}

/* ---- the output directory ---- */

static char *join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/%s", dir, name);
	return sb.s;
}

static int exists(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat sb;
	int rc = lstat(p, &sb) == 0;
	free(p);
	return rc;
}

static int remove_one(const char *dir, const char *name)
{
	char *p = join(dir, name);
	int rc = unlink(p) == 0 || errno == ENOENT ? 0 : -1;
	free(p);
	return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* --force: the files an earlier export wrote, and nothing else. */
static int remove_archive(const char *dir)
{
	char *sub = join(dir, ARCHIVE);
	DIR *d = opendir(sub);
	int rc = 0;
	for (struct dirent *e; d != NULL && rc == 0 && (e = readdir(d)) != NULL;)
		if (has_suffix(e->d_name, ".evt") || has_suffix(e->d_name, ".def"))
			rc = remove_one(sub, e->d_name);
	if (d != NULL)
		closedir(d);
	if (rc == 0 && rmdir(sub) != 0 && errno != ENOENT)
		rc = -1;
	free(sub);
	if (rc == 0)
		rc = remove_one(dir, ARCHIVE ".otf2") | remove_one(dir, ARCHIVE ".def");
	return rc;
}

/* What the archive writes (OTF2 truncates, --force removes): DIR itself,
 * its anchor and definitions, and traces/ with everything in it, rank
 * files or not (rmdir needs it empty). None may be the log. */
static int refuse_log(const struct export_opts *opt, struct strbuf *err)
{
	static const char *const names[] = {ARCHIVE ".otf2", ARCHIVE ".def", ARCHIVE};
	int rc = export_refuse_log(opt, opt->out, err);
	for (size_t i = 0; rc == 0 && i < sizeof names / sizeof names[0]; i++) {
		char *p = join(opt->out, names[i]);
		rc = export_refuse_log(opt, p, err);
		free(p);
	}
	char *sub = join(opt->out, ARCHIVE);
	DIR *d = rc == 0 ? opendir(sub) : NULL;
	for (struct dirent *e; d != NULL && rc == 0 && (e = readdir(d)) != NULL;) {
		char *p = join(sub, e->d_name);
		rc = export_refuse_log(opt, p, err);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	free(sub);
	return rc;
}

static int otf2_prepare(const struct export_opts *opt, struct strbuf *err)
{
	struct stat sb;
	if (stat(opt->out, &sb) != 0)
		return 0;
	if (refuse_log(opt, err) != 0)
		return 2;
	strbuf_puts(err, "mpiloom: ");
	quote_name(err, opt->out);
	if (!S_ISDIR(sb.st_mode)) {
		strbuf_puts(err, " exists and is not a directory");
		return 2;
	}
	if (opt->force || (!exists(opt->out, ARCHIVE ".otf2") &&
	                   !exists(opt->out, ARCHIVE ".def") && !exists(opt->out, ARCHIVE))) {
		/* --force: the old archive goes once the log proves usable */
		strbuf_reset(err);
		return 0;
	}
	strbuf_puts(err, " holds an OTF2 archive; --force overwrites it");
	return 2;
}

/* ---- events ---- */

void otf2_free(struct otf2 *x)
{
	OTF2_Error_RegisterCallback(NULL, NULL);
	free(x->w);
	free(x->last);
	free(x->comm_ref);
	free(x->comm_of);
	strbuf_free(&x->error);
	free(x);
}

/* The archive's own properties: who wrote it, what run, which clock. */
static void describe(struct otf2 *x, const struct log_header *h)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%" PRId64, h->clock_max_rtt_ns);
	otf2_check(x, OTF2_Archive_SetCreator(x->archive, "mpiloom " PACKAGE_VERSION));
	otf2_check(x, OTF2_Archive_SetDescription(x->archive, h->scenario ? h->scenario : ""));
	otf2_check(x, OTF2_Archive_SetMachineName(x->archive, h->host ? h->host : ""));
	otf2_check(x, OTF2_Archive_SetProperty(x->archive, "MPILOOM::CLOCK_MAX_RTT_NS",
	                                       strbuf_str(&sb), true));
	strbuf_free(&sb);
}

static void *otf2_open(const struct export_info *in, struct strbuf *err)
{
	if (in->opt->force && remove_archive(in->opt->out) != 0) {
		strbuf_puts(err, "cannot remove the old archive in ");
		quote_name(err, in->opt->out);
		strbuf_printf(err, ": %s", strerror(errno));
		return NULL;
	}
	struct otf2 *x = xcalloc(1, sizeof *x);
	x->nranks = in->h->nranks;
	x->h = in->h;
	OTF2_Error_RegisterCallback(on_error, x);
	x->archive = OTF2_Archive_Open(
	    in->opt->out, ARCHIVE, OTF2_FILEMODE_WRITE, OTF2_CHUNK_SIZE_EVENTS_DEFAULT,
	    OTF2_CHUNK_SIZE_DEFINITIONS_DEFAULT, OTF2_SUBSTRATE_POSIX, OTF2_COMPRESSION_NONE);
	if (x->archive == NULL ||
	    otf2_check(x, OTF2_Archive_SetFlushCallbacks(x->archive, &flush_callbacks, NULL)) !=
	        0 ||
	    otf2_check(x, OTF2_Archive_SetSerialCollectiveCallbacks(x->archive)) != 0 ||
	    otf2_check(x, OTF2_Archive_OpenEvtFiles(x->archive)) != 0) {
		strbuf_puts(err, "cannot write ");
		quote_name(err, in->opt->out);
		strbuf_printf(err, ": %s",
		              x->error.len ? strbuf_str(&x->error) : "OTF2 failed");
		if (x->archive != NULL)
			OTF2_Archive_Close(x->archive);
		otf2_free(x);
		return NULL;
	}
	describe(x, in->h);
	x->w = xcalloc(x->nranks, sizeof *x->w);
	x->last = xcalloc(x->nranks, sizeof *x->last);
	x->comm_ref = xcalloc(COMMS, sizeof *x->comm_ref);
	x->comm_of = xcalloc(COMMS, sizeof *x->comm_of);
	x->comm_ref[0] = ++x->comms; /* MPI_COMM_WORLD is always defined, first */
	return x;
}

static OTF2_EvtWriter *writer_of(struct otf2 *x, uint32_t rank)
{
	if (x->w[rank] == NULL) {
		x->w[rank] = OTF2_Archive_GetEvtWriter(x->archive, rank);
		if (x->w[rank] == NULL)
			otf2_check(x, OTF2_ERROR_MEM_ALLOC_FAILED);
	}
	return x->w[rank];
}

/* Each location's timestamps must not go back. */
static uint64_t stamp(struct otf2 *x, uint32_t rank, int64_t t)
{
	uint64_t ts = BIAS + (uint64_t)t;
	if (ts < x->last[rank])
		ts = x->last[rank];
	x->last[rank] = ts;
	if (!x->any || ts < x->t_min)
		x->t_min = ts;
	if (!x->any || ts > x->t_max)
		x->t_max = ts;
	x->any = 1;
	return ts;
}

static const struct {
	const char *kind;
	OTF2_CollectiveOp op;
} collective_ops[] = {
    {"barrier", OTF2_COLLECTIVE_OP_BARRIER},
    {"bcast", OTF2_COLLECTIVE_OP_BCAST},
    {"gather", OTF2_COLLECTIVE_OP_GATHER},
    {"gatherv", OTF2_COLLECTIVE_OP_GATHERV},
    {"scatter", OTF2_COLLECTIVE_OP_SCATTER},
    {"scatterv", OTF2_COLLECTIVE_OP_SCATTERV},
    {"allgather", OTF2_COLLECTIVE_OP_ALLGATHER},
    {"allgatherv", OTF2_COLLECTIVE_OP_ALLGATHERV},
    {"alltoall", OTF2_COLLECTIVE_OP_ALLTOALL},
    {"alltoallv", OTF2_COLLECTIVE_OP_ALLTOALLV},
    {"allreduce", OTF2_COLLECTIVE_OP_ALLREDUCE},
    {"reduce", OTF2_COLLECTIVE_OP_REDUCE},
    {"reduce_scatter", OTF2_COLLECTIVE_OP_REDUCE_SCATTER},
    {"scan", OTF2_COLLECTIVE_OP_SCAN},
    {"exscan", OTF2_COLLECTIVE_OP_EXSCAN},
};

/* By the kind's name, so that kinds added later find their operation. */
static int collective_op(const struct event *ev, OTF2_CollectiveOp *op)
{
	const char *name = event_kind_name(ev->kind);
	for (size_t i = 0; i < sizeof collective_ops / sizeof collective_ops[0]; i++) {
		if (strcmp(collective_ops[i].kind, name) == 0) {
			*op = collective_ops[i].op;
			return 1;
		}
	}
	return 0;
}

/* Who sends and who receives data: the root in a one-to-all operation,
 * the others in an all-to-one; everyone otherwise. */
static void collective_sizes(const struct event *ev, OTF2_CollectiveOp op, uint64_t *sent,
                             uint64_t *received)
{
	uint64_t bytes = ev->count >= 0 ? (uint64_t)event_bytes(ev) : 0;
	int root = (ev->flags & EVF_ROOT) != 0;
	*sent = *received = bytes;
	if (op == OTF2_COLLECTIVE_OP_BARRIER)
		*sent = *received = 0;
	else if (op == OTF2_COLLECTIVE_OP_BCAST || op == OTF2_COLLECTIVE_OP_SCATTER)
		*(root ? received : sent) = 0;
	else if (op == OTF2_COLLECTIVE_OP_GATHER || op == OTF2_COLLECTIVE_OP_REDUCE)
		*(root ? sent : received) = 0;
}

static OTF2_RegionRef region_ref(struct otf2 *x, uint8_t kind)
{
	if (x->region_of[kind] == 0) {
		x->kind_of[x->regions] = kind;
		x->region_of[kind] = ++x->regions;
	}
	return x->region_of[kind] - 1;
}

static OTF2_CommRef comm_ref(struct otf2 *x, uint16_t comm)
{
	if (x->comm_ref[comm] == 0) {
		x->comm_of[x->comms] = comm;
		x->comm_ref[comm] = ++x->comms;
	}
	return x->comm_ref[comm] - 1;
}

static OTF2_ErrorCode mpi_record_begin(OTF2_EvtWriter *w, const struct event *ev, uint64_t tb,
                                       OTF2_CommRef comm)
{
	if (event_is_send(ev) && ev->peer >= 0)
		return OTF2_EvtWriter_MpiSend(w, NULL, tb, (uint32_t)ev->peer, comm,
		                              (uint32_t)ev->tag, (uint64_t)event_bytes(ev));
	OTF2_CollectiveOp op;
	if (event_is_collective(ev) && collective_op(ev, &op))
		return OTF2_EvtWriter_MpiCollectiveBegin(w, NULL, tb);
	return OTF2_SUCCESS;
}

static OTF2_ErrorCode mpi_record_end(OTF2_EvtWriter *w, const struct event *ev, uint64_t te,
                                     OTF2_CommRef comm)
{
	if (event_is_recv(ev) && ev->st_source >= 0) {
		int64_t bytes = event_status_bytes(ev);
		return OTF2_EvtWriter_MpiRecv(w, NULL, te, (uint32_t)ev->st_source, comm,
		                              (uint32_t)ev->st_tag,
		                              bytes > 0 ? (uint64_t)bytes : 0);
	}
	OTF2_CollectiveOp op;
	if (!event_is_collective(ev) || !collective_op(ev, &op))
		return OTF2_SUCCESS;
	uint64_t sent, received;
	collective_sizes(ev, op, &sent, &received);
	uint32_t root = ev->peer >= 0 && op != OTF2_COLLECTIVE_OP_BARRIER &&
	                        op != OTF2_COLLECTIVE_OP_ALLREDUCE
	                    ? (uint32_t)ev->peer
	                    : OTF2_UNDEFINED_UINT32;
	return OTF2_EvtWriter_MpiCollectiveEnd(w, NULL, te, op, comm, root, sent, received);
}

static int otf2_event(void *f, const struct event *ev, const uint8_t *preview)
{
	struct otf2 *x = f;
	(void)preview;
	OTF2_EvtWriter *w = writer_of(x, ev->rank);
	if (w == NULL)
		return -1;
	uint64_t tb = stamp(x, ev->rank, ev->t_begin);
	uint64_t te = stamp(x, ev->rank, event_end(ev));
	OTF2_RegionRef region = region_ref(x, ev->kind);
	OTF2_CommRef comm = comm_ref(x, ev->comm);
	if (otf2_check(x, OTF2_EvtWriter_Enter(w, NULL, tb, region)) != 0 ||
	    otf2_check(x, mpi_record_begin(w, ev, tb, comm)) != 0 ||
	    otf2_check(x, mpi_record_end(w, ev, te, comm)) != 0 ||
	    otf2_check(x, OTF2_EvtWriter_Leave(w, NULL, te, region)) != 0)
		return -1;
	return 0;
}

const struct export_format export_otf2 = {
    .option = "otf2",
    .what = "OTF2 archive",
    .prepare = otf2_prepare,
    .open = otf2_open,
    .event = otf2_event,
    .close = otf2_close,
};

#endif

/* The end of an OTF2 export: every rank's event file is closed, then the
 * global definitions name what the events referred to by number (regions
 * are event kinds, communicators mpiloom's comm ids, locations ranks). */
#include "config.h"

#ifdef HAVE_OTF2

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "export/otf2.h"

struct defs {
	struct otf2 *x;
	OTF2_GlobalDefWriter *gw;
	uint32_t strings; /* next string reference */
	OTF2_StringRef empty;
};

static OTF2_StringRef def_string(struct defs *d, const char *s)
{
	OTF2_StringRef ref = d->strings++;
	otf2_check(d->x, OTF2_GlobalDefWriter_WriteString(d->gw, ref, s));
	return ref;
}

static int close_events(struct otf2 *x, uint64_t *counts)
{
	for (uint32_t r = 0; r < x->nranks; r++) {
		/* an empty event file, so that every rank of a small run has
		 * its location */
		if (x->w[r] == NULL && x->nranks <= EMPTY_LOCATIONS_MAX)
			x->w[r] = OTF2_Archive_GetEvtWriter(x->archive, r);
		if (x->w[r] == NULL)
			continue;
		otf2_check(x, OTF2_EvtWriter_GetNumberOfEvents(x->w[r], &counts[r]));
		otf2_check(x, OTF2_Archive_CloseEvtWriter(x->archive, x->w[r]));
	}
	otf2_check(x, OTF2_Archive_CloseEvtFiles(x->archive));
	/* OTF2 expects a (here empty) local definition file per location */
	otf2_check(x, OTF2_Archive_OpenDefFiles(x->archive));
	for (uint32_t r = 0; r < x->nranks && !x->failed; r++) {
		if (x->w[r] == NULL)
			continue;
		OTF2_DefWriter *dw = OTF2_Archive_GetDefWriter(x->archive, r);
		if (dw == NULL)
			return otf2_check(x, OTF2_ERROR_MEM_ALLOC_FAILED);
		otf2_check(x, OTF2_Archive_CloseDefWriter(x->archive, dw));
	}
	return otf2_check(x, OTF2_Archive_CloseDefFiles(x->archive));
}

static void def_clock(struct defs *d)
{
	struct otf2 *x = d->x;
	uint64_t offset = x->any ? x->t_min : BIAS;
	uint64_t length = x->any ? x->t_max - x->t_min : 0;
	/* the log's creation time stands for the run's start */
	uint64_t realtime = x->h->created > 0
	                        ? (uint64_t)x->h->created * 1000000000u + (offset - BIAS)
	                        : OTF2_UNDEFINED_TIMESTAMP;
	otf2_check(x, OTF2_GlobalDefWriter_WriteClockProperties(d->gw, 1000000000u, offset,
	                                                        length, realtime));
}

static void def_locations(struct defs *d, const uint64_t *counts)
{
	struct otf2 *x = d->x;
	const char *host = x->h->host && *x->h->host ? x->h->host : "localhost";
	OTF2_StringRef node = def_string(d, host), cls = def_string(d, "node");
	otf2_check(x, OTF2_GlobalDefWriter_WriteSystemTreeNode(
	                  d->gw, 0, node, cls, OTF2_UNDEFINED_SYSTEM_TREE_NODE));
	struct strbuf name = STRBUF_INIT;
	for (uint32_t r = 0; r < x->nranks && !x->failed; r++) {
		if (x->w[r] == NULL)
			continue;
		strbuf_reset(&name);
		strbuf_printf(&name, "rank %u", r);
		OTF2_StringRef s = def_string(d, strbuf_str(&name));
		otf2_check(x, OTF2_GlobalDefWriter_WriteLocationGroup(
		                  d->gw, r, s, OTF2_LOCATION_GROUP_TYPE_PROCESS, 0,
		                  OTF2_UNDEFINED_LOCATION_GROUP));
		otf2_check(x, OTF2_GlobalDefWriter_WriteLocation(
		                  d->gw, r, s, OTF2_LOCATION_TYPE_CPU_THREAD, counts[r], r));
	}
	strbuf_free(&name);
}

static OTF2_RegionRole role_of(const struct event *ev)
{
	switch (export_class_of(ev)) {
	case XC_SEND:
	case XC_RECV:
	case XC_PROBE:
		return OTF2_REGION_ROLE_POINT2POINT;
	case XC_COLLECTIVE:
		return OTF2_REGION_ROLE_COLL_OTHER;
	default:
		return OTF2_REGION_ROLE_FUNCTION;
	}
}

static void def_regions(struct defs *d)
{
	struct otf2 *x = d->x;
	for (uint32_t ref = 0; ref < x->regions && !x->failed; ref++) {
		struct event ev = {.kind = x->kind_of[ref]};
		const char *call = export_call_name(&ev);
		OTF2_StringRef name = def_string(d, call), none = d->empty;
		OTF2_Paradigm paradigm =
		    strncmp(call, "MPI_", 4) == 0 ? OTF2_PARADIGM_MPI : OTF2_PARADIGM_USER;
		otf2_check(x, OTF2_GlobalDefWriter_WriteRegion(
		                  d->gw, ref, name, name, none, role_of(&ev), paradigm,
		                  OTF2_REGION_FLAG_NONE, none, 0, 0));
	}
}

/* Every communicator is given the world's members: a log names its
 * peers by world rank. */
static void def_comms(struct defs *d)
{
	struct otf2 *x = d->x;
	uint64_t *members = xreallocarray(NULL, x->nranks, sizeof *members);
	for (uint32_t r = 0; r < x->nranks; r++)
		members[r] = r;
	OTF2_StringRef empty = d->empty;
	otf2_check(x, OTF2_GlobalDefWriter_WriteGroup(
	                  d->gw, 0, empty, OTF2_GROUP_TYPE_COMM_LOCATIONS, OTF2_PARADIGM_MPI,
	                  OTF2_GROUP_FLAG_NONE, x->nranks, members));
	otf2_check(x, OTF2_GlobalDefWriter_WriteGroup(
	                  d->gw, 1, empty, OTF2_GROUP_TYPE_COMM_GROUP, OTF2_PARADIGM_MPI,
	                  OTF2_GROUP_FLAG_NONE, x->nranks, members));
	free(members);
	struct strbuf name = STRBUF_INIT;
	for (uint32_t ref = 0; ref < x->comms && !x->failed; ref++) {
		uint16_t c = x->comm_of[ref];
		strbuf_reset(&name);
		if (c == 0)
			strbuf_puts(&name, "MPI_COMM_WORLD");
		else if (c == EVENT_COMM_TEXTBOOK)
			strbuf_puts(&name, "textbook collectives");
		else
			strbuf_printf(&name, "comm %u", c);
		OTF2_StringRef s = def_string(d, strbuf_str(&name));
		otf2_check(x, OTF2_GlobalDefWriter_WriteComm(d->gw, ref, s, 1,
		                                             ref == 0 ? OTF2_UNDEFINED_COMM : 0,
		                                             OTF2_COMM_FLAG_NONE));
	}
	strbuf_free(&name);
}

static int write_definitions(struct otf2 *x)
{
	uint64_t *counts = xcalloc(x->nranks, sizeof *counts);
	if (close_events(x, counts) != 0) {
		free(counts);
		return -1;
	}
	struct defs d = {x, OTF2_Archive_GetGlobalDefWriter(x->archive), 0, 0};
	if (d.gw == NULL) {
		free(counts);
		return otf2_check(x, OTF2_ERROR_MEM_ALLOC_FAILED);
	}
	def_clock(&d);
	d.empty = def_string(&d, "");
	def_locations(&d, counts);
	def_regions(&d);
	def_comms(&d);
	free(counts);
	return otf2_check(x, OTF2_Archive_CloseGlobalDefWriter(x->archive, d.gw));
}

int otf2_close(void *f, const struct export_totals *t, struct strbuf *err)
{
	struct otf2 *x = f;
	(void)t;
	if (!x->failed)
		write_definitions(x);
	otf2_check(x, OTF2_Archive_Close(x->archive));
	int rc = 0;
	if (x->failed) {
		strbuf_printf(err, "cannot write the OTF2 archive: %s", strbuf_str(&x->error));
		rc = -1;
	}
	otf2_free(x);
	return rc;
}

#endif

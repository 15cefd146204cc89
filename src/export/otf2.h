/* Shared by the two halves of the OTF2 export: events (export-otf2.c)
 * and the definitions written at the end (export-otf2-defs.c). */
#ifndef MPILOOM_EXPORT_OTF2_H
#define MPILOOM_EXPORT_OTF2_H

#include <otf2/otf2.h>

#include "export/export.h"

#define ARCHIVE "traces"
/* Timestamps are unsigned: a log's times (ns, possibly negative, at most
 * EVENT_TIME_MAX in size) are shifted by this. */
#define BIAS ((uint64_t)EVENT_TIME_MAX)
/* Ranks up to this many get a location even without events. */
#define EMPTY_LOCATIONS_MAX 4096
#define KINDS               256
#define COMMS               65536

struct otf2 {
	OTF2_Archive *archive;
	OTF2_EvtWriter **w; /* per rank, opened at its first event */
	uint64_t *last;     /* per rank: latest timestamp written */
	uint32_t nranks;
	/* OTF2 wants references numbered 0, 1, 2 in the order defined:
	 * kinds and comm ids get theirs as they are first seen. */
	uint32_t region_of[KINDS]; /* reference + 1, 0: unused */
	uint8_t kind_of[KINDS];    /* by reference */
	uint32_t regions;
	uint32_t *comm_ref; /* COMMS entries: reference + 1, 0: unused */
	uint16_t *comm_of;  /* by reference */
	uint32_t comms;
	uint64_t t_min, t_max;
	int any;
	const struct log_header *h;
	struct strbuf error; /* the library's first complaint */
	int failed;
};

/* 0, or -1 once anything failed (the reason is kept in x->error). */
int otf2_check(struct otf2 *x, OTF2_ErrorCode rc);
void otf2_free(struct otf2 *x);
int otf2_close(void *f, const struct export_totals *t, struct strbuf *err);

#endif

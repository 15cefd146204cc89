/* The batches a rank ships to rank 0 over the tracer's communicator: a
 * little-endian header, then the records in wire form (event, preview). */
#ifndef MPILOOM_BATCH_H
#define MPILOOM_BATCH_H

#include <stdint.h>

#include "core/event.h"
#include "core/le.h"

#define BATCH_MAX 2048
#define BATCH_MAGIC 0x4d4f4f4cu /* "LOOM" */
#define BATCH_FINAL 1u
#define BATCH_FLUSH 2u /* a rank is about to die: rank 0 writes its log now */
#define BATCH_HEADER_SIZE 20
#define BATCH_BYTES (BATCH_HEADER_SIZE + BATCH_MAX * EVENT_RECORD_WIRE_SIZE)
/* How often a shipper or the collector looks at its ring and its sends. */
#define SHIP_POLL_NS 1000000

struct batch_header {
	uint32_t magic;
	uint32_t rank;
	uint32_t nrec;
	uint32_t flags;
	uint32_t total;
};

static inline void batch_encode_header(uint8_t *buf, const struct batch_header *h)
{
	le_put32(buf, h->magic);
	le_put32(buf + 4, h->rank);
	le_put32(buf + 8, h->nrec);
	le_put32(buf + 12, h->flags);
	le_put32(buf + 16, h->total);
}

#endif

/* The on-disk layout of a log, private to src/log: the writer and the
 * chunk parser name mpiloom(5)'s magics and offsets here, once, so that
 * the two cannot drift apart. */
#ifndef MPILOOM_LOG_FORMAT_H
#define MPILOOM_LOG_FORMAT_H

#include "log/log.h"

/* Macros, not static arrays: a file that uses one magic would be warned
 * about the other. */
#define FILE_MAGIC	"MPILOOM" /* and its NUL: 8 bytes */
#define FILE_MAGIC_LEN	8
#define CHUNK_MAGIC	"CHNK"
#define CHUNK_MAGIC_LEN 4

#define HDR_VERSION 8
#define HDR_LENGTH  12
#define HDR_NRANKS  16
#define HDR_FLAGS   20
#define HDR_CREATED 24
#define HDR_RTT	    32
#define HDR_STRINGS 40
/* The fixed fields, three string lengths and the CRC: a header with
 * empty strings. */
#define HDR_MIN (HDR_STRINGS + 3 * 4 + 4)
/* No version's header may be longer: a reader can check any header's CRC. */
#define HDR_MAX 65536

#define CHUNK_HEAD  20
#define PAYLOAD_MAX (64u << 20)
/* Offset of preview_len in an encoded event (see event_encode). */
#define WIRE_PREVIEW_LEN 62

enum chunk_type {
	CHUNK_EVENTS = 1,
	CHUNK_RANK_TOTALS = 2,
	CHUNK_RESULT = 3,
	CHUNK_END = 4,
	CHUNK_OUTPUT = 5,
};

/* An output chunk: stream, reserved, time, then the bytes. */
#define OUTPUT_FIXED	 16
#define OUTPUT_CHUNK_MAX (64u << 10)

#define RESULT_FIXED 12
#define TOTAL_SIZE   8
_Static_assert(RESULT_FIXED + LOG_TEXT_MAX <= PAYLOAD_MAX, "a result chunk must be readable");

#endif

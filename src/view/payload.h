/* The payload preview: the first bytes of a message, decoded by datatype
 * for display. Preview bytes are untrusted (they may come from a log). */
#ifndef MPILOOM_PAYLOAD_H
#define MPILOOM_PAYLOAD_H

#include <stdint.h>

#include "core/event.h"
#include "core/strbuf.h"

/* Appends e.g. "[1, 4, 9]" or "\"abc\"" or "<8b 01 ff>"; "..." marks a
 * preview that holds only the first values of the payload. */
void payload_format(struct strbuf *sb, const struct event *ev, const uint8_t *bytes);

#endif

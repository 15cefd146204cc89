/* Untrusted bytes (a log's strings, payload previews) written so that the
 * output stays valid in its format whatever they hold: quotes, markup,
 * control characters, invalid UTF-8. Valid UTF-8 is kept; a byte that
 * does not start a valid sequence becomes U+FFFD. */
#ifndef MPILOOM_ESCAPE_H
#define MPILOOM_ESCAPE_H

#include <stddef.h>

#include "export/outfile.h"

/* The inside of a JSON string (without the quotes). */
void escape_json(struct outfile *o, const char *s, size_t n);
/* XML character data or an attribute value; characters XML 1.0 forbids
 * (most controls) become U+FFFD. */
void escape_xml(struct outfile *o, const char *s, size_t n);
/* One CSV field (RFC 4180): quoted when it holds a comma, a quote, a
 * line break or any byte outside printable ASCII. */
void escape_csv(struct outfile *o, const char *s, size_t n);

#endif

/* A program's own output (stdout, stderr), captured by `mpiloom run` and
 * kept in a recording: raw pieces in, escaped lines out. The bytes are
 * untrusted: every line is escaped before anyone prints or draws it. */
#ifndef MPILOOM_OUTPUT_H
#define MPILOOM_OUTPUT_H

#include <stddef.h>

#include "core/strbuf.h"

enum output_stream { OUTPUT_STDOUT = 1, OUTPUT_STDERR = 2 };

/* Beyond this many bytes of lines, what follows is counted, not kept. */
#define OUTPUT_KEEP_MAX (16u << 20)

struct output {
	struct strbuf lines;	   /* "[stdout] text\n" / "[stderr] text\n", escaped */
	struct strbuf partial[2];  /* a line not yet ended, per stream */
	size_t nlines;
	size_t dropped;		   /* lines not kept (OUTPUT_KEEP_MAX) */
	size_t consumed;	   /* bytes of lines a caller has printed already */
};

void output_init(struct output *o);
void output_free(struct output *o);
/* Adds bytes read from a stream; whole lines become lines. */
void output_add(struct output *o, enum output_stream stream, const void *bytes, size_t n);
/* The streams ended: unfinished lines become lines. */
void output_end(struct output *o);
/* Lines added since the last call (for passing output through). */
const char *output_new_lines(struct output *o, size_t *len);

#endif

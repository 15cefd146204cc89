/* An output file written through a large buffer, with number formatting
 * that costs a few nanoseconds: the exporters write tens of millions of
 * fields. A full buffer is written by a thread of its own while the next
 * one fills (the kernel's copy costs as much as the formatting). The
 * first error is kept; later writes are dropped. */
#ifndef MPILOOM_OUTFILE_H
#define MPILOOM_OUTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"

#define OUTFILE_BUF (1u << 20)

struct outfile_writer;

struct outfile {
	int fd;
	int err; /* errno of the first failure, 0 if none */
	char *path;
	char *buf;
	size_t len;
	struct outfile_writer *writer; /* NULL: written here, synchronously */
};

/* Creates path (truncating it when force, refusing an existing one
 * otherwise). 0, or -1 with "cannot write PATH: REASON" in err. */
int outfile_create(struct outfile *o, const char *path, int force, struct strbuf *err);
/* An already open descriptor (a temporary file); path is for messages.
 * Written synchronously. */
void outfile_adopt(struct outfile *o, int fd, const char *path);
/* Everything put so far is written (or failed) when it returns. */
void outfile_flush(struct outfile *o);
/* Flushes and closes: 0, or -1 with the first error in err. */
int outfile_close(struct outfile *o, struct strbuf *err);

void outfile_putn_slow(struct outfile *o, const char *s, size_t n);

static inline void outfile_putn(struct outfile *o, const char *s, size_t n)
{
	if (o->len + n <= OUTFILE_BUF) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	outfile_putn_slow(o, s, n);
}

static inline void outfile_putc(struct outfile *o, char c)
{
	if (o->len < OUTFILE_BUF)
		o->buf[o->len++] = c;
	else
		outfile_putn_slow(o, &c, 1);
}

/* A string literal (an array: sizeof gives its length). */
#define outfile_lit(o, s) outfile_putn((o), "" s, sizeof(s) - 1)
static inline void outfile_puts(struct outfile *o, const char *s)
{
	outfile_putn(o, s, strlen(s));
}

void outfile_u64(struct outfile *o, uint64_t v);
void outfile_i64(struct outfile *o, int64_t v);
/* Nanoseconds as microseconds with three decimals: "12.345", "-0.002". */
void outfile_us(struct outfile *o, int64_t ns);

#endif

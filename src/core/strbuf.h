/* A growable string, so that no line built from a log, a payload or a rank
 * count can overflow a fixed buffer. */
#ifndef MPILOOM_STRBUF_H
#define MPILOOM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putn(struct strbuf *sb, const char *s, size_t n);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends untrusted bytes so that they print as themselves and nothing
 * else: printable ASCII as is, everything else as \xHH, \n, \t, \\ or \". */
void strbuf_escape(struct strbuf *sb, const void *bytes, size_t n);
const char *strbuf_str(struct strbuf *sb);

#endif

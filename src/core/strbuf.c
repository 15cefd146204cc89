#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

static void grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->s = xreallocarray(sb->s, cap, 1);
	sb->cap = cap;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s != NULL)
		sb->s[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_putc(struct strbuf *sb, char c)
{
	grow(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void strbuf_putn(struct strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_putn(sb, s, strlen(s));
}

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	grow(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_escape(struct strbuf *sb, const void *bytes, size_t n)
{
	const unsigned char *p = bytes;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '\\' || c == '"') {
			strbuf_putc(sb, '\\');
			strbuf_putc(sb, (char)c);
		} else if (c == '\n') {
			strbuf_puts(sb, "\\n");
		} else if (c == '\t') {
			strbuf_puts(sb, "\\t");
		} else if (c >= 0x20 && c < 0x7f) {
			strbuf_putc(sb, (char)c);
		} else {
			strbuf_printf(sb, "\\x%02x", c);
		}
	}
}

const char *strbuf_str(struct strbuf *sb)
{
	if (sb->s == NULL)
		grow(sb, 0), sb->s[0] = '\0';
	return sb->s;
}

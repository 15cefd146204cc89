#include "config.h"

#include <string.h>

#include "core/quote.h"

/* Punctuation no shell gives a meaning to, anywhere in a word. */
#define INERT "%+,-./:@]_"

static int alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A byte that needs no quotes: '#' and '~' start a comment or a home
 * directory only as the first byte, '{' and '}' are words of their own
 * only alone. */
static int plain_byte(const char *name, size_t i)
{
	unsigned char c = (unsigned char)name[i];
	if (c == '#' || c == '~')
		return i > 0;
	if (c == '{' || c == '}')
		return i > 0 || name[1] != '\0';
	return alnum(c) || (c != '\0' && strchr(INERT, c) != NULL);
}

/* A byte that a name with an apostrophe may hold and still be written
 * "like this", as coreutils does: the apostrophe is common in names. */
static int double_quotable(const char *name, size_t i)
{
	unsigned char c = (unsigned char)name[i];
	if (c == '\'' || c == ' ' || ((c == '#' || c == '~') && i == 0))
		return 1;
	return alnum(c) || (c != '\0' && strchr(INERT, c) != NULL);
}

static void escape_byte(struct strbuf *sb, unsigned char c)
{
	static const char controls[] = "\a\b\f\n\r\t\v", letters[] = "abfnrtv";
	const char *p = c != '\0' ? strchr(controls, c) : NULL;
	strbuf_putc(sb, '\\');
	if (p != NULL) {
		strbuf_putc(sb, letters[p - controls]);
		return;
	}
	strbuf_putc(sb, (char)('0' + (c >> 6)));
	strbuf_putc(sb, (char)('0' + ((c >> 3) & 7)));
	strbuf_putc(sb, (char)('0' + (c & 7)));
}

/* 'like this', an apostrophe as '\'' and every byte that is not printable
 * ASCII in a $'...' of its own run: 'a'$'\033''b'. */
static void single_quoted(struct strbuf *sb, const char *name, size_t n)
{
	int escaping = 0;
	strbuf_putc(sb, '\'');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '\'') {
			strbuf_puts(sb, "'\\''");
			escaping = 0;
		} else if (c >= 0x20 && c < 0x7f) {
			if (escaping)
				strbuf_puts(sb, "''");
			escaping = 0;
			strbuf_putc(sb, (char)c);
		} else {
			if (!escaping)
				strbuf_puts(sb, "'$'");
			escaping = 1;
			escape_byte(sb, c);
		}
	}
	strbuf_putc(sb, '\'');
}

void quote_name(struct strbuf *sb, const char *name)
{
	size_t n = strlen(name), plain = 0, quotable = 0, apostrophes = 0;
	for (size_t i = 0; i < n; i++) {
		plain += (size_t)plain_byte(name, i);
		quotable += (size_t)double_quotable(name, i);
		apostrophes += name[i] == '\'';
	}
	if (n > 0 && plain == n) {
		strbuf_putn(sb, name, n);
	} else if (apostrophes > 0 && quotable == n) {
		strbuf_putc(sb, '"');
		strbuf_putn(sb, name, n);
		strbuf_putc(sb, '"');
	} else {
		single_quoted(sb, name, n);
	}
}

char *quote_dup(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	quote_name(&sb, name); /* never empty: sb.s is allocated */
	return sb.s;
}

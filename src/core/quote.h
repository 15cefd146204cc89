/* File and program names in messages, quoted as coreutils quotes them
 * (`LC_ALL=C ls --quoting-style=shell-escape`): a plain name as it is,
 * any other in quotes, with control and non-ASCII bytes as $'\n' or
 * $'\033'. A hostile name then never reaches the terminal as escape
 * sequences, and what is printed can be pasted back into a shell. */
#ifndef MPILOOM_QUOTE_H
#define MPILOOM_QUOTE_H

#include "core/strbuf.h"

/* Appends name, quoted. */
void quote_name(struct strbuf *sb, const char *name);
/* The quoted name in a new string, which the caller frees. */
char *quote_dup(const char *name);

#endif

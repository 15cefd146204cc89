/* Allocation that cannot return NULL: running out of memory ends the
 * program with a message (atexit handlers still restore the terminal). */
#ifndef MPILOOM_XALLOC_H
#define MPILOOM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);

#endif

/* Strings in a packed buffer, as the object and bcast examples send them:
 * the length (an int), then the chars, so that any length travels. */
#ifndef MPILOOM_PACK_STRING_H
#define MPILOOM_PACK_STRING_H

/* Bytes MPI_Pack needs for s. */
int string_pack_size(const char *s, int *size);
int pack_string(const char *s, void *buf, int size, int *pos);
/* A new NUL-terminated string in *s, which the caller frees. */
int unpack_string(const void *buf, int size, int *pos, char **s);

#endif

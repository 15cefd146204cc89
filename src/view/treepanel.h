/* The tree panel, for the homework's sums: leaves are ranks with their
 * values, each level's partial sums as they are computed, each level's
 * wall time. Works for the tree (levels), the linear sum and MPI_Reduce. */
#ifndef MPILOOM_TREEPANEL_H
#define MPILOOM_TREEPANEL_H

#include "core/store.h"
#include "core/strbuf.h"

/* Fills up to max lines; returns how many are used (0: nothing to show). */
/* Only what has happened by horizon counts (INT64_MAX: everything). The
 * scenario says which sum it is; others have no tree (returns 0). A line
 * longer than width (0: no limit) ends in how many of its items it left
 * out; the sum is right even when not every level fits in max. */
int treepanel_lines(const struct store *st, const char *scenario, int64_t horizon,
		    struct strbuf *lines, int max, int width);

#endif

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "trace/reqtable.h"

/* Open addressing with backward-shift deletion: no tombstones, so a
 * program that posts millions of requests keeps a table the size of what
 * is outstanding at once. One handle may be there several times: MPICH
 * hands out one shared handle for requests that completed at once (an
 * eager Isend). Its entries stay in posting order along the probe run
 * (inserts go to its end, deletion shifts back without reordering), so
 * a lookup finds the oldest. */
struct reqslot {
	MPI_Request req;
	int used;
	struct posting p;
};

static size_t slot_of(MPI_Request req, size_t cap)
{
	/* MPI_Request is an int in MPICH and a pointer elsewhere: both convert */
	uint64_t h = (uint64_t)(uintptr_t)req * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (cap - 1);
}

void reqtable_free(struct reqtable *t)
{
	free(t->slots);
	memset(t, 0, sizeof *t);
}

static struct reqslot *find(struct reqslot *slots, size_t cap, MPI_Request req)
{
	size_t i = slot_of(req, cap);
	while (slots[i].used && slots[i].req != req)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static struct reqslot *find_free(struct reqslot *slots, size_t cap, MPI_Request req)
{
	size_t i = slot_of(req, cap);
	while (slots[i].used)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Entries are moved in probe order, so that a handle's entries keep
 * theirs: from just after an empty slot (there is one, the table is at
 * most 3/4 full), since a run that wraps past the end has its older
 * entries at the end of the array. */
static void grow(struct reqtable *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64, start = 0;
	struct reqslot *slots = xcalloc(cap, sizeof *slots);
	while (start < t->cap && t->slots[start].used)
		start++;
	for (size_t k = 1; k <= t->cap; k++) {
		const struct reqslot *old = &t->slots[(start + k) & (t->cap - 1)];
		if (old->used)
			*find_free(slots, cap, old->req) = *old;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

void reqtable_put(struct reqtable *t, MPI_Request req, const struct posting *p)
{
	if ((t->used + 1) * 4 > t->cap * 3)
		grow(t);
	struct reqslot *s = find_free(t->slots, t->cap, req);
	s->used = 1;
	s->req = req;
	s->p = *p;
	t->used++;
}

/* Moves later entries of the same probe run back into the hole, so that
 * every lookup still finds its entry before the first empty slot. */
static void remove_at(struct reqtable *t, size_t hole)
{
	size_t i = hole;
	for (;;) {
		i = (i + 1) & (t->cap - 1);
		if (!t->slots[i].used)
			break;
		size_t home = slot_of(t->slots[i].req, t->cap);
		/* the entry may move to the hole if its home is not in (hole, i] */
		if (((i - home) & (t->cap - 1)) >= ((i - hole) & (t->cap - 1))) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].used = 0;
	t->used--;
}

static struct reqslot *lookup(const struct reqtable *t, MPI_Request req)
{
	if (t->cap == 0 || req == MPI_REQUEST_NULL)
		return NULL;
	struct reqslot *s = find(t->slots, t->cap, req);
	return s->used ? s : NULL;
}

int reqtable_peek(const struct reqtable *t, MPI_Request req, struct posting *out)
{
	struct reqslot *s = lookup(t, req);
	if (s == NULL)
		return 0;
	*out = s->p;
	return 1;
}

int reqtable_take(struct reqtable *t, MPI_Request req, struct posting *out)
{
	struct reqslot *s = lookup(t, req);
	if (s == NULL)
		return 0;
	*out = s->p;
	remove_at(t, (size_t)(s - t->slots));
	return 1;
}

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/recvorder.h"
#include "core/xalloc.h"

struct open_recv {
	uint32_t index;
	int32_t peer;
	int32_t tag;
	uint32_t comm;
};

struct held_recv {
	uint32_t posted;
	uint32_t index;
	struct match_key key;
};

void recvorder_free(struct recvorder *o)
{
	free(o->open);
	free(o->held);
	memset(o, 0, sizeof *o);
}

static void *grow(void *v, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(v, *cap, size);
}

void recvorder_open(struct recvorder *o, uint32_t index, int32_t peer, int32_t tag,
		    uint32_t comm)
{
	if (peer == EV_UNSET) /* MPI_PROC_NULL: takes no message */
		return;
	if (o->nopen == o->open_cap)
		o->open = grow(o->open, &o->open_cap, sizeof *o->open);
	o->open[o->nopen++] = (struct open_recv){index, peer, tag, comm};
}

void recvorder_close(struct recvorder *o, uint32_t index)
{
	for (size_t i = 0; i < o->nopen; i++) {
		if (o->open[i].index == index) {
			memmove(o->open + i, o->open + i + 1, (o->nopen - i - 1) * sizeof *o->open);
			o->nopen--;
			return;
		}
	}
}

static int fits(const struct open_recv *r, const struct match_key *key)
{
	return r->comm == key->comm && (r->peer == EV_ANY || (uint32_t)r->peer == key->src) &&
	       (r->tag == EV_ANY || r->tag == key->tag);
}

static int same_key(const struct match_key *a, const struct match_key *b)
{
	return a->src == b->src && a->comm == b->comm && a->tag == b->tag;
}

/* Whether the k-th held receive must still wait. */
static int blocked(const struct recvorder *o, size_t k)
{
	const struct held_recv *h = &o->held[k];
	for (size_t i = 0; i < o->nopen && o->open[i].index < h->posted; i++)
		if (fits(&o->open[i], &h->key))
			return 1;
	for (size_t j = 0; j < k; j++)
		if (same_key(&o->held[j].key, &h->key))
			return 1;
	return 0;
}

int recvorder_ready(struct recvorder *o, uint32_t posted, uint32_t index,
		    const struct match_key *key)
{
	if (o->nopen == 0 && o->nheld == 0)
		return 1;
	if (o->nheld == o->held_cap)
		o->held = grow(o->held, &o->held_cap, sizeof *o->held);
	size_t k = o->nheld;
	while (k > 0 && o->held[k - 1].posted > posted)
		k--;
	memmove(o->held + k + 1, o->held + k, (o->nheld - k) * sizeof *o->held);
	o->held[k] = (struct held_recv){posted, index, *key};
	o->nheld++;
	if (blocked(o, k))
		return 0;
	memmove(o->held + k, o->held + k + 1, (o->nheld - k - 1) * sizeof *o->held);
	o->nheld--;
	return 1;
}

int recvorder_next(struct recvorder *o, uint32_t *index, struct match_key *key)
{
	for (size_t k = 0; k < o->nheld; k++) {
		if (blocked(o, k))
			continue;
		*index = o->held[k].index;
		*key = o->held[k].key;
		memmove(o->held + k, o->held + k + 1, (o->nheld - k - 1) * sizeof *o->held);
		o->nheld--;
		return 1;
	}
	return 0;
}

size_t recvorder_held(const struct recvorder *o)
{
	return o->nheld;
}

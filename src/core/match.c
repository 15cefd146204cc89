#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/match.h"
#include "core/xalloc.h"

/* One queue per key; it holds either waiting sends or waiting receives,
 * never both, since a newcomer of the other side matches at once. */
struct match_slot {
	struct match_key key;
	int used;
	int holds_sends;
	uint32_t *items;
	size_t head;
	size_t len;
	size_t cap;
};

void matcher_init(struct matcher *m)
{
	m->cap = 64;
	m->used = 0;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
}

void matcher_free(struct matcher *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].items);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

/* Two independent multiplies, mixed once: on the load path of a log this
 * runs for every message, and a chain of dependent rounds showed. */
static uint64_t key_hash(const struct match_key *k)
{
	uint64_t a = ((uint64_t)k->src << 32 | k->dst) * 0x9e3779b97f4a7c15ull;
	uint64_t b = ((uint64_t)k->comm << 32 | (uint32_t)k->tag) * 0xc2b2ae3d27d4eb4full;
	uint64_t h = a ^ (b >> 7) ^ (a >> 31);
	return h ^ (h >> 29);
}

static int key_equal(const struct match_key *a, const struct match_key *b)
{
	return a->src == b->src && a->dst == b->dst && a->comm == b->comm && a->tag == b->tag;
}

static struct match_slot *find_slot(struct match_slot *slots, size_t cap,
				    const struct match_key *key)
{
	size_t i = key_hash(key) & (cap - 1);
	while (slots[i].used && !key_equal(&slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow_table(struct matcher *m)
{
	size_t cap = m->cap * 2;
	struct match_slot *slots = xcalloc(cap, sizeof *slots);
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].used)
			*find_slot(slots, cap, &m->slots[i].key) = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

static void queue_push(struct match_slot *s, uint32_t item)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		uint32_t *items = xreallocarray(NULL, cap, sizeof *items);
		for (size_t i = 0; i < s->len; i++)
			items[i] = s->items[(s->head + i) & (s->cap - 1)];
		free(s->items);
		s->items = items;
		s->cap = cap;
		s->head = 0;
	}
	/* capacities are powers of two: a mask, not a division */
	s->items[(s->head + s->len) & (s->cap - 1)] = item;
	s->len++;
}

static uint32_t queue_pop(struct match_slot *s)
{
	uint32_t item = s->items[s->head];
	s->head = (s->head + 1) & (s->cap - 1);
	s->len--;
	return item;
}

int matcher_offer(struct matcher *m, const struct match_key *key, int is_send,
		  uint32_t index, uint32_t *partner)
{
	if ((m->used + 1) * 4 > m->cap * 3)
		grow_table(m);
	struct match_slot *s = find_slot(m->slots, m->cap, key);
	if (!s->used) {
		memset(s, 0, sizeof *s);
		s->used = 1;
		s->key = *key;
		m->used++;
	}
	if (s->len > 0 && s->holds_sends != is_send) {
		*partner = queue_pop(s);
		return 1;
	}
	s->holds_sends = is_send;
	queue_push(s, index);
	return 0;
}

size_t matcher_pending(const struct matcher *m, size_t *sends, size_t *recvs)
{
	size_t ns = 0, nr = 0;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].used)
			continue;
		if (m->slots[i].holds_sends)
			ns += m->slots[i].len;
		else
			nr += m->slots[i].len;
	}
	if (sends)
		*sends = ns;
	if (recvs)
		*recvs = nr;
	return ns + nr;
}

int match_key_of(const struct event *ev, struct match_key *key)
{
	if (event_is_send(ev) && ev->peer >= 0) {
		*key = (struct match_key){ev->rank, (uint32_t)ev->peer, ev->comm, ev->tag};
		return 1;
	}
	if (event_is_recv(ev) && ev->st_source >= 0) {
		*key = (struct match_key){(uint32_t)ev->st_source, ev->rank, ev->comm,
					  ev->st_tag};
		return 1;
	}
	return 0;
}

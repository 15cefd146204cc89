/* The trace layer's request table against a plain list: random postings
 * and completions over few handles, so that one handle is often there
 * several times (as MPICH's shared handle for requests complete at once)
 * and deletions shift runs of entries, runs wrap past the end and the
 * table grows; the oldest posting of a handle must always come out first. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trace/reqtable.h"
#include "unit.h"

#define OPS 200000
#define HANDLES 37
#define MODEL_MAX 4096

struct entry {
	MPI_Request req;
	uint32_t seq;
};

struct model {
	struct entry e[MODEL_MAX];
	size_t n;
};

static uint32_t next_random(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static MPI_Request handle(uint32_t i)
{
	/* MPICH: requests are ints, and 0x2c000000 is MPI_REQUEST_NULL */
	return (MPI_Request)(0x2c000001 + (int)i);
}

/* The oldest entry of req in the model, removed: its seq, or -1. */
static long model_take(struct model *m, MPI_Request req)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].req == req) {
			long seq = m->e[i].seq;
			memmove(m->e + i, m->e + i + 1, (m->n - i - 1) * sizeof m->e[0]);
			m->n--;
			return seq;
		}
	}
	return -1;
}

static void test_against_model(void)
{
	struct reqtable t = {0};
	struct model *m = calloc(1, sizeof *m);
	uint32_t rnd = 42, seq = 0;
	int bad = 0;
	for (int op = 0; op < OPS && m != NULL && !bad; op++) {
		MPI_Request req = handle(next_random(&rnd) % HANDLES);
		/* grow to a few hundred entries, then hover there */
		int put = m->n < 300 ? next_random(&rnd) % 3 != 0 : next_random(&rnd) % 2 == 0;
		if (put && m->n < MODEL_MAX) {
			struct posting p = {.ev = {.seq = seq}};
			reqtable_put(&t, req, &p);
			m->e[m->n++] = (struct entry){req, seq++};
			continue;
		}
		struct posting got = {0}, peeked = {0};
		long want = model_take(m, req);
		int has = reqtable_peek(&t, req, &peeked);
		int took = reqtable_take(&t, req, &got);
		if (took != (want >= 0) || has != took || (took && (got.ev.seq != (uint32_t)want ||
								   peeked.ev.seq != got.ev.seq)))
			bad = 1;
	}
	CHECK(m != NULL);
	CHECK(!bad);
	CHECK(m == NULL || t.used == m->n);
	struct posting p;
	CHECK(!reqtable_take(&t, MPI_REQUEST_NULL, &p));
	reqtable_free(&t);
	CHECK(!reqtable_take(&t, handle(1), &p)); /* empty again */
	free(m);
}

int main(void)
{
	test_against_model();
	UNIT_END();
}

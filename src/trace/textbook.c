/* Textbook collectives: binomial-tree broadcast, reduce and gather, a
 * linear scatter, allreduce as reduce then broadcast; or (linear) every
 * one of them at the root, one message a rank. They run on a private
 * duplicate of MPI_COMM_WORLD; each internal message is a send and a
 * receive event labelled with its round, so the screen draws every arrow
 * and labels every round, and stepping stops at each one. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/dtype.h"
#include "trace/textbook.h"
#include "trace/tracer.h"

#define TAG_SELF 30000 /* a rank's copy to itself: never an internal round */

int textbook_for(MPI_Comm comm)
{
	return loom_tracer.opts.textbook && comm == MPI_COMM_WORLD &&
	       loom_tracer.textbook_comm != MPI_COMM_NULL;
}

/* The binomial reduce combines in tree order, not rank order. */
int textbook_can_reduce(MPI_Op op)
{
	int commute = 0;
	return PMPI_Op_commutative(op, &commute) == MPI_SUCCESS && commute;
}

/* The tree's depth for p ranks; for a power of two, its exponent. */
static int ceil_log2(int p)
{
	int l = 0;
	while ((1 << l) < p)
		l++;
	return l;
}

/* Where the collective starts. A mark, not a span: the span would end
 * after its internal messages and come after them in the rank's order. */
static void mark(enum event_kind kind, int root, int count, MPI_Datatype dt, const void *data)
{
	struct tracer *tr = &loom_tracer;
	struct call c;
	tracer_before(&c, kind);
	tracer_after(&c);
	c.rec.ev.comm = 0;
	if (root >= 0) {
		c.rec.ev.peer = root;
		if (root == tr->rank)
			c.rec.ev.flags |= EVF_ROOT;
	}
	tracer_set_buffer(&c.rec.ev, count, dt);
	if (data != NULL && data != MPI_IN_PLACE)
		tracer_set_preview(&c.rec, data, count);
	tracer_commit(&c);
}

/* round >= 0: a tree's level, shown as such; a linear algorithm's
 * messages are -(k + 1): the root's k-th, tagged k, no level. */
static void label(struct call *c, int peer, int round)
{
	c->rec.ev.peer = peer;
	c->rec.ev.comm = EVENT_COMM_TEXTBOOK;
	c->rec.ev.tag = round >= 0 ? round : -round - 1;
	if (round >= 0 && round < 256) {
		c->rec.ev.level = (uint8_t)round;
		c->rec.ev.flags |= EVF_LEVEL;
	}
}

static int tb_send(const void *buf, int count, MPI_Datatype dt, int dest, int round)
{
	struct call c;
	tracer_before(&c, EV_SEND);
	label(&c, dest, round);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_set_preview(&c.rec, buf, count);
	tracer_gate(&c);
	int rc = PMPI_Send(buf, count, dt, dest, c.rec.ev.tag, loom_tracer.textbook_comm);
	tracer_after(&c);
	tracer_commit(&c);
	return rc;
}

static int tb_recv(void *buf, int count, MPI_Datatype dt, int source, int round)
{
	struct call c;
	MPI_Status st;
	tracer_before(&c, EV_RECV);
	label(&c, source, round);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Recv(buf, count, dt, source, c.rec.ev.tag, loom_tracer.textbook_comm, &st);
	tracer_after(&c);
	if (rc == MPI_SUCCESS) {
		tracer_set_status(&c.rec.ev, &st, dt, MPI_COMM_WORLD);
		if (c.rec.ev.st_count > 0)
			tracer_set_preview(&c.rec, buf, c.rec.ev.st_count);
	}
	tracer_commit(&c);
	return rc;
}

static int copy_local(const void *src, int scount, MPI_Datatype stype, void *dst, int rcount,
		      MPI_Datatype rtype)
{
	int me = loom_tracer.rank;
	return PMPI_Sendrecv(src, scount, stype, me, TAG_SELF, dst, rcount, rtype, me, TAG_SELF,
			     loom_tracer.textbook_comm, MPI_STATUS_IGNORE);
}

/* Room for count elements of dt; *base is what to free. */
static void *scratch(int count, MPI_Datatype dt, void **base)
{
	MPI_Aint lb, extent, tlb, textent;
	*base = NULL;
	if (PMPI_Type_get_extent(dt, &lb, &extent) != MPI_SUCCESS ||
	    PMPI_Type_get_true_extent(dt, &tlb, &textent) != MPI_SUCCESS || count < 0)
		return NULL;
	size_t size = count > 0 ? (size_t)textent + (size_t)(count - 1) * (size_t)extent : 1;
	*base = malloc(size > 0 ? size : 1);
	return *base == NULL ? NULL : (char *)*base - tlb;
}

/* The root's order of the others: the k-th message, as label() wants a
 * linear algorithm's. */
static int round_of(int rank, int root)
{
	return -(rank < root ? rank : rank - 1) - 1;
}

static int linear(void)
{
	return loom_tracer.opts.textbook == TEXTBOOK_LINEAR;
}

/* The root sends to every other rank in turn. */
static int linear_bcast(void *buf, int count, MPI_Datatype dt, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, rc = MPI_SUCCESS;
	if (r != root)
		return tb_recv(buf, count, dt, root, round_of(r, root));
	for (int i = 0; i < p && rc == MPI_SUCCESS; i++)
		if (i != root)
			rc = tb_send(buf, count, dt, i, round_of(i, root));
	return rc;
}

int textbook_bcast(void *buf, int count, MPI_Datatype dt, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, rc = MPI_SUCCESS;
	int vr = (r - root + p) % p, levels = ceil_log2(p), mask = 1;
	mark(EV_BCAST, root, count, dt, r == root ? buf : NULL);
	if (linear())
		return linear_bcast(buf, count, dt, root);
	/* from the parent: the rank that differs in our lowest set bit */
	while (mask < p) {
		if (vr & mask) {
			rc = tb_recv(buf, count, dt, (vr - mask + root) % p,
				     levels - 1 - ceil_log2(mask));
			break;
		}
		mask <<= 1;
	}
	/* to the children, farthest first */
	for (mask >>= 1; mask > 0 && rc == MPI_SUCCESS; mask >>= 1)
		if (vr + mask < p)
			rc = tb_send(buf, count, dt, (vr + mask + root) % p,
				     levels - 1 - ceil_log2(mask));
	return rc;
}

/* The root receives from every other rank in turn and combines. */
static int linear_reduce(void *acc, void *tmp, int count, MPI_Datatype dt, MPI_Op op, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, rc = MPI_SUCCESS;
	if (r != root)
		return tb_send(acc, count, dt, root, round_of(r, root));
	for (int i = 0; i < p && rc == MPI_SUCCESS; i++) {
		if (i == root)
			continue;
		rc = tb_recv(tmp, count, dt, i, round_of(i, root));
		if (rc == MPI_SUCCESS)
			rc = PMPI_Reduce_local(tmp, acc, count, dt, op);
	}
	return rc;
}

/* Level k of the tree: ranks 2^k apart combine, the higher one sends. */
static int reduce_up(void *acc, void *tmp, int count, MPI_Datatype dt, MPI_Op op, int root)
{
	int p = loom_tracer.size, vr = (loom_tracer.rank - root + p) % p, rc = MPI_SUCCESS;
	if (linear())
		return linear_reduce(acc, tmp, count, dt, op, root);
	for (int mask = 1; mask < p && rc == MPI_SUCCESS; mask <<= 1) {
		if (vr & mask)
			return tb_send(acc, count, dt, (vr - mask + root) % p, ceil_log2(mask));
		if (vr + mask < p) {
			rc = tb_recv(tmp, count, dt, (vr + mask + root) % p, ceil_log2(mask));
			if (rc == MPI_SUCCESS)
				rc = PMPI_Reduce_local(tmp, acc, count, dt, op);
		}
	}
	return rc;
}

int textbook_reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		    int root)
{
	int r = loom_tracer.rank, rc = MPI_SUCCESS;
	const void *in = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
	void *accbase = NULL, *tmpbase = NULL, *acc = recvbuf;
	mark(EV_REDUCE, root, count, dt, in);
	if (r != root) {
		acc = scratch(count, dt, &accbase);
		rc = acc == NULL ? MPI_ERR_NO_MEM : copy_local(in, count, dt, acc, count, dt);
	} else if (sendbuf != MPI_IN_PLACE) {
		rc = copy_local(sendbuf, count, dt, recvbuf, count, dt);
	}
	void *tmp = scratch(count, dt, &tmpbase);
	if (rc == MPI_SUCCESS)
		rc = tmp == NULL ? MPI_ERR_NO_MEM : reduce_up(acc, tmp, count, dt, op, root);
	free(accbase);
	free(tmpbase);
	return rc;
}

int textbook_allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt,
		       MPI_Op op)
{
	/* only rank 0 may reduce in place: elsewhere the input is recvbuf */
	const void *in = sendbuf;
	if (sendbuf == MPI_IN_PLACE && loom_tracer.rank != 0)
		in = recvbuf;
	int rc = textbook_reduce(in, recvbuf, count, dt, op, 0);
	return rc == MPI_SUCCESS ? textbook_bcast(recvbuf, count, dt, 0) : rc;
}

/* A type whose elements are plain bytes in a row, as the tree gather's
 * blocks are. */
static int plain(MPI_Datatype dt)
{
	enum event_dtype code = dtype_code(dt);
	return code != DT_PACKED && event_dtype_size(code) > 0;
}

/* Binomial gather: at level k a rank hands its subtree's blocks (2^k of
 * them, fewer at the edge) to the rank 2^k below it; the root ends with
 * every block in relative-rank order and puts each in its rank's slot. */
static int tree_gather(const void *sendbuf, void *recvbuf, int c, MPI_Datatype dt, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, vr = (r - root + p) % p, size, rc;
	if ((rc = PMPI_Type_size(dt, &size)) != MPI_SUCCESS)
		return rc;
	size_t block = (size_t)c * (size_t)size;
	char *tmp = malloc(block * (size_t)p + 1);
	if (tmp == NULL)
		return MPI_ERR_NO_MEM;
	const void *mine = sendbuf != MPI_IN_PLACE ? sendbuf : (char *)recvbuf + block * (size_t)r;
	memcpy(tmp, mine, block);
	for (int mask = 1; mask < p && rc == MPI_SUCCESS; mask <<= 1) {
		int have = mask < p - vr ? mask : p - vr;
		if (vr & mask) {
			rc = tb_send(tmp, c * have, dt, (vr - mask + root) % p, ceil_log2(mask));
			break;
		}
		if (vr + mask < p) {
			int more = mask < p - vr - mask ? mask : p - vr - mask;
			rc = tb_recv(tmp + block * (size_t)mask, c * more, dt, (vr + mask + root) % p,
				     ceil_log2(mask));
		}
	}
	for (int j = 0; r == root && rc == MPI_SUCCESS && j < p; j++)
		memcpy((char *)recvbuf + block * (size_t)((j + root) % p), tmp + block * (size_t)j,
		       block);
	free(tmp);
	return rc;
}

/* Every rank must take the same way: they agree on it (off the trace). */
static int tree_gather_fits(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			    int recvcount, MPI_Datatype recvtype, int root, int *fits)
{
	int mine = loom_tracer.rank == root
			   ? plain(recvtype) && (sendbuf == MPI_IN_PLACE ||
						 (plain(sendtype) && sendcount == recvcount &&
						  dtype_code(sendtype) == dtype_code(recvtype)))
			   : plain(sendtype);
	/* counts above this would overflow a subtree's message count */
	int c = loom_tracer.rank == root ? recvcount : sendcount;
	mine = mine && c >= 0 && (int64_t)c * loom_tracer.size <= INT32_MAX;
	return PMPI_Allreduce(&mine, fits, 1, MPI_INT, MPI_MIN, loom_tracer.textbook_comm);
}

int textbook_gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		    int recvcount, MPI_Datatype recvtype, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, rc = MPI_SUCCESS, fits = 0;
	MPI_Aint lb, extent;
	mark(EV_GATHER, root, sendcount, sendtype, sendbuf);
	if (!linear()) {
		rc = tree_gather_fits(sendbuf, sendcount, sendtype, recvcount, recvtype, root, &fits);
		if (rc != MPI_SUCCESS || fits)
			return rc != MPI_SUCCESS ? rc
						 : tree_gather(sendbuf, recvbuf,
							       r == root ? recvcount : sendcount,
							       r == root ? recvtype : sendtype, root);
	}
	if (r != root)
		return tb_send(sendbuf, sendcount, sendtype, root, round_of(r, root));
	if ((rc = PMPI_Type_get_extent(recvtype, &lb, &extent)) != MPI_SUCCESS)
		return rc;
	for (int i = 0; i < p && rc == MPI_SUCCESS; i++) {
		char *slot = (char *)recvbuf + (MPI_Aint)i * recvcount * extent;
		if (i != root)
			rc = tb_recv(slot, recvcount, recvtype, i, round_of(i, root));
		else if (sendbuf != MPI_IN_PLACE)
			rc = copy_local(sendbuf, sendcount, sendtype, slot, recvcount, recvtype);
	}
	return rc;
}

int textbook_scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		     int recvcount, MPI_Datatype recvtype, int root)
{
	int p = loom_tracer.size, r = loom_tracer.rank, rc = MPI_SUCCESS;
	MPI_Aint lb, extent;
	mark(EV_SCATTER, root, recvcount, recvtype, NULL);
	if (r != root)
		return tb_recv(recvbuf, recvcount, recvtype, root, round_of(r, root));
	if ((rc = PMPI_Type_get_extent(sendtype, &lb, &extent)) != MPI_SUCCESS)
		return rc;
	for (int i = 0; i < p && rc == MPI_SUCCESS; i++) {
		const char *slot = (const char *)sendbuf + (MPI_Aint)i * sendcount * extent;
		if (i != root)
			rc = tb_send(slot, sendcount, sendtype, i, round_of(i, root));
		else if (recvbuf != MPI_IN_PLACE)
			rc = copy_local(slot, sendcount, sendtype, recvbuf, recvcount, recvtype);
	}
	return rc;
}

/* bcast: broadcast a general object (a dictionary) from the root.
 *
 *     if rank == 0:
 *         data = {'key1': [7, 2.72, 2+3j],
 *                 'key2': ('abc', 'xyz')}
 *     else:
 *         data = None
 *     data = comm.bcast(data, root=0)
 *
 * In C the root packs the dictionary with MPI_Pack (each string as its
 * length, then its chars), broadcasts the packed size first, as the
 * pickle-based bcast does, then the bytes as MPI_PACKED; every rank
 * unpacks them.
 */
#include "config.h"

#include <mpi.h>
#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/pack-string.h"
#include "scenarios/scenario.h"

struct dict {
	int key1_int;
	double key1_real;
	double complex key1_cplx;
	const char *key2[2];
};

static void build_dict(struct dict *d)
{
	d->key1_int = 7;
	d->key1_real = 2.72;
	d->key1_cplx = 2.0 + 3.0 * I;
	d->key2[0] = "abc";
	d->key2[1] = "xyz";
}

static int dict_pack_size(const struct dict *d, int *size)
{
	int i, r, c, s0, s1;

	MPI_CHECK(MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &i));
	MPI_CHECK(MPI_Pack_size(1, MPI_DOUBLE, MPI_COMM_WORLD, &r));
	MPI_CHECK(MPI_Pack_size(1, MPI_C_DOUBLE_COMPLEX, MPI_COMM_WORLD, &c));
	MPI_CHECK(string_pack_size(d->key2[0], &s0));
	MPI_CHECK(string_pack_size(d->key2[1], &s1));
	*size = i + r + c + s0 + s1;
	return MPI_SUCCESS;
}

static int pack_dict(const struct dict *d, void *buf, int size, int *pos)
{
	MPI_CHECK(MPI_Pack(&d->key1_int, 1, MPI_INT, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(&d->key1_real, 1, MPI_DOUBLE, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(&d->key1_cplx, 1, MPI_C_DOUBLE_COMPLEX, buf, size, pos,
			   MPI_COMM_WORLD));
	MPI_CHECK(pack_string(d->key2[0], buf, size, pos));
	MPI_CHECK(pack_string(d->key2[1], buf, size, pos));
	return MPI_SUCCESS;
}

/* Fills d; its strings point to s[0] and s[1], which the caller frees. */
static int unpack_dict(const void *buf, int size, struct dict *d, char *s[2])
{
	int pos = 0;

	MPI_CHECK(MPI_Unpack(buf, size, &pos, &d->key1_int, 1, MPI_INT, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Unpack(buf, size, &pos, &d->key1_real, 1, MPI_DOUBLE, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Unpack(buf, size, &pos, &d->key1_cplx, 1, MPI_C_DOUBLE_COMPLEX,
			     MPI_COMM_WORLD));
	for (int k = 0; k < 2; k++) {
		MPI_CHECK(unpack_string(buf, size, &pos, &s[k]));
		d->key2[k] = s[k];
	}
	return MPI_SUCCESS;
}

static int check_dict(const struct dict *got, const struct dict *want)
{
	return got->key1_int == want->key1_int && got->key1_real == want->key1_real &&
	       got->key1_cplx == want->key1_cplx && strcmp(got->key2[0], want->key2[0]) == 0 &&
	       strcmp(got->key2[1], want->key2[1]) == 0;
}

/* The dictionary as Python prints it. */
static void print_dict(struct strbuf *sb, const struct dict *d)
{
	strbuf_printf(sb, "{'key1': [%d, %g, (%g%+gj)], 'key2': ('", d->key1_int,
		      d->key1_real, creal(d->key1_cplx), cimag(d->key1_cplx));
	strbuf_escape(sb, d->key2[0], strlen(d->key2[0]));
	strbuf_puts(sb, "', '");
	strbuf_escape(sb, d->key2[1], strlen(d->key2[1]));
	strbuf_puts(sb, "')}");
}

/* The root's packed dictionary in *buf; the others get *buf from the root. */
static int bcast_packed(const struct scenario_args *a, const struct dict *d, char **buf,
			int *size)
{
	*size = 0;
	if (a->rank == a->root) {
		int bound;
		MPI_CHECK(dict_pack_size(d, &bound));
		*buf = malloc((size_t)bound);
		if (*buf == NULL)
			return MPI_ERR_NO_MEM;
		MPI_CHECK(pack_dict(d, *buf, bound, size));
	}
	MPI_CHECK(MPI_Bcast(size, 1, MPI_INT, a->root, MPI_COMM_WORLD));
	if (a->rank != a->root) {
		if (*size < 0)
			return MPI_ERR_COUNT;
		*buf = malloc(*size > 0 ? (size_t)*size : 1);
		if (*buf == NULL)
			return MPI_ERR_NO_MEM;
	}
	return MPI_Bcast(*buf, *size, MPI_PACKED, a->root, MPI_COMM_WORLD);
}

static int bcast(const struct scenario_args *a, struct scenario_result *res)
{
	struct dict want, got;
	char *buf = NULL, *s[2] = {NULL, NULL};
	int size;

	build_dict(&want);
	int rc = bcast_packed(a, &want, &buf, &size);
	if (rc == MPI_SUCCESS)
		rc = unpack_dict(buf, size, &got, s);
	if (rc == MPI_SUCCESS) {
		res->ok = check_dict(&got, &want);
		print_dict(&res->text, &got);
	}
	free(s[0]);
	free(s[1]);
	free(buf);
	return rc;
}

const struct scenario scenario_bcast = {
	.name = "bcast",
	.summary = "comm.bcast(dict): the root MPI_Packs a dictionary, broadcasts size then bytes",
	.min_ranks = 1,
	.uses_root = 1,
	.run = bcast,
};

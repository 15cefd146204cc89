/* object: the lowercase send of a general (pickled) object.
 *
 *     if rank == 0:
 *         comm.send(obj, dest=1)   # pickled: any mix of types and sizes
 *     if rank == 1:
 *         obj = comm.recv(source=0)
 *
 * In C the "pickling" is MPI_Pack: rank 0 packs a record of mixed types
 * field by field (each string as its int length, then its chars) and sends
 * the bytes as MPI_PACKED; rank 1 probes to learn their number, receives,
 * and unpacks in the same order.
 */
#include "config.h"

#include <mpi.h>
#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/pack-string.h"
#include "scenarios/scenario.h"

struct record {
	int id;
	int marks[3];
	double mean;
	double complex z;
	const char *name;
	const char *course;
};

static void build_record(struct record *r)
{
	r->id = 7;
	r->marks[0] = 18;
	r->marks[1] = 20;
	r->marks[2] = 22;
	r->mean = (18 + 20 + 22) / 3.0;
	r->z = 2.0 + 3.0 * I;
	r->name = "Ada Lovelace";
	r->course = "MPI 101";
}

static int record_pack_size(const struct record *r, int *size)
{
	int id, marks, mean, z, name, course;

	MPI_CHECK(MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &id));
	MPI_CHECK(MPI_Pack_size(3, MPI_INT, MPI_COMM_WORLD, &marks));
	MPI_CHECK(MPI_Pack_size(1, MPI_DOUBLE, MPI_COMM_WORLD, &mean));
	MPI_CHECK(MPI_Pack_size(1, MPI_C_DOUBLE_COMPLEX, MPI_COMM_WORLD, &z));
	MPI_CHECK(string_pack_size(r->name, &name));
	MPI_CHECK(string_pack_size(r->course, &course));
	*size = id + marks + mean + z + name + course;
	return MPI_SUCCESS;
}

static int pack_record(const struct record *r, void *buf, int size, int *pos)
{
	MPI_CHECK(MPI_Pack(&r->id, 1, MPI_INT, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(r->marks, 3, MPI_INT, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(&r->mean, 1, MPI_DOUBLE, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(&r->z, 1, MPI_C_DOUBLE_COMPLEX, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(pack_string(r->name, buf, size, pos));
	MPI_CHECK(pack_string(r->course, buf, size, pos));
	return MPI_SUCCESS;
}

/* Fills r; its strings point to *name and *course, which the caller frees. */
static int unpack_record(const void *buf, int size, struct record *r, char **name,
			 char **course)
{
	int pos = 0;

	MPI_CHECK(MPI_Unpack(buf, size, &pos, &r->id, 1, MPI_INT, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Unpack(buf, size, &pos, r->marks, 3, MPI_INT, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Unpack(buf, size, &pos, &r->mean, 1, MPI_DOUBLE, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Unpack(buf, size, &pos, &r->z, 1, MPI_C_DOUBLE_COMPLEX,
			     MPI_COMM_WORLD));
	MPI_CHECK(unpack_string(buf, size, &pos, name));
	r->name = *name;
	MPI_CHECK(unpack_string(buf, size, &pos, course));
	r->course = *course;
	return MPI_SUCCESS;
}

static int check_record(const struct record *got, const struct record *want)
{
	return got->id == want->id && got->marks[0] == want->marks[0] &&
	       got->marks[1] == want->marks[1] && got->marks[2] == want->marks[2] &&
	       got->mean == want->mean && got->z == want->z &&
	       strcmp(got->name, want->name) == 0 && strcmp(got->course, want->course) == 0;
}

static int send_record(const struct record *r, struct scenario_result *res)
{
	int size, pos = 0;

	MPI_CHECK(record_pack_size(r, &size));
	char *buf = malloc((size_t)size);
	if (buf == NULL)
		return MPI_ERR_NO_MEM;
	int rc = pack_record(r, buf, size, &pos);
	if (rc == MPI_SUCCESS)
		rc = MPI_Send(buf, pos, MPI_PACKED, 1, 0, MPI_COMM_WORLD);
	if (rc == MPI_SUCCESS) {
		res->ok = 1;
		strbuf_printf(&res->text, "packed %d B, sent to 1", pos);
	}
	free(buf);
	return rc;
}

static int recv_record(const struct record *want, struct scenario_result *res)
{
	MPI_Status status;
	int size;
	struct record got;
	char *name = NULL, *course = NULL;

	MPI_CHECK(MPI_Probe(0, 0, MPI_COMM_WORLD, &status));
	MPI_CHECK(MPI_Get_count(&status, MPI_PACKED, &size));
	char *buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf == NULL)
		return MPI_ERR_NO_MEM;
	int rc = MPI_Recv(buf, size, MPI_PACKED, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	if (rc == MPI_SUCCESS)
		rc = unpack_record(buf, size, &got, &name, &course);
	if (rc == MPI_SUCCESS) {
		/* In memory the record is the struct (its two strings are
		 * pointers) plus the strings themselves with their NULs; packed,
		 * it is the fields back to back with each string's length. */
		size_t raw = sizeof got + strlen(name) + 1 + strlen(course) + 1;
		res->ok = check_record(&got, want);
		strbuf_puts(&res->text, "record '");
		strbuf_escape(&res->text, name, strlen(name));
		strbuf_printf(&res->text, "' packed %d B vs struct %zu B", size, raw);
	}
	free(name);
	free(course);
	free(buf);
	return rc;
}

static int object(const struct scenario_args *a, struct scenario_result *res)
{
	struct record r;

	build_record(&r);
	if (a->rank == 0)
		return send_record(&r, res);
	if (a->rank == 1)
		return recv_record(&r, res);
	res->ok = 1;
	return MPI_SUCCESS;
}

const struct scenario scenario_object = {
	.name = "object",
	.summary = "comm.send(obj): rank 0 MPI_Packs a mixed record, rank 1 probes, receives, unpacks",
	.min_ranks = 2,
	.run = object,
};

/* Communicators as the events name them. Every communicator gets an id
 * that all its members agree on, and its ranks' world ranks, computed once
 * and cached on the communicator itself (an MPI attribute, freed with it).
 *
 * Ids of communicators made by a traced call (Comm_split, Comm_dup,
 * Cart_create) come from one agreement among the members: the largest of
 * their next free ids. A rank does not hold the same id twice (until
 * 32767 have been made; see also comms_created), so two
 * communicators with one id have no member in common, and a (sender,
 * receiver, id, tag) key never mixes two of them. Communicators made by
 * calls mpiloom does not trace get an id from their members' world ranks,
 * found without communication: the same on every member, but shared by
 * two such communicators with the same members. */
#include "config.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "trace/textbook.h"
#include "trace/tracer.h"

/* Agreed ids are 1..ID_AGREED_MAX, ids from members up to ID_MEMBERS_MAX;
 * EVENT_COMM_TEXTBOOK above them marks the textbook collectives' traffic, and
 * ID_UNKNOWN a communicator MPI would not describe. */
#define ID_AGREED_MAX 0x7fffu
#define ID_MEMBERS_MAX 0xfffdu
#define ID_UNKNOWN 0xfffeu
_Static_assert(EVENT_COMM_TEXTBOOK > ID_UNKNOWN, "communicator ids must not collide");

/* Freed when the communicator and every posting holding it are done. */
struct comm_info {
	atomic_uint refs;
	uint16_t id;
	int size;
	int world[]; /* world rank of each rank, EV_UNSET if not in WORLD */
};

/* The last communicator a thread asked about, so that a program working
 * on one communicator other than WORLD pays for the attribute lookup once,
 * not twice a call. Any communicator's end makes every thread look again
 * (a freed handle may come back for another communicator). */
struct comm_cache {
	MPI_Comm comm;
	const struct comm_info *info;
	unsigned generation;
};

static _Thread_local struct comm_cache last_comm;

static int drop_info(MPI_Comm comm, int keyval, void *attr, void *extra)
{
	(void)comm;
	(void)keyval;
	(void)extra;
	atomic_fetch_add(&loom_tracer.comm_generation, 1);
	comms_release(attr);
	return MPI_SUCCESS;
}

int comms_start(struct tracer *tr)
{
	tr->next_comm_id = 1;
	return PMPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, drop_info, &tr->comm_keyval, NULL);
}

void comms_stop(struct tracer *tr)
{
	if (tr->comm_keyval != MPI_KEYVAL_INVALID)
		PMPI_Comm_free_keyval(&tr->comm_keyval);
}

/* The ranks a point-to-point call names: the remote group's for an
 * intercommunicator. NULL when MPI cannot say. */
static struct comm_info *translate(MPI_Comm comm)
{
	MPI_Group g, wg;
	int inter = 0, n = 0, rc;
	if (PMPI_Comm_test_inter(comm, &inter) != MPI_SUCCESS)
		return NULL;
	rc = inter ? PMPI_Comm_remote_group(comm, &g) : PMPI_Comm_group(comm, &g);
	if (rc != MPI_SUCCESS)
		return NULL;
	struct comm_info *info = NULL;
	if (PMPI_Group_size(g, &n) == MPI_SUCCESS && n >= 0 &&
	    PMPI_Comm_group(MPI_COMM_WORLD, &wg) == MPI_SUCCESS) {
		int *ranks = xreallocarray(NULL, n > 0 ? (size_t)n : 1, sizeof *ranks);
		info = xmalloc(sizeof *info + (size_t)n * sizeof info->world[0]);
		atomic_init(&info->refs, 1); /* the communicator's attribute */
		info->size = n;
		for (int i = 0; i < n; i++)
			ranks[i] = i;
		if (PMPI_Group_translate_ranks(g, n, ranks, wg, info->world) != MPI_SUCCESS)
			n = 0, info->size = 0;
		for (int i = 0; i < n; i++)
			if (info->world[i] == MPI_UNDEFINED)
				info->world[i] = EV_UNSET;
		free(ranks);
		PMPI_Group_free(&wg);
	}
	PMPI_Group_free(&g);
	return info;
}

static uint16_t id_from_members(const struct comm_info *info)
{
	uint32_t h = 2166136261u; /* FNV-1a over the world ranks */
	for (int i = 0; i < info->size; i++) {
		h ^= (uint32_t)info->world[i];
		h *= 16777619u;
	}
	return (uint16_t)(ID_AGREED_MAX + 1 + h % (ID_MEMBERS_MAX - ID_AGREED_MAX));
}

static struct comm_info *attach(MPI_Comm comm, struct comm_info *info)
{
	if (PMPI_Comm_set_attr(comm, loom_tracer.comm_keyval, info) != MPI_SUCCESS) {
		free(info);
		return NULL;
	}
	return info;
}

/* Looked up in the communicator's attributes (MPICH keeps them in a short
 * list); built on the first call for one not made by a traced call. */
static const struct comm_info *lookup(MPI_Comm comm)
{
	struct tracer *tr = &loom_tracer;
	void *v = NULL;
	int found = 0;
	if (PMPI_Comm_get_attr(comm, tr->comm_keyval, &v, &found) != MPI_SUCCESS)
		return NULL;
	if (found)
		return v;
	/* two threads may meet a new communicator at once: one builds it */
	tracer_lock();
	struct comm_info *info = NULL;
	if (PMPI_Comm_get_attr(comm, tr->comm_keyval, &v, &found) == MPI_SUCCESS && found)
		info = v;
	else if ((info = translate(comm)) != NULL) {
		info->id = id_from_members(info);
		info = attach(comm, info);
	}
	tracer_unlock();
	return info;
}

static const struct comm_info *info_of(MPI_Comm comm)
{
	unsigned generation = atomic_load(&loom_tracer.comm_generation);
	if (last_comm.info != NULL && last_comm.comm == comm && last_comm.generation == generation)
		return last_comm.info;
	const struct comm_info *info = lookup(comm);
	last_comm = (struct comm_cache){comm, info, generation};
	return info;
}

int comms_world_rank(MPI_Comm comm, int rank)
{
	if (rank == MPI_ANY_SOURCE)
		return EV_ANY;
	if (rank < 0) /* MPI_PROC_NULL, MPI_ROOT */
		return EV_UNSET;
	if (comm == MPI_COMM_WORLD)
		return rank;
	return comms_info_world_rank(info_of(comm), rank);
}

struct comm_info *comms_hold(MPI_Comm comm)
{
	if (comm == MPI_COMM_WORLD)
		return NULL;
	/* info_of's pointer is const for the callers that only read */
	struct comm_info *info = (struct comm_info *)info_of(comm);
	return comms_hold_again(info);
}

struct comm_info *comms_hold_again(struct comm_info *info)
{
	if (info != NULL)
		atomic_fetch_add(&info->refs, 1);
	return info;
}

void comms_release(struct comm_info *info)
{
	if (info != NULL && atomic_fetch_sub(&info->refs, 1) == 1)
		free(info);
}

int comms_info_world_rank(const struct comm_info *info, int rank)
{
	if (info == NULL || rank < 0 || rank >= info->size)
		return EV_UNSET;
	return info->world[rank];
}

uint16_t comms_id(MPI_Comm comm)
{
	if (comm == MPI_COMM_WORLD)
		return 0;
	const struct comm_info *info = info_of(comm);
	return info != NULL ? info->id : ID_UNKNOWN;
}

int comms_created(MPI_Comm newcomm)
{
	struct tracer *tr = &loom_tracer;
	if (newcomm == MPI_COMM_NULL)
		return EV_UNSET;
	tracer_lock();
	unsigned mine = tr->next_comm_id, id;
	tracer_unlock();
	/* Threads that make communicators at once may agree on one id for
	 * two of them: not prevented (it would take a second round). */
	if (PMPI_Allreduce(&mine, &id, 1, MPI_UNSIGNED, MPI_MAX, newcomm) != MPI_SUCCESS)
		return EV_UNSET;
	tracer_lock();
	if (id >= tr->next_comm_id)
		tr->next_comm_id = id >= ID_AGREED_MAX ? 1 : id + 1;
	tracer_unlock();
	struct comm_info *info = translate(newcomm);
	if (info == NULL)
		return EV_UNSET;
	info->id = (uint16_t)id;
	return attach(newcomm, info) != NULL ? (int)id : EV_UNSET;
}

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "trace/shared.h"

#define NAME_BYTES 64
/* the rings take at most about this much in all, whatever the rank count
 * (a container's /dev/shm may hold no more than 64 MiB) */
#define SEGMENT_TARGET (16u << 20)
#define RING_MIN 1024u
#define RING_MAX 16384u

static uint32_t ring_capacity(int nranks)
{
	size_t per = SEGMENT_TARGET / sizeof(struct event_record) / (size_t)nranks;
	uint32_t cap = RING_MAX;
	while (cap > RING_MIN && cap > per)
		cap /= 2;
	return cap;
}

static size_t align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

static size_t ranks_offset(void)
{
	return align64(sizeof(struct shared_head));
}

static size_t records_offset(uint32_t nranks)
{
	return align64(ranks_offset() + nranks * sizeof(struct shared_rank));
}

static size_t segment_bytes(uint32_t nranks, uint32_t cap)
{
	return records_offset(nranks) + (size_t)nranks * cap * sizeof(struct event_record);
}

static void locate(struct shared *sh, void *base, uint32_t nranks, uint32_t cap, size_t bytes)
{
	sh->nranks = nranks;
	sh->capacity = cap;
	sh->head = base;
	sh->ranks = (struct shared_rank *)((char *)base + ranks_offset());
	sh->records = (struct event_record *)((char *)base + records_offset(nranks));
	sh->bytes = bytes;
}

/* Communicators of ranks that share memory: one holding every rank means
 * one host. Each rank sees the same answer. */
static int all_on_this_host(struct tracer *tr, int *yes)
{
	MPI_Comm local;
	int n = 0;
	int rc = PMPI_Comm_split_type(tr->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
	if (rc != MPI_SUCCESS)
		return rc;
	rc = PMPI_Comm_size(local, &n);
	int rc2 = PMPI_Comm_free(&local);
	*yes = n == tr->size;
	return rc != MPI_SUCCESS ? rc : rc2;
}

/* A segment's name lives only until every rank mapped it, inside
 * MPI_Init; a run killed in that window (a rank dying at start-up, a
 * SIGKILL) leaves it in /dev/shm, where a container has little room. The
 * next run removes those whose rank 0 is gone and that are older than
 * any start-up takes (a pid of another pid namespace looks gone too). */
#define STALE_SECONDS 60

static void sweep_stale(void)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *de;
	time_t now = time(NULL);
	while (d != NULL && (de = readdir(d)) != NULL) {
		long pid;
		char path[NAME_BYTES + 16];
		struct stat sb;
		if (sscanf(de->d_name, "mpiloom.%ld.", &pid) != 1 || pid <= 0 ||
		    strlen(de->d_name) >= NAME_BYTES)
			continue;
		snprintf(path, sizeof path, "/dev/shm/%s", de->d_name);
		if (stat(path, &sb) != 0 || now - sb.st_mtime < STALE_SECONDS)
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			snprintf(path, sizeof path, "/%s", de->d_name);
			shm_unlink(path); /* gone already: no matter */
		}
	}
	if (d != NULL)
		closedir(d);
}

/* The segment is reserved whole (posix_fallocate): a full /dev/shm then
 * fails here, not with a SIGBUS in the middle of the program. */
static void *create(char *name, size_t bytes, int *err)
{
	sweep_stale();
	snprintf(name, NAME_BYTES, "/mpiloom.%ld.%lld", (long)getpid(),
		 (long long)clock_now_ns());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	void *p = MAP_FAILED;
	*err = posix_fallocate(fd, 0, (off_t)bytes);
	if (*err == 0 && (p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
			     MAP_FAILED)
		*err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		shm_unlink(name);
		return NULL;
	}
	return p;
}

static void *attach(const char *name, size_t bytes)
{
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return NULL;
	struct stat sb;
	void *p = MAP_FAILED;
	if (fstat(fd, &sb) == 0 && (size_t)sb.st_size == bytes)
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* Zeroed by posix_fallocate: the rings are empty and the slots idle. */
static int init_segment(struct shared *sh, uint32_t nranks, uint32_t cap, int stepping)
{
	sh->head->nranks = nranks;
	sh->head->capacity = cap;
	atomic_init(&sh->head->stepping, stepping);
	atomic_init(&sh->head->flush_asked, 0);
	atomic_init(&sh->head->flush_done, 0);
	if (sem_init(&sh->head->wake, 1, 0) != 0)
		return -1;
	for (uint32_t r = 0; r < nranks; r++)
		if (sem_init(&sh->ranks[r].release, 1, 0) != 0)
			return -1;
	return 0;
}

int shared_wanted(void)
{
	const char *t = getenv("MPILOOM_TRANSPORT");
	return t == NULL || strcmp(t, "mpi") != 0;
}

int shared_open(struct tracer *tr)
{
	int one_host = 0, ok = 0, all_ok = 0, rc;
	char name[NAME_BYTES] = "";
	uint32_t n = (uint32_t)tr->size, cap = ring_capacity(tr->size);
	size_t bytes = segment_bytes(n, cap);
	void *base = NULL;
	/* every rank reads the same environment from mpiexec */
	if (!shared_wanted())
		return MPI_SUCCESS;
	if ((rc = all_on_this_host(tr, &one_host)) != MPI_SUCCESS || !one_host)
		return rc;
	struct shared sh;
	if (tr->rank == 0) {
		int err = 0;
		base = create(name, bytes, &err);
		if (base != NULL) {
			locate(&sh, base, n, cap, bytes);
			fastclock_seed(&tr->fast, &sh.head->clock);
			if (init_segment(&sh, n, cap, tr->opts.steppable && tr->opts.step) != 0) {
				err = errno;
				munmap(base, bytes);
				shm_unlink(name);
				base = NULL;
			}
		}
		if (base == NULL) {
			fprintf(stderr, "mpiloom: no shared memory for the events (%s)\n",
				strerror(err));
			name[0] = '\0';
		}
	}
	if ((rc = PMPI_Bcast(name, NAME_BYTES, MPI_CHAR, 0, tr->comm)) != MPI_SUCCESS)
		return rc;
	name[NAME_BYTES - 1] = '\0';
	if (tr->rank != 0 && name[0] != '\0')
		base = attach(name, bytes);
	ok = base != NULL;
	rc = PMPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, tr->comm);
	/* every rank has it mapped, or gave up: the name can go, so that
	 * nothing is left in /dev/shm however the run ends */
	if (tr->rank == 0 && name[0] != '\0')
		shm_unlink(name);
	if (rc != MPI_SUCCESS || !all_ok) {
		if (base != NULL)
			munmap(base, bytes);
		if (rc == MPI_SUCCESS && tr->rank == 0 && name[0] != '\0')
			fprintf(stderr, "mpiloom: a rank could not map the shared memory for the events\n");
		return rc;
	}
	tr->shared = xmalloc(sizeof *tr->shared);
	locate(tr->shared, base, n, cap, bytes);
	fastclock_share(&tr->fast, &tr->shared->head->clock);
	return MPI_SUCCESS;
}

void shared_close(struct tracer *tr)
{
	if (tr->shared == NULL)
		return;
	munmap(tr->shared->head, tr->shared->bytes);
	free(tr->shared);
	tr->shared = NULL;
}

void shared_mark_final(struct shared *sh, uint32_t r, uint32_t total)
{
	sh->ranks[r].total = total;
	atomic_store_explicit(&sh->ranks[r].final, 1, memory_order_release);
}

void shared_ring(struct shared *sh, uint32_t r, struct ring *out)
{
	size_t cap = sh->capacity;
	ring_attach(out, &sh->ranks[r].ring, sh->records + (size_t)r * cap, cap, &sh->head->wake);
}

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/child.h"
#include "cmd/launch.h"
#include "cmd/program-run.h"
#include "core/clock.h"
#include "core/le.h"
#include "core/quote.h"
#include "core/xalloc.h"

#define READ_CHUNK 65536
#define READ_PER_POLL (1u << 20) /* then the screen gets a turn */
#define KILL_GRACE_NS 2000000000LL
#define FLUSH_NS 100000000LL
#define PIPE_GRACE_NS 1000000000LL /* output after mpiexec's exit */

static int executable_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

static int cannot_run(const char *prog, const char *why)
{
	char *name = quote_dup(prog);
	fprintf(stderr, "mpiloom: cannot run %s: %s\n", name, why);
	free(name);
	return 2;
}

/* Before mpiexec starts, so that a typo is one clear line, not hydra's
 * page of messages. A name without '/' is looked up in PATH, as mpiexec
 * does. */
static int check_program(const char *prog)
{
	struct stat sb;
	if (strchr(prog, '/') != NULL) {
		const char *why = stat(prog, &sb) != 0 ? strerror(errno)
				  : !S_ISREG(sb.st_mode)      ? "not a regular file"
				  : access(prog, X_OK) != 0   ? "not executable"
							      : NULL;
		return why == NULL ? 0 : cannot_run(prog, why);
	}
	const char *path = getenv("PATH");
	struct strbuf sb2 = STRBUF_INIT;
	for (const char *p = path ? path : ""; *p != '\0' || p == path;) {
		size_t len = strcspn(p, ":");
		strbuf_reset(&sb2);
		strbuf_putn(&sb2, len ? p : ".", len ? len : 1);
		strbuf_putc(&sb2, '/');
		strbuf_puts(&sb2, prog);
		if (executable_file(strbuf_str(&sb2))) {
			strbuf_free(&sb2);
			return 0;
		}
		p += len;
		if (*p == '\0')
			break;
		p++;
	}
	strbuf_free(&sb2);
	return cannot_run(prog, "no such program in PATH");
}

/* The build tree's library next to the binary (src/.libs), else the
 * installed one; $MPILOOM_LIB overrides both. */
static char *library_path(void)
{
	const char *env = getenv("MPILOOM_LIB");
	if (env != NULL && *env != '\0')
		return access(env, R_OK) == 0 ? xstrdup(env) : NULL;
	char *self = launch_self_path();
	if (self != NULL) {
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_putn(&sb, self, (size_t)(slash - self));
			strbuf_puts(&sb, "/.libs/libmpiloom.so");
			free(self);
			if (access(strbuf_str(&sb), R_OK) == 0)
				return sb.s;
			strbuf_free(&sb);
		} else {
			free(self);
		}
	}
	const char *installed = MPILOOM_LIBDIR "/libmpiloom.so";
	return access(installed, R_OK) == 0 ? xstrdup(installed) : NULL;
}

static char *temp_log(void)
{
	const char *dir = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/mpiloom-run.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(sb.s);
	if (fd < 0) {
		int e = errno;
		char *name = quote_dup(dir && *dir ? dir : "/tmp");
		fprintf(stderr, "mpiloom: cannot create a temporary file in %s: %s\n", name,
			strerror(e));
		free(name);
		strbuf_free(&sb);
		return NULL;
	}
	(void)close(fd); /* empty, nothing to lose */
	return sb.s;
}

static char **mpiexec_args(const struct options *o, const char *preload, const char *log)
{
	size_t n = 0, m = 0;
	while (o->mpiexec_argv && o->mpiexec_argv[n])
		n++;
	while (o->prog_argv[m])
		m++;
	char **args = xcalloc(n + m + 10, sizeof *args);
	char *nbuf = xmalloc(32);
	snprintf(nbuf, 32, "%ld", o->nprocs);
	size_t k = 0;
	args[k++] = (char *)launch_mpiexec_path();
	args[k++] = "-n";
	args[k++] = nbuf;
	args[k++] = "-genv";
	args[k++] = "LD_PRELOAD";
	args[k++] = (char *)preload;
	args[k++] = "-genv";
	args[k++] = "MPILOOM_RECORD";
	args[k++] = (char *)log;
	for (size_t i = 0; i < n; i++)
		args[k++] = o->mpiexec_argv[i];
	for (size_t i = 0; i < m; i++)
		args[k++] = o->prog_argv[i];
	return args;
}

/* name: args[0] quoted, made before the fork (no malloc after it) */
static void child(char **args, const char *name, int out[2], int err[2], pid_t parent)
{
	/* an ignored signal stays ignored across exec: the program gets the
	 * default, as it would from a shell */
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* its own process group: q or a time limit ends mpiexec and every
	 * rank with one kill, and the terminal's Ctrl-C reaches us only */
	if (setpgid(0, 0) != 0 || devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
	    dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
		_exit(127);
	child_die_with_parent(parent);
	execv(args[0], args);
	dprintf(STDERR_FILENO, "mpiloom: cannot run %s: %s\n", name, strerror(errno));
	_exit(127);
}

static int spawn(struct progrun *pr, char **args)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		perror("mpiloom: pipe");
		return 2;
	}
	if (pipe2(err, O_CLOEXEC) != 0) {
		perror("mpiloom: pipe");
		close(out[0]);
		close(out[1]);
		return 2;
	}
	fflush(NULL);
	pid_t self = getpid();
	char *name = quote_dup(args[0]);
	pr->pid = fork();
	if (pr->pid == 0)
		child(args, name, out, err, self);
	free(name);
	close(out[1]);
	close(err[1]);
	if (pr->pid < 0) {
		fprintf(stderr, "mpiloom: cannot start mpiexec: %s\n", strerror(errno));
		close(out[0]);
		close(err[0]);
		return 2;
	}
	(void)setpgid(pr->pid, pr->pid); /* whichever of the two runs first */
	pr->fds[0] = out[0];
	pr->fds[1] = err[0];
	for (int i = 0; i < 2; i++)
		(void)fcntl(pr->fds[i], F_SETFL, fcntl(pr->fds[i], F_GETFL) | O_NONBLOCK);
	return 0;
}

static char *preload_value(const char *lib)
{
	/* a preload already there (a sanitizer runtime) must stay first */
	const char *old = getenv("LD_PRELOAD");
	struct strbuf sb = STRBUF_INIT;
	if (old != NULL && *old != '\0')
		strbuf_printf(&sb, "%s ", old);
	strbuf_puts(&sb, lib);
	return sb.s;
}

int progrun_start(struct progrun *pr, const struct options *o)
{
	memset(pr, 0, sizeof *pr);
	pr->fds[0] = pr->fds[1] = -1;
	pr->pid = -1;
	output_init(&pr->out);
	pr->rec_path = o->record;
	pr->nranks = (uint32_t)o->nprocs;
	pr->prog = o->prog_argv[0];
	int rc = check_program(pr->prog);
	if (rc != 0)
		return rc;
	if (launch_check_mpiexec() != 0)
		return 2;
	char *lib = library_path();
	if (lib == NULL) {
		fprintf(stderr, "mpiloom: cannot find libmpiloom.so (looked next to this binary and "
				"in " MPILOOM_LIBDIR "; set MPILOOM_LIB)\n");
		return 2;
	}
	struct strbuf err = STRBUF_INIT;
	if ((pr->log_path = temp_log()) == NULL ||
	    (pr->fol = log_follow_open(pr->log_path, &err)) == NULL) {
		if (err.len)
			fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		strbuf_free(&err);
		free(lib);
		return 2;
	}
	strbuf_free(&err);
	char *preload = preload_value(lib);
	char **args = mpiexec_args(o, preload, pr->log_path);
	rc = spawn(pr, args);
	free(args[2]);
	free(args);
	free(preload);
	free(lib);
	pr->last_flush = clock_now_ns();
	return rc;
}

/* ---- what comes back ---- */

static void record_output(struct progrun *pr, enum output_stream stream, const void *p,
			  size_t n)
{
	if (pr->rec_path == NULL || pr->rec_failed)
		return;
	if (pr->rec == NULL) {
		/* before the log's header: kept until the recording opens */
		uint8_t head[5] = {(uint8_t)stream};
		le_put32(head + 1, (uint32_t)n);
		strbuf_putn(&pr->rec_pending, (const char *)head, sizeof head);
		strbuf_putn(&pr->rec_pending, p, n);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	log_writer_output(pr->rec, stream, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, p, n);
}

static void open_recording(struct progrun *pr, const struct log_header *h)
{
	struct strbuf err = STRBUF_INIT;
	pr->rec = log_writer_open(pr->rec_path, h, &err);
	if (pr->rec == NULL) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		pr->rec_failed = 1;
	}
	strbuf_free(&err);
	const uint8_t *p = (const uint8_t *)pr->rec_pending.s;
	for (size_t off = 0; pr->rec != NULL && off + 5 <= pr->rec_pending.len;) {
		uint32_t n = le_get32(p + off + 1);
		record_output(pr, (enum output_stream)p[off], p + off + 5, n);
		off += 5 + n;
	}
	strbuf_free(&pr->rec_pending);
}

static void on_header(void *ctx, const struct log_header *h)
{
	struct progrun *pr = ctx;
	if (pr->st != NULL)
		return;
	pr->st = store_new(h->nranks);
	store_clock_estimated(pr->st, h->clock_max_rtt_ns);
	pr->nranks = h->nranks;
	pr->hdr = *h;
	pr->hdr.scenario = xstrdup(h->scenario ? h->scenario : "");
	pr->hdr.args = xstrdup(h->args ? h->args : "");
	pr->hdr.host = xstrdup(h->host ? h->host : "");
	/* rank 0 holds the file open now, and so does the follower: without
	 * a name, it goes with the last of them even if this process is
	 * killed (SIGKILL runs no clean-up) */
	if (unlink(pr->log_path) == 0) {
		free(pr->log_path);
		pr->log_path = NULL;
	}
	if (pr->rec_path != NULL)
		open_recording(pr, h);
}

static void on_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct progrun *pr = ctx;
	if (store_add(pr->st, ev, preview) == 0 && pr->rec != NULL)
		log_writer_add(pr->rec, ev, preview);
}

static void on_total(void *ctx, uint32_t rank, uint32_t total)
{
	struct progrun *pr = ctx;
	store_rank_done(pr->st, rank, total);
	if (pr->rec != NULL)
		log_writer_rank_done(pr->rec, rank, total);
}

static void on_result(void *ctx, const struct log_result *r)
{
	struct progrun *pr = ctx;
	free(pr->result.text);
	pr->result = *r;
	pr->result.text = xstrdup(r->text ? r->text : "");
	pr->has_result = 1;
}

static void follow(struct progrun *pr)
{
	struct log_sink sink = {pr, on_header, on_event, on_total, on_result};
	struct strbuf err = STRBUF_INIT;
	if (pr->fol != NULL && log_follow_poll(pr->fol, &sink, &err) < 0) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		log_follow_close(pr->fol);
		pr->fol = NULL;
	}
	strbuf_free(&err);
}

static void read_stream(struct progrun *pr, int i)
{
	char buf[READ_CHUNK];
	size_t total = 0;
	while (pr->fds[i] >= 0 && total < READ_PER_POLL) {
		ssize_t n = read(pr->fds[i], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			(void)close(pr->fds[i]); /* a pipe we only read */
			pr->fds[i] = -1;
			return;
		}
		enum output_stream stream = i ? OUTPUT_STDERR : OUTPUT_STDOUT;
		output_add(&pr->out, stream, buf, (size_t)n);
		record_output(pr, stream, buf, (size_t)n);
		total += (size_t)n;
	}
}

static void reap(struct progrun *pr, int64_t now)
{
	if (!pr->exited) {
		int status;
		pid_t r = waitpid(pr->pid, &status, WNOHANG);
		if (r == pr->pid) {
			pr->exited = 1;
			pr->wait_status = status;
			pr->kill_at = now + PIPE_GRACE_NS; /* from now on: the pipes' deadline */
		}
	}
	if (pr->kill_at > 0 && now >= pr->kill_at) {
		if (!pr->exited) {
			(void)kill(-pr->pid, SIGKILL);
			pr->kill_at = now + KILL_GRACE_NS;
			return;
		}
		/* a rank's orphan still holds the pipes: stop waiting for it */
		for (int i = 0; i < 2; i++)
			if (pr->fds[i] >= 0) {
				(void)close(pr->fds[i]);
				pr->fds[i] = -1;
			}
	}
}

int progrun_poll(struct progrun *pr, int ms)
{
	struct pollfd fds[2] = {{pr->fds[0], POLLIN, 0}, {pr->fds[1], POLLIN, 0}};
	if (ms > 0 && (pr->fds[0] >= 0 || pr->fds[1] >= 0))
		(void)poll(fds, 2, ms);
	for (int i = 0; i < 2; i++)
		read_stream(pr, i);
	int64_t now = clock_now_ns();
	reap(pr, now);
	/* the --record file is written as the run goes on, in every mode:
	 * what a kill of this process or a full disk cuts short holds the
	 * run up to about the last flush, not just its header */
	int flush_due = pr->rec_path != NULL && now - pr->last_flush >= FLUSH_NS;
	if (pr->live || pr->st == NULL || flush_due)
		follow(pr);
	if (flush_due) {
		if (pr->rec != NULL)
			log_writer_flush(pr->rec);
		pr->last_flush = now;
	}
	int done = pr->exited && pr->fds[0] < 0 && pr->fds[1] < 0;
	if (done) {
		output_end(&pr->out);
		follow(pr); /* whatever rank 0 wrote last */
	}
	return done;
}

void progrun_stop(struct progrun *pr)
{
	if (pr->pid <= 0 || pr->exited || pr->kill_at > 0)
		return;
	(void)kill(-pr->pid, SIGTERM);
	pr->kill_at = clock_now_ns() + KILL_GRACE_NS;
}

int progrun_finish(struct progrun *pr, const char *fault)
{
	if (pr->rec_path == NULL || pr->rec_failed)
		return pr->rec_failed ? -1 : 0;
	if (pr->rec == NULL) {
		/* no rank 0 log: the recording still keeps the output */
		char host[256] = "";
		if (gethostname(host, sizeof host - 1) != 0)
			strcpy(host, "unknown");
		struct log_header h = {LOG_FORMAT_VERSION, pr->nranks ? pr->nranks : 1,
				       (int64_t)time(NULL), 0, (char *)pr->prog, "", host};
		open_recording(pr, &h);
		if (pr->rec == NULL)
			return -1;
	}
	struct store_stats stats = {0};
	if (pr->st != NULL)
		store_stats(pr->st, &stats);
	struct log_result res = {stats.ranks_final, pr->nranks, (char *)fault};
	if (fault == NULL && pr->has_result)
		res = pr->result;
	struct strbuf err = STRBUF_INIT;
	log_writer_result(pr->rec, &res);
	int rc = log_writer_close(pr->rec, &err);
	pr->rec = NULL;
	if (rc != 0)
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
	strbuf_free(&err);
	return rc;
}

void progrun_free(struct progrun *pr)
{
	for (int i = 0; i < 2; i++)
		if (pr->fds[i] >= 0)
			(void)close(pr->fds[i]);
	log_follow_close(pr->fol);
	if (pr->log_path != NULL)
		(void)unlink(pr->log_path);
	free(pr->log_path);
	store_free(pr->st);
	log_header_free(&pr->hdr);
	free(pr->result.text);
	output_free(&pr->out);
	strbuf_free(&pr->rec_pending);
}

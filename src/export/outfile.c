#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/quote.h"
#include "core/xalloc.h"
#include "export/outfile.h"

/* The background writer: one buffer in flight at a time. */
struct outfile_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	char *pending; /* handed over, not yet written */
	size_t pending_len;
	char *spare; /* the buffer the caller fills next */
	int err;
	int stop;
};

static void write_fd(int fd, const char *p, size_t n, int *err)
{
	while (n > 0 && *err == 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			*err = k < 0 ? errno : EIO;
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

static void *writer_main(void *arg)
{
	struct outfile_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->pending == NULL && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->pending == NULL)
			break;
		char *p = w->pending;
		size_t n = w->pending_len;
		int err = w->err;
		pthread_mutex_unlock(&w->lock);
		write_fd(w->fd, p, n, &err);
		pthread_mutex_lock(&w->lock);
		w->err = err;
		w->spare = p;
		w->pending = NULL;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* With the lock held: waits until nothing is in flight, and takes over
 * the writer's error. */
static void writer_idle(struct outfile *o, struct outfile_writer *w)
{
	while (w->pending != NULL)
		pthread_cond_wait(&w->cond, &w->lock);
	if (o->err == 0)
		o->err = w->err;
}

static void writer_wait(struct outfile *o)
{
	struct outfile_writer *w = o->writer;
	pthread_mutex_lock(&w->lock);
	writer_idle(o, w);
	pthread_mutex_unlock(&w->lock);
}

/* Hands the full buffer to the writer and goes on with the spare one. */
static void writer_hand_over(struct outfile *o)
{
	struct outfile_writer *w = o->writer;
	pthread_mutex_lock(&w->lock);
	writer_idle(o, w);
	w->pending = o->buf;
	w->pending_len = o->len;
	o->buf = w->spare;
	w->spare = NULL;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	o->len = 0;
}

static void writer_start(struct outfile *o)
{
	struct outfile_writer *w = xcalloc(1, sizeof *w);
	w->fd = o->fd;
	w->spare = xmalloc(OUTFILE_BUF);
	if (pthread_mutex_init(&w->lock, NULL) != 0 || pthread_cond_init(&w->cond, NULL) != 0 ||
	    pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		/* no thread: the file is written synchronously, as well */
		free(w->spare);
		free(w);
		return;
	}
	o->writer = w;
}

static void writer_stop(struct outfile *o)
{
	struct outfile_writer *w = o->writer;
	writer_wait(o);
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->spare);
	free(w);
	o->writer = NULL;
}

void outfile_adopt(struct outfile *o, int fd, const char *path)
{
	o->fd = fd;
	o->err = 0;
	o->path = xstrdup(path);
	o->buf = xmalloc(OUTFILE_BUF);
	o->len = 0;
	o->writer = NULL;
}

int outfile_create(struct outfile *o, const char *path, int force, struct strbuf *err)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0666);
	if (fd < 0) {
		strbuf_puts(err, "cannot write ");
		quote_name(err, path);
		strbuf_printf(err, ": %s", strerror(errno));
		return -1;
	}
	outfile_adopt(o, fd, path);
	writer_start(o);
	return 0;
}

/* Writes the buffer: in the background when there is a writer. */
static void push(struct outfile *o)
{
	if (o->writer != NULL) {
		writer_hand_over(o);
		return;
	}
	write_fd(o->fd, o->buf, o->len, &o->err);
	o->len = 0;
}

void outfile_flush(struct outfile *o)
{
	push(o);
	if (o->writer != NULL)
		writer_wait(o);
}

void outfile_putn_slow(struct outfile *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = OUTFILE_BUF - o->len;
		if (room == 0) {
			push(o);
			continue;
		}
		size_t k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

int outfile_close(struct outfile *o, struct strbuf *err)
{
	outfile_flush(o);
	if (o->writer != NULL)
		writer_stop(o);
	if (close(o->fd) != 0 && o->err == 0)
		o->err = errno;
	int rc = 0;
	if (o->err != 0) {
		strbuf_puts(err, "cannot write ");
		quote_name(err, o->path);
		strbuf_printf(err, ": %s", strerror(o->err));
		rc = -1;
	}
	free(o->buf);
	free(o->path);
	o->buf = o->path = NULL;
	return rc;
}

/* Two digits per division: numbers are most of what an export writes. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

void outfile_u64(struct outfile *o, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		tmp[--i] = digit_pairs[d + 1];
		tmp[--i] = digit_pairs[d];
	}
	if (v >= 10) {
		tmp[--i] = digit_pairs[v * 2 + 1];
		tmp[--i] = digit_pairs[v * 2];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	outfile_putn(o, tmp + i, sizeof tmp - i);
}

void outfile_i64(struct outfile *o, int64_t v)
{
	if (v < 0) {
		outfile_putc(o, '-');
		outfile_u64(o, 0 - (uint64_t)v);
		return;
	}
	outfile_u64(o, (uint64_t)v);
}

void outfile_us(struct outfile *o, int64_t ns)
{
	uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0)
		outfile_putc(o, '-');
	outfile_u64(o, a / 1000);
	unsigned f = (unsigned)(a % 1000);
	char frac[4] = {'.', (char)('0' + f / 100), (char)('0' + f / 10 % 10),
	                (char)('0' + f % 10)};
	outfile_putn(o, frac, sizeof frac);
}

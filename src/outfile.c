#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "outfile.h"
#include "xalloc.h"

void outfile_adopt(struct outfile *o, int fd, const char *path)
{
	o->fd = fd;
	o->err = 0;
	o->path = xstrdup(path);
	o->buf = xmalloc(OUTFILE_BUF);
	o->len = 0;
}

int outfile_create(struct outfile *o, const char *path, int force, struct strbuf *err)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0666);
	if (fd < 0) {
		strbuf_puts(err, "cannot write ");
		strbuf_escape(err, path, strlen(path));
		strbuf_printf(err, ": %s", strerror(errno));
		return -1;
	}
	outfile_adopt(o, fd, path);
	return 0;
}

static void write_out(struct outfile *o, const char *p, size_t n)
{
	while (n > 0 && o->err == 0) {
		ssize_t k = write(o->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			o->err = k < 0 ? errno : EIO;
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

void outfile_flush(struct outfile *o)
{
	write_out(o, o->buf, o->len);
	o->len = 0;
}

void outfile_putn_slow(struct outfile *o, const char *s, size_t n)
{
	outfile_flush(o);
	if (n >= OUTFILE_BUF) {
		write_out(o, s, n);
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}

int outfile_close(struct outfile *o, struct strbuf *err)
{
	outfile_flush(o);
	if (close(o->fd) != 0 && o->err == 0)
		o->err = errno;
	int rc = 0;
	if (o->err != 0) {
		strbuf_puts(err, "cannot write ");
		strbuf_escape(err, o->path, strlen(o->path));
		strbuf_printf(err, ": %s", strerror(o->err));
		rc = -1;
	}
	free(o->buf);
	free(o->path);
	o->buf = o->path = NULL;
	return rc;
}

void outfile_u64(struct outfile *o, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
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

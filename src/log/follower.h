/* Following a log while another process writes it (mpiloom run: rank 0
 * of the program records, the tool shows): each poll reads the whole
 * chunks appended since the last one and hands them to a sink. */
#ifndef MPILOOM_LOG_FOLLOWER_H
#define MPILOOM_LOG_FOLLOWER_H

#include <stdint.h>

#include "core/event.h"
#include "core/strbuf.h"
#include "log/log.h"

struct log_sink {
	void *ctx;
	void (*header)(void *ctx, const struct log_header *h);
	void (*event)(void *ctx, const struct event *ev, const uint8_t *preview);
	void (*total)(void *ctx, uint32_t rank, uint32_t total);
	void (*result)(void *ctx, const struct log_result *r);
};
struct log_follower;
/* NULL with a one-line reason in err. The file may still be empty. */
struct log_follower *log_follow_open(const char *path, struct strbuf *err);
/* 0: read what there was, 1: the end record was read, -1: the file is
 * not a log (reason in err); damaged chunks are skipped. */
int log_follow_poll(struct log_follower *f, const struct log_sink *sink, struct strbuf *err);
void log_follow_close(struct log_follower *f);

#endif

/* What a log that was not whole lost, said the same way by every command
 * that reads one (dump, info, replay, export). */
#ifndef MPILOOM_LOG_HEALTH_H
#define MPILOOM_LOG_HEALTH_H

#include "core/strbuf.h"
#include "log/reader.h"

/* The exit status of a command that used what a damaged log held. */
#define LOGHEALTH_DAMAGED 4

/* Damage that is neither a cut nor a bad chunk, appended to sb. */
void loghealth_damage(struct strbuf *sb, const struct log_report *rep);
/* One line on stderr: where the file was cut, what was skipped. */
void loghealth_say(const char *path, const struct log_report *rep);

#endif

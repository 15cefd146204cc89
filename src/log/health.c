#include "config.h"

#include <stdio.h>

#include "core/quote.h"
#include "log/health.h"

/* Damage that is neither a cut nor a bad chunk: records that did not
 * decode, or an end record that counts other events than were found. */
void loghealth_damage(struct strbuf *sb, const struct log_report *rep)
{
	uint64_t found = rep->events + rep->pending + rep->bad_events + rep->rejected_events;
	if (rep->bad_events > 0)
		strbuf_printf(sb, "damaged: %llu event records could not be read",
		              (unsigned long long)rep->bad_events);
	else if (rep->has_end && rep->end_events != found)
		strbuf_printf(sb, "damaged: the end record counts %llu events, %llu were found",
		              (unsigned long long)rep->end_events, (unsigned long long)found);
	else
		strbuf_puts(sb, "damaged");
}

void loghealth_say(const char *path, const struct log_report *rep)
{
	struct strbuf sb = STRBUF_INIT;
	if (rep->truncated)
		strbuf_printf(&sb, "truncated at byte %llu: %llu events recovered",
		              (unsigned long long)rep->truncated_at,
		              (unsigned long long)rep->events);
	if (rep->bad_chunks)
		strbuf_printf(&sb, "%s%llu damaged chunk(s) skipped, the first at byte %llu",
		              sb.len ? "; " : "", (unsigned long long)rep->bad_chunks,
		              (unsigned long long)rep->first_bad_offset);
	if (sb.len == 0)
		loghealth_damage(&sb, rep);
	fputs("mpiloom: ", stderr);
	struct strbuf name = STRBUF_INIT;
	quote_name(&name, path);
	fprintf(stderr, "%s: %s\n", strbuf_str(&name), strbuf_str(&sb));
	strbuf_free(&name);
	strbuf_free(&sb);
}

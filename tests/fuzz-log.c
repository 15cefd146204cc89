/* The log reader on arbitrary bytes. Built with -fsanitize=fuzzer and
 * -DMPILOOM_LIBFUZZER it is a libFuzzer target; built without, it replays
 * the files (or the files of the directories) named on its command line,
 * by default tests/fuzz-seeds under $top_srcdir, so that the sanitizer
 * build re-checks the corpus and any crash input on every `make check`.
 * A broken contract aborts, which both count as a failure. Each input is
 * read as it is and again with its checksums made right. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crc32.h"
#include "core/le.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "log/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-log: broken: %s\n", what);
		abort();
	}
}

/* Reads every event, preview and partner back, so that the sanitizers
 * see any access the store's indexes would make from a view. */
static void walk_store(const struct store *st, uint64_t events)
{
	uint64_t seen = 0;
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		size_t n = store_rank_count(st, r);
		for (size_t i = 0; i < n; i++) {
			struct event_ref ref = {r, (uint32_t)i}, partner;
			const struct event *ev = store_event(st, ref);
			const uint8_t *p = store_preview(st, ref);
			require(ev != NULL && ev->rank == r, "store_event");
			unsigned sum = 0; /* used, so the reads are not optimised away */
			for (size_t k = 0; p != NULL && k < ev->preview_len; k++)
				sum += p[k];
			require(sum <= 255u * EVENT_PREVIEW_MAX, "preview");
			if (store_partner(st, ref, &partner))
				require(store_event(st, partner) != NULL, "partner");
			if (store_posting(st, ref, &partner))
				require(store_event(st, partner) != NULL && partner.rank == r &&
						partner.index < i,
					"posting");
			if (store_completion(st, ref, &partner))
				require(store_event(st, partner) != NULL && partner.index > i,
					"completion");
		}
		seen += n;
	}
	require(seen == events, "events counted");
}

/* Makes every checksum along the chain of chunk lengths right (see
 * mpiloom(5)). A mutated input almost never has a good CRC, so without
 * this the fuzzer would see little beyond the damage paths; with it,
 * mutations reach the header fields and the records. Returns whether
 * anything changed. */
static int fix_crcs(uint8_t *p, size_t size)
{
	int changed = 0;
	if (size < 16)
		return 0;
	size_t pos = le_get32(p + 12);
	if (pos < 20 || pos > size)
		return 0;
	uint32_t crc = crc32(p, pos - 4);
	changed |= crc != le_get32(p + pos - 4);
	le_put32(p + pos - 4, crc);
	while (size - pos >= 20 && memcmp(p + pos, "CHNK", 4) == 0) {
		uint32_t len = le_get32(p + pos + 8);
		if (len > size - pos - 20)
			break;
		crc =
		    crc32_update(crc32_update(CRC32_INIT, p + pos + 4, 12), p + pos + 20, len);
		crc ^= CRC32_INIT;
		changed |= crc != le_get32(p + pos + 16);
		le_put32(p + pos + 16, crc);
		pos += 20 + (size_t)len;
	}
	return changed;
}

static void read_once(const uint8_t *data, size_t size)
{
	struct store *st;
	struct log_header h;
	struct log_report rep;
	struct strbuf err = STRBUF_INIT;
	int rc = log_read_buffer(data, size, "fuzz.loom", &st, &h, &rep, &err);
	require(rc >= 0 && rc <= 2 && (rc == 2) == (st == NULL), "return code");
	if (rc == 2) {
		require(err.len > 0 && strchr(err.s, '\n') == NULL, "one-line reason");
	} else {
		require(h.scenario && h.args && h.host, "header strings");
		require(strlen(h.scenario) <= LOG_STRING_MAX &&
			    strlen(h.args) <= LOG_STRING_MAX &&
			    strlen(h.host) <= LOG_STRING_MAX,
			"header string length");
		require(rc == 1 || (!rep.truncated && rep.bad_chunks == 0 && rep.has_end),
			"clean means clean");
		require(rep.events <= size / EVENT_WIRE_SIZE, "events from nowhere");
		require(!rep.has_result || rep.result.text != NULL, "result text");
		walk_store(st, rep.events);
	}
	store_free(st);
	log_header_free(&h);
	log_report_free(&rep);
	strbuf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_once(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	require(copy != NULL, "memory");
	memcpy(copy, data, size);
	if (fix_crcs(copy, size))
		read_once(copy, size);
	free(copy);
	return 0;
}

#ifndef MPILOOM_LIBFUZZER
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	if (f == NULL) {
		fprintf(stderr, "fuzz-log: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_putn(&sb, buf, n);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "fuzz-log: %s: read error\n", path);
		strbuf_free(&sb);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)(sb.s ? sb.s : ""), sb.len);
	strbuf_free(&sb);
	return 0;
}

/* A directory stands for the regular files in it (a corpus). */
static int replay(const char *path, int *files)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "fuzz-log: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		++*files;
		return replay_file(path);
	}
	DIR *d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "fuzz-log: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		struct strbuf file = STRBUF_INIT;
		strbuf_printf(&file, "%s/%s", path, de->d_name);
		if (stat(file.s, &sb) == 0 && S_ISREG(sb.st_mode)) {
			++*files;
			rc |= replay_file(file.s);
		}
		strbuf_free(&file);
	}
	if (closedir(d) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0, files = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			rc |= replay(argv[i], &files);
	} else {
		const char *top = getenv("top_srcdir");
		struct strbuf dir = STRBUF_INIT;
		strbuf_printf(&dir, "%s/tests/fuzz-seeds", top && *top ? top : ".");
		rc |= replay(dir.s, &files);
		strbuf_free(&dir);
	}
	if (files == 0) {
		fprintf(stderr, "fuzz-log: no input files\n");
		return 1;
	}
	printf("fuzz-log: %d input(s) read\n", files);
	return rc ? 1 : 0;
}
#endif

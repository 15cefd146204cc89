#include "config.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/lecture.h"
#include "cmd/live.h"
#include "cmd/record.h"
#include "cmd/scenario-run.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "view/textview.h"

struct outcome {
	int ok_ranks;
	int size;
	char *report; /* the reporting rank's result text */
	char *table;  /* and its longer report (compare's table), or "" */
};

/* The reporting rank: the root for collectives and sums, the receiver
 * (rank 1) for the two-rank examples. */
static int reporter(const struct scenario *s, const struct scenario_args *a)
{
	if (s->uses_root)
		return a->root;
	return a->size > 1 ? 1 : 0;
}

static int send_text(const struct strbuf *sb, MPI_Comm own)
{
	int len = (int)sb->len, rc = PMPI_Send(&len, 1, MPI_INT, 0, 0, own);
	if (rc == MPI_SUCCESS)
		rc = PMPI_Send(sb->s ? sb->s : "", len, MPI_CHAR, 0, 0, own);
	return rc;
}

static int recv_text(int from, MPI_Comm own, char **out)
{
	int len, rc = PMPI_Recv(&len, 1, MPI_INT, from, 0, own, MPI_STATUS_IGNORE);
	if (rc != MPI_SUCCESS)
		return rc;
	if (len < 0 || len > 1 << 24)
		len = 0;
	*out = xcalloc((size_t)len + 1, 1);
	return PMPI_Recv(*out, len, MPI_CHAR, from, 0, own, MPI_STATUS_IGNORE);
}

/* Results travel over mpiloom's own communicator with PMPI calls, so the
 * program's trace stays exactly the scenario's calls. */
static int collect_outcome(MPI_Comm own, const struct scenario_args *a, int who,
			   const struct scenario_result *res, struct outcome *out)
{
	int rc, ok = res->ok;
	memset(out, 0, sizeof *out);
	out->size = a->size;
	if ((rc = PMPI_Reduce(&ok, &out->ok_ranks, 1, MPI_INT, MPI_SUM, 0, own)) != MPI_SUCCESS)
		return rc;
	if (who == 0) {
		out->report = xstrdup(res->text.s ? res->text.s : "");
		out->table = xstrdup(res->report.s ? res->report.s : "");
		return MPI_SUCCESS;
	}
	if (a->rank == who) {
		if ((rc = send_text(&res->text, own)) == MPI_SUCCESS)
			rc = send_text(&res->report, own);
		return rc;
	}
	if (a->rank != 0)
		return MPI_SUCCESS;
	if ((rc = recv_text(who, own, &out->report)) == MPI_SUCCESS)
		rc = recv_text(who, own, &out->table);
	return rc;
}

/* Every rank evaluates the same conditions, so every rank stops without
 * talking to the others; only rank 0 says why. */
static int check_ranks(const struct scenario *s, const struct scenario_args *a)
{
	if (a->size < s->min_ranks) {
		if (a->rank == 0)
			fprintf(stderr, "mpiloom: %s needs at least %d ranks, got %d "
					"(try mpiloom -n %d %s)\n",
				s->name, s->min_ranks, a->size, s->min_ranks, s->name);
		return 2;
	}
	if (s->uses_root && a->root >= a->size) {
		if (a->rank == 0)
			fprintf(stderr, "mpiloom: --root %d is out of range: ranks are 0 to %d\n",
				a->root, a->size - 1);
		return 2;
	}
	return 0;
}

/* compare's table: lines starting with "# " so that a reader of the
 * event lines can tell them apart. */
static int print_table(const char *table)
{
	if (table == NULL || *table == '\0')
		return 0;
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = table; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		strbuf_puts(&sb, "# ");
		strbuf_escape(&sb, p, len);
		strbuf_putc(&sb, '\n');
		p += len + (nl != NULL);
	}
	int rc = fputs(strbuf_str(&sb), stdout) < 0 ? -1 : 0;
	strbuf_free(&sb);
	return rc;
}

/* Rank 0, once the store is complete: the text view or the live screen's
 * last state, then the exit status of the whole run. */
static int report(const struct scenario *s, const struct outcome *out, struct live *lv,
		  struct lecture *lc, unsigned text_flags)
{
	struct store *st = trace_store();
	struct store_stats stats;
	int status = 0;
	if (st == NULL)
		return 3;
	trace_lock(); /* the screen may be drawing */
	store_seal(st); /* MPI has ended: nothing more comes */
	trace_unlock();
	store_stats(st, &stats);
	int passed = out->ok_ranks == out->size;
	struct strbuf line = STRBUF_INIT;
	textview_result_line(&line, s->name, (uint32_t)out->size, (uint32_t)out->ok_ranks, st,
			     out->report);
	/* After the screen closes, the result line stays in the terminal's
	 * scrollback: what the run found outlives the picture. */
	if (lv != NULL)
		live_finish(lv, passed, out->report, out->table);
	else if (textview_print(stdout, st, text_flags) != 0 || (lc != NULL && lecture_print(lc, st, stdout) != 0))
		status = 3;
	if (print_table(out->table) != 0 || printf("%s\n", strbuf_str(&line)) < 0 ||
	    fflush(stdout) != 0)
		status = 3;
	strbuf_free(&line);
	if (stats.lost > 0 || stats.ranks_final < (uint32_t)out->size) {
		fprintf(stderr, "mpiloom: %llu events lost, %u of %d ranks finished\n",
			(unsigned long long)stats.lost, stats.ranks_final, out->size);
		status = 3;
	}
	if (!passed && status == 0)
		status = 1;
	return status;
}

static int run_on_rank(const struct scenario *s, MPI_Comm own,
		       struct scenario_args *a, struct outcome *out)
{
	struct scenario_result res = {0, STRBUF_INIT, STRBUF_INIT};
	int status = 0;
	int rc = s->run(a, &res);
	if (rc != MPI_SUCCESS) {
		/* One rank failed on its own (out of memory, say) while the
		 * others wait for it inside the scenario: only an abort ends
		 * them all. */
		char msg[MPI_MAX_ERROR_STRING];
		int len = 0;
		if (PMPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
			len = 0;
		fprintf(stderr, "mpiloom: rank %d: %s failed: %.*s\n", a->rank, s->name, len, msg);
		PMPI_Abort(MPI_COMM_WORLD, 3);
		status = 3;
	}
	trace_result(res.ok, res.text.s, res.text.len, DT_CHAR);
	rc = collect_outcome(own, a, reporter(s, a), &res, out);
	if (rc != MPI_SUCCESS)
		status = 3;
	if (status == 0 && !res.ok)
		status = 1;
	strbuf_free(&res.text);
	strbuf_free(&res.report);
	return status;
}

/* The log's result text: the report's lines (compare's table), then the
 * result line's text on the last line, as mpiloom(5) says. */
static int finish_recording(struct record *rec, const struct outcome *out)
{
	struct strbuf text = STRBUF_INIT;
	if (out->table != NULL && *out->table != '\0') {
		strbuf_puts(&text, out->table);
		if (text.s[text.len - 1] != '\n')
			strbuf_putc(&text, '\n');
	}
	strbuf_puts(&text, out->report ? out->report : "");
	int rc = record_finish(rec, (uint32_t)out->ok_ranks, (uint32_t)out->size, strbuf_str(&text));
	strbuf_free(&text);
	return rc;
}

/* Rank 0 opens the log; every rank learns whether it could, so that a
 * path that cannot be written stops the run before it starts. */
static int start_recording(const struct options *o, const struct scenario *s,
			   const struct scenario_args *a, MPI_Comm own, struct record **rec)
{
	int ok = 1;
	if (a->rank == 0) {
		*rec = record_start(o->record, s->name, o, (uint32_t)a->size);
		ok = *rec != NULL;
	}
	if (PMPI_Bcast(&ok, 1, MPI_INT, 0, own) != MPI_SUCCESS)
		return 3;
	return ok ? 0 : 2;
}

/* MPILOOM_CLOCK_ESTIMATE=1 aligns the clocks by ping-pong, as for ranks
 * on other hosts, even on rank 0's host: that path tested on one machine. */
static int clock_estimate_forced(void)
{
	const char *e = getenv("MPILOOM_CLOCK_ESTIMATE");
	return e != NULL && strcmp(e, "1") == 0;
}

int scenario_run(const struct scenario *s, const struct options *o, int *argc, char ***argv)
{
	/* a screen can step any run; the text view only a --step one */
	struct trace_options topts = {.tag_is_level = s->tag_is_level,
				      .delay_ms = o->delay_ms,
				      .steppable = o->step || !o->text,
				      .step = o->step,
				      .textbook = o->textbook,
				      .force_clock_estimate = clock_estimate_forced()};
	struct scenario_args a = {.count = o->count_set ? o->count : s->default_count,
				  .root = (int)o->root,
				  .reps = o->reps,
				  .recording = trace_set_enabled};
	struct outcome out = {0, 0, NULL, NULL};
	MPI_Comm own;

	trace_configure(&topts);
	if (MPI_Init(argc, argv) != MPI_SUCCESS) {
		fprintf(stderr, "mpiloom: MPI_Init failed\n");
		return 3;
	}
	if (PMPI_Comm_dup(MPI_COMM_WORLD, &own) != MPI_SUCCESS ||
	    PMPI_Comm_rank(MPI_COMM_WORLD, &a.rank) != MPI_SUCCESS ||
	    PMPI_Comm_size(MPI_COMM_WORLD, &a.size) != MPI_SUCCESS) {
		fprintf(stderr, "mpiloom: cannot set up MPI\n");
		PMPI_Abort(MPI_COMM_WORLD, 3);
		return 3;
	}
	struct live *lv = NULL;
	struct lecture *lc = NULL;
	struct record *rec = NULL;
	int status = check_ranks(s, &a);
	if (status == 0 && o->record != NULL)
		status = start_recording(o, s, &a, own, &rec);
	if (status == 0 && a.rank == 0 && topts.steppable)
		lc = lecture_new((uint32_t)a.size, o->step, o->keys);
	if (status == 0 && a.rank == 0 && !o->text && live_wanted())
		lv = live_start(s->name, s->shows_tree, lc, options_logical(o));
	else if (lc != NULL && o->step && lecture_drive(lc) != 0)
		status = 3;
	/* Every rank starts the example together, however long rank 0 took to
	 * set up its screen: the picture is of the scenario, not of start-up. */
	if (status == 0 && PMPI_Barrier(own) != MPI_SUCCESS)
		status = 3;
	if (status == 0)
		status = run_on_rank(s, own, &a, &out);
	lecture_stop(lc); /* it talks MPI: before MPI ends */
	PMPI_Comm_free(&own);
	if (lv != NULL)
		live_mpi_ending(lv);
	MPI_Finalize();
	if (rec != NULL && finish_recording(rec, &out) != 0 && status == 0)
		status = 3;
	if (a.rank == 0 && status != 2) {
		int overall = report(s, &out, lv, o->step ? lc : NULL, o->steps ? TEXTVIEW_STEPS : 0);
		if (overall > status)
			status = overall;
	}
	live_free(lv);
	lecture_free(lc);
	free(out.report);
	free(out.table);
	trace_shutdown();
	return status;
}

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cmd/child.h"
#include "cmd/program-fault.h"
#include "cmd/program-run.h"
#include "cmd/program-view.h"
#include "core/clock.h"
#include "core/quote.h"
#include "tui/session.h"
#include "tui/signals.h"
#include "tui/tty.h"
#include "view/narrate.h"
#include "view/textview.h"

#define POLL_MS 50
#define FAILED_TEXT "the run failed (see the fault lines)"

struct progview {
	struct progrun pr;
	const struct options *o;
	enum progfault_stop stop;
	int signal; /* the one that stopped the run (STOP_SIGNAL), or 0 */
	int64_t deadline; /* --timeout, in clock_now_ns time; 0: none */
	int done;
	struct strbuf faults; /* progfault_describe's lines */
	int nfaults;
	char extra[96];
};

static void check_deadline(struct progview *pv)
{
	if (pv->deadline > 0 && pv->stop == STOP_NONE && clock_now_ns() >= pv->deadline) {
		pv->stop = STOP_TIMEOUT;
		progrun_stop(&pv->pr);
	}
}

/* After the run: what went wrong, if anything, and the recording. */
static void conclude(struct progview *pv)
{
	struct progfault_in in = {pv->pr.st, pv->pr.nranks, pv->pr.wait_status, &pv->pr.out,
				  pv->stop, pv->o->timeout_s};
	pv->nfaults = progfault_describe(&in, &pv->faults);
	pv->done = 1;
}

static const char *program_name(const struct progview *pv)
{
	return pv->o->prog_argv[0];
}

static void result_line(struct progview *pv, struct strbuf *sb)
{
	struct store_stats stats = {0};
	if (pv->pr.st != NULL)
		store_stats(pv->pr.st, &stats);
	if (pv->pr.st == NULL) {
		strbuf_puts(sb, "# result: ");
		strbuf_escape(sb, program_name(pv), strlen(program_name(pv)));
		strbuf_printf(sb, " ranks=%u check=failed events=0 | no MPI calls were traced",
			      pv->pr.nranks);
		return;
	}
	const char *text = pv->nfaults > 0 ? FAILED_TEXT
			   : pv->pr.has_result ? pv->pr.result.text
					       : "";
	textview_result_line(sb, program_name(pv), store_nranks(pv->pr.st), stats.ranks_final,
			     pv->pr.st, text);
}

/* One rule for every mode (mpiloom(1), EXIT STATUS): how the run was
 * stopped, if it was (a signal: 128 plus its number, as a shell reports
 * it; q: 130, as Ctrl-C; --timeout: 124, as timeout(1)); else the
 * program's own status as mpiexec reports it, untouched; else 3 for what
 * failed in mpiloom itself. */
static int exit_status(struct progview *pv, int rec_rc)
{
	/* rank 0 wrote a log's header: MPI_Init was traced, even if the
	 * events died with the run */
	if (pv->pr.st == NULL) {
		char *name = quote_dup(program_name(pv));
		fprintf(stderr, "mpiloom: no MPI calls were traced: is %s linked dynamically "
				"against MPICH?\n", name);
		free(name);
	}
	switch (pv->stop) {
	case STOP_SIGNAL:
		return 128 + pv->signal;
	case STOP_USER:
		return 128 + SIGINT;
	case STOP_TIMEOUT:
		return 124;
	case STOP_NONE:
		break;
	}
	int code = pv->pr.exited ? child_exit_code(pv->pr.wait_status) : 0;
	if (code != 0)
		return code;
	return pv->pr.st == NULL || rec_rc != 0 ? 3 : 0;
}

/* The findings, one line each after prefix: "# fault: " in text mode,
 * "mpiloom: " after the screen, "fault: " in the recording's result. */
static void fault_lines(const struct progview *pv, const char *prefix, struct strbuf *out)
{
	const char *p = pv->faults.s ? pv->faults.s : "";
	for (int i = 0; i < pv->nfaults && *p; i++) {
		size_t len = strcspn(p, "\n");
		strbuf_puts(out, prefix);
		strbuf_putn(out, p, len);
		strbuf_putc(out, '\n');
		p += len + (p[len] == '\n');
	}
}

static void print_faults(const struct progview *pv, FILE *f, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;
	fault_lines(pv, prefix, &sb);
	fputs(strbuf_str(&sb), f);
	strbuf_free(&sb);
}

/* A reader that went away (| head) ends the run like a signal would. */
static void pass_output(struct progview *pv)
{
	size_t len;
	const char *lines = output_new_lines(&pv->pr.out, &len);
	if (len > 0 && (fwrite(lines, 1, len, stdout) != len || fflush(stdout) != 0) &&
	    pv->stop == STOP_NONE) {
		pv->stop = STOP_SIGNAL;
		pv->signal = SIGPIPE;
		progrun_stop(&pv->pr);
	}
}

static int run_text(struct progview *pv)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct signals caught;
	if (signals_catch(&caught, sigs, sizeof sigs / sizeof sigs[0]) < 0)
		fprintf(stderr, "mpiloom: cannot catch signals: %s\n", strerror(errno));
	while (!progrun_poll(&pv->pr, POLL_MS)) {
		pass_output(pv);
		check_deadline(pv);
		int sig = signals_take(&caught);
		if (sig != 0 && pv->stop == STOP_NONE) {
			pv->stop = STOP_SIGNAL;
			pv->signal = sig;
			progrun_stop(&pv->pr);
		}
	}
	pass_output(pv);
	conclude(pv);
	if (pv->pr.st != NULL)
		store_seal(pv->pr.st); /* the run is over */
	int status = pv->pr.st != NULL &&
		     textview_print(stdout, pv->pr.st, pv->o->steps ? TEXTVIEW_STEPS : 0) != 0 ? 3 : 0;
	if (pv->pr.st != NULL) {
		/* a deadlock's who waits for whom */
		struct strbuf sb = STRBUF_INIT;
		narrate_pending_lines(&sb, pv->pr.st, "# pending: ");
		fputs(strbuf_str(&sb), stdout);
		strbuf_free(&sb);
	}
	print_faults(pv, stdout, "# fault: ");
	if (fflush(stdout) != 0)
		status = 3;
	signals_release(&caught);
	return status;
}

/* ---- the live screen ---- */

static void screen_tick(void *ctx, struct session *s)
{
	struct progview *pv = ctx;
	if (!pv->done) {
		if (progrun_poll(&pv->pr, 0)) {
			conclude(pv);
			struct strbuf sb = STRBUF_INIT;
			const char *nl = strchr(strbuf_str(&pv->faults), '\n');
			strbuf_putn(&sb, pv->faults.s ? pv->faults.s : "",
				    nl ? (size_t)(nl - pv->faults.s) : pv->faults.len);
			if (pv->nfaults == 0)
				strbuf_puts(&sb, pv->pr.st == NULL ? "no MPI calls were traced"
						 : pv->pr.has_result ? pv->pr.result.text
								     : "the program ended");
			session_finish(s, pv->nfaults == 0 && pv->pr.st != NULL,
				       strbuf_str(&sb));
			strbuf_free(&sb);
		}
		check_deadline(pv);
	}
	if (pv->pr.st != NULL)
		s->store = pv->pr.st;
	s->info.output = strbuf_str(&pv->pr.out.lines);
	snprintf(pv->extra, sizeof pv->extra, " | output: %zu lines (o)", pv->pr.out.nlines);
	s->info.extra = pv->extra;
}

static int run_screen(struct progview *pv)
{
	struct termios saved;
	struct session_ops ops = {.tick = screen_tick, .ctx = pv};
	struct session s;
	int rows, cols;
	struct store *empty = store_new(pv->pr.nranks ? pv->pr.nranks : 1);
	/* mpiexec runs already: without a screen, the text view it is */
	if (tcgetattr(STDIN_FILENO, &saved) != 0 || tty_make_raw(STDIN_FILENO, &saved) != 0) {
		perror("mpiloom: the terminal");
		store_free(empty);
		return run_text(pv);
	}
	tty_size(STDOUT_FILENO, &rows, &cols);
	/* the status bar has room for a name, not for a path */
	const char *slash = strrchr(program_name(pv), '/');
	const char *title = slash ? slash + 1 : program_name(pv);
	if (session_start(&s, empty, title, RUN_LIVE, &ops, rows, cols) != 0) {
		tty_restore(STDIN_FILENO, &saved);
		store_free(empty);
		return run_text(pv);
	}
	s.poll_size_fd = STDOUT_FILENO;
	s.view.time = options_logical(pv->o) ? VIEW_LOGICAL : VIEW_WALL;
	enum session_end end = session_loop(&s);
	session_stop(&s);
	tty_restore(STDIN_FILENO, &saved);
	if (!pv->done) {
		pv->stop = end == SESSION_SIGNAL ? STOP_SIGNAL : STOP_USER;
		pv->signal = end == SESSION_SIGNAL ? (s.signal ? s.signal : SIGTERM) : 0;
		progrun_stop(&pv->pr);
		while (!progrun_poll(&pv->pr, POLL_MS))
			;
		conclude(pv);
	}
	store_free(empty);
	print_faults(pv, stderr, "mpiloom: ");
	return 0; /* how it ended is exit_status's to say */
}

int progview_run(const struct options *o)
{
	struct progview pv;
	static const int sigpipe[] = {SIGPIPE};
	struct signals pipe_ignored;
	memset(&pv, 0, sizeof pv);
	/* a reader that went away (| head) must not kill the launcher before
	 * it stopped mpiexec and removed its temporary file */
	if (signals_catch(&pipe_ignored, sigpipe, 1) < 0)
		fprintf(stderr, "mpiloom: cannot ignore SIGPIPE: %s\n", strerror(errno));
	pv.o = o;
	int status = progrun_start(&pv.pr, o);
	if (status != 0) {
		progrun_free(&pv.pr);
		signals_release(&pipe_ignored);
		return status;
	}
	if (o->timeout_s > 0)
		pv.deadline = clock_now_ns() + (int64_t)o->timeout_s * 1000000000;
	pv.pr.live = !o->text && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (pv.pr.live)
		status = run_screen(&pv);
	else
		status = run_text(&pv);
	/* the recording's result: the # fault: lines, then the result
	 * line's text, so that dump prints what --text printed */
	struct strbuf fault = STRBUF_INIT;
	fault_lines(&pv, "fault: ", &fault);
	strbuf_puts(&fault, FAILED_TEXT);
	int rec_rc = progrun_finish(&pv.pr, pv.nfaults > 0 ? strbuf_str(&fault) : NULL);
	strbuf_free(&fault);
	struct strbuf line = STRBUF_INIT;
	result_line(&pv, &line);
	int written = printf("%s\n", strbuf_str(&line)) >= 0 && fflush(stdout) == 0;
	strbuf_free(&line);
	int overall = exit_status(&pv, rec_rc);
	status = overall != 0 ? overall : status ? status : written ? 0 : 3;
	strbuf_free(&pv.faults);
	progrun_free(&pv.pr);
	signals_release(&pipe_ignored);
	return status;
}

/* The timeline as an SVG picture for a slide or a handout: a row per rank,
 * each call a bar filled by its class (colour and pattern, so that it reads
 * in black and white too), an arrow per message from the send's start to
 * the receive's end, tree levels written on the arrows, dotted lines from
 * collectives to their root, a time axis and a legend. Text stays text.
 *
 * Bars are written as the events come; arrows and other lines go to a
 * temporary file, appended at the end so that they are drawn on top.
 * Slivers of one class that touch at this scale are merged into one bar,
 * so that a long run still makes a picture of bounded size. Calls still
 * in progress when the log ends are dashed bars to the right edge. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/outfile.h"
#include "view/timeline.h"

#define WIDTH    1280.0
#define LEFT     100.0 /* room for the rank labels */
#define RIGHT    40.0
#define TOP      70.0
#define PLOT_H   460.0 /* the rows' height for a slide, when they fit */
#define ROW_MIN  8.0
#define ROW_MAX  48.0
#define LABEL_PX 7.5 /* a character's width at the bar font size, roughly */

struct bar {
	double x0, x1;
	int cls; /* -1: none pending */
	uint8_t kind;
	int merged; /* more than one event */
};

struct svg {
	struct outfile out;
	struct outfile lines; /* arrows and connectors, drawn last */
	uint32_t nranks;
	int64_t from, to; /* the window, ns (EXPORT_STEP_NS a step: logical) */
	int logical;
	double row_h, plot_w;
	struct bar *bars; /* per rank, the one not yet written */
	uint64_t arrows;
	uint8_t used[XC_COUNT];
	int levels, connectors, pending;
};

static double x_of(const struct svg *g, int64_t t)
{
	return LEFT + (double)(t - g->from) * g->plot_w / (double)(g->to - g->from);
}

static double y_of(const struct svg *g, uint32_t rank)
{
	return TOP + ((double)rank + 0.5) * g->row_h;
}

/* One decimal is a tenth of a pixel: enough, and cheap to print. */
static void put_num(struct outfile *o, double v)
{
	if (!(fabs(v) < 1e15)) {
		outfile_putc(o, '0');
		return;
	}
	int64_t tenths = llround(v * 10);
	if (tenths < 0) {
		outfile_putc(o, '-');
		tenths = -tenths;
	}
	outfile_u64(o, (uint64_t)tenths / 10);
	char frac[2] = {'.', (char)('0' + tenths % 10)};
	outfile_putn(o, frac, 2);
}

static void put_attr(struct outfile *o, const char *name, double v)
{
	outfile_putc(o, ' ');
	outfile_puts(o, name);
	outfile_lit(o, "=\"");
	put_num(o, v);
	outfile_putc(o, '"');
}

/* Fill colours and patterns by class; a grey scale keeps them apart. */
static const char style[] =
    "<defs>\n"
    "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4a340\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" "
    "stroke-width=\"1.6\"/></pattern>\n"
    "<pattern id=\"cross\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#b38bd6\"/><path d=\"M0 0L6 6M6 0L0 6\" "
    "stroke=\"#000\" stroke-width=\"0.9\"/></pattern>\n"
    "<pattern id=\"dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"5\" height=\"5\" fill=\"#8fd18f\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" "
    "fill=\"#000\"/></pattern>\n"
    "<pattern id=\"hlines\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"4\" height=\"4\" fill=\"#f2e96b\"/><line x1=\"0\" y1=\"2\" x2=\"4\" "
    "y2=\"2\" "
    "stroke=\"#000\" stroke-width=\"0.8\"/></pattern>\n"
    "<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
    "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
    "fill=\"#c0182a\"/></marker>\n"
    "<clipPath id=\"plot\"><rect x=\"%X\" y=\"0\" width=\"%W\" height=\"%H\"/></clipPath>\n"
    "</defs>\n"
    "<style>\n"
    "text{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;fill:#000}\n"
    ".title{font-size:20px;font-weight:bold}.sub{font-size:13px;fill:#333}\n"
    ".rank{font-size:%Fpx;text-anchor:end;dominant-baseline:central}\n"
    ".row{stroke:#bbb;stroke-width:0.8}\n"
    ".b{stroke:#000;stroke-width:0.6}\n"
    ".send{fill:#1f4e99}.receive{fill:url(#hatch)}.probe{fill:url(#dots)}"
    ".collective{fill:url(#cross)}.local{fill:#c8c8c8}.setup{fill:#fff}"
    ".other{fill:url(#hlines)}\n"
    ".held{fill:#fff;stroke:#000;stroke-width:1.4;stroke-dasharray:5 3}\n"
    ".name{font-size:11px;dominant-baseline:central;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px}\n"
    ".msg{stroke:#c0182a;stroke-width:1.6;marker-end:url(#head)}\n"
    ".coll{stroke:#5b2d8a;stroke-width:1.2;stroke-dasharray:2 3}\n"
    ".lv{font-size:12px;font-weight:bold;fill:#c0182a;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;text-anchor:middle}\n"
    ".axis{stroke:#000;stroke-width:1}.tick{font-size:12px;text-anchor:middle}\n"
    ".legend{font-size:13px;dominant-baseline:central}\n"
    "</style>\n";

/* style[] with the plot's size put in for %X, %W, %H and %F. */
static void put_style(struct svg *g, double height)
{
	struct outfile *o = &g->out;
	for (const char *p = style; *p; p++) {
		if (*p != '%') {
			outfile_putc(o, *p);
			continue;
		}
		p++;
		double v = *p == 'X'   ? LEFT
		           : *p == 'W' ? g->plot_w
		           : *p == 'H' ? height
		                       : fmin(14, g->row_h * 0.75);
		put_num(o, v);
	}
}

static double legend_y(const struct svg *g)
{
	return TOP + g->nranks * g->row_h + 60;
}

static double picture_height(const struct svg *g)
{
	return legend_y(g) + 60;
}

/* A header string on the picture: at most TITLE_MAX bytes of it, so that
 * a long one does not run off the slide (the <title> keeps it whole). */
#define TITLE_MAX 60

static void put_capped(struct outfile *o, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	escape_xml(o, s ? s : "", n > TITLE_MAX ? TITLE_MAX : n);
	if (n > TITLE_MAX)
		outfile_lit(o, "\xe2\x80\xa6"); /* ... */
}

/* --time logical: a step number where the wall axis has a time. */
static void step_or_time(const struct svg *g, char *buf, size_t size, int64_t t)
{
	if (g->logical)
		snprintf(buf, size, "step %lld", (long long)(t / EXPORT_STEP_NS));
	else
		timeline_format_time(buf, size, t);
}

static void put_title(struct svg *g, const struct log_header *h)
{
	struct outfile *o = &g->out;
	char from[32], to[32];
	step_or_time(g, from, sizeof from, g->from);
	step_or_time(g, to, sizeof to, g->to);
	outfile_lit(o, "<title>mpiloom: ");
	escape_xml(o, h->scenario ? h->scenario : "", h->scenario ? strlen(h->scenario) : 0);
	outfile_lit(o, "</title>\n<text class=\"title\" x=\"20\" y=\"32\">");
	put_capped(o, h->scenario);
	if (h->args != NULL && *h->args != '\0') {
		outfile_putc(o, ' ');
		put_capped(o, h->args);
	}
	outfile_lit(o, "</text>\n<text class=\"sub\" x=\"20\" y=\"54\">");
	outfile_u64(o, g->nranks);
	outfile_lit(o, " ranks, ");
	outfile_puts(o, from);
	outfile_lit(o, " to ");
	outfile_puts(o, to);
	outfile_puts(o, g->logical ? " in logical time</text>\n" : " after the run started</text>\n");
}

static void put_rows(struct svg *g)
{
	struct outfile *o = &g->out;
	for (uint32_t r = 0; r < g->nranks; r++) {
		double y = y_of(g, r);
		outfile_lit(o, "<text class=\"rank\"");
		put_attr(o, "x", LEFT - 10);
		put_attr(o, "y", y);
		outfile_lit(o, ">rank ");
		outfile_u64(o, r);
		outfile_lit(o, "</text><line class=\"row\"");
		put_attr(o, "x1", LEFT);
		put_attr(o, "y1", y);
		put_attr(o, "x2", LEFT + g->plot_w);
		put_attr(o, "y2", y);
		outfile_lit(o, "/>\n");
	}
}

static int temp_lines(struct svg *g, struct strbuf *err)
{
	const char *dir = getenv("TMPDIR");
	struct strbuf path = STRBUF_INIT;
	strbuf_printf(&path, "%s/mpiloom-svg-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path.s);
	if (fd < 0) {
		strbuf_printf(err, "cannot create a temporary file: %s", strerror(errno));
		strbuf_free(&path);
		return -1;
	}
	(void)unlink(path.s); /* gone when closed, whatever happens */
	outfile_adopt(&g->lines, fd, path.s);
	strbuf_free(&path);
	return 0;
}

static void set_window(struct svg *g, const struct export_info *in)
{
	int64_t first = in->has_events ? in->t_first : 0;
	int64_t last = in->has_events ? in->t_last : 1000;
	int64_t pad = (last - first) / 50;
	g->from = in->opt->has_from ? in->opt->from : first - pad;
	g->to = in->opt->has_to ? in->opt->to : last + pad;
	if (g->to <= g->from)
		g->to = g->from + 1000;
}

static void *svg_open(const struct export_info *in, struct strbuf *err)
{
	struct svg *g = xcalloc(1, sizeof *g);
	g->nranks = in->h->nranks;
	g->logical = in->opt->logical;
	g->row_h = fmax(ROW_MIN, fmin(ROW_MAX, PLOT_H / g->nranks));
	g->plot_w = WIDTH - LEFT - RIGHT;
	set_window(g, in);
	if (temp_lines(g, err) != 0) {
		free(g);
		return NULL;
	}
	if (outfile_create(&g->out, in->opt->out, in->opt->force, err) != 0) {
		outfile_close(&g->lines, err);
		free(g);
		return NULL;
	}
	g->bars = xreallocarray(NULL, g->nranks, sizeof *g->bars);
	for (uint32_t r = 0; r < g->nranks; r++)
		g->bars[r].cls = -1;
	double height = picture_height(g);
	struct outfile *o = &g->out;
	outfile_lit(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
	put_attr(o, "width", WIDTH);
	put_attr(o, "height", height);
	outfile_lit(o, " viewBox=\"0 0 ");
	put_num(o, WIDTH);
	outfile_putc(o, ' ');
	put_num(o, height);
	outfile_lit(o, "\">\n");
	put_style(g, height);
	outfile_lit(o, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
	put_title(g, in->h);
	put_rows(g);
	outfile_lit(o, "<g clip-path=\"url(#plot)\">\n");
	return g;
}

static void write_bar(struct svg *g, uint32_t rank)
{
	struct bar *b = &g->bars[rank];
	struct outfile *o = &g->out;
	double h = g->row_h * 0.6, y = y_of(g, rank) - h / 2;
	outfile_lit(o, "<rect class=\"b ");
	outfile_puts(o, export_class_name((enum export_class)b->cls));
	outfile_putc(o, '"');
	put_attr(o, "x", b->x0);
	put_attr(o, "y", y);
	put_attr(o, "width", b->x1 - b->x0);
	put_attr(o, "height", h);
	outfile_lit(o, "/>\n");
	const char *name = event_kind_name(b->kind);
	if (!b->merged && g->row_h >= 16 && b->x1 - b->x0 > (strlen(name) + 1) * LABEL_PX) {
		outfile_lit(o, "<text class=\"name\"");
		put_attr(o, "x", b->x0 + 3);
		put_attr(o, "y", y_of(g, rank));
		outfile_putc(o, '>');
		escape_xml(o, name, strlen(name));
		outfile_lit(o, "</text>\n");
	}
	b->cls = -1;
}

/* Bars narrower than this are widened, so that every call shows. */
#define BAR_MIN   3.0
#define MERGE_MAX 4.0

/* What lies beyond the plot is clipped when drawn; cut here too, so that
 * coordinates stay those of a picture whatever a window leaves out. */
#define EDGE 4.0

static double clamp_x(const struct svg *g, double x)
{
	double lo = LEFT - EDGE, hi = LEFT + g->plot_w + EDGE;
	return x < lo ? lo : x > hi ? hi : x;
}

/* Moves (x, y) along the line to (ox, oy) to the plot's edge if beyond it. */
static void clip_end(const struct svg *g, double *x, double *y, double ox, double oy)
{
	double edge = clamp_x(g, *x);
	if (edge != *x && ox != *x)
		*y += (oy - *y) * (edge - *x) / (ox - *x);
	*x = edge;
}

static void add_bar(struct svg *g, const struct event *ev, int cls)
{
	double x0 = clamp_x(g, x_of(g, ev->t_begin)), x1 = clamp_x(g, x_of(g, event_end(ev)));
	if (x1 - x0 < BAR_MIN)
		x1 = x0 + BAR_MIN;
	struct bar *b = &g->bars[ev->rank];
	/* only slivers merge: a wide bar keeps its outline, so that two
	 * calls in a row still read as two */
	if (b->cls == cls && x0 <= b->x1 + 0.5 && x1 - x0 < MERGE_MAX &&
	    b->x1 - b->x0 < MERGE_MAX) {
		if (x1 > b->x1)
			b->x1 = x1;
		b->merged = 1;
		return;
	}
	if (b->cls >= 0)
		write_bar(g, ev->rank);
	*b = (struct bar){x0, x1, cls, ev->kind, 0};
}

static void put_line(struct outfile *o, const char *cls, double x1, double y1, double x2,
                     double y2)
{
	outfile_lit(o, "<line class=\"");
	outfile_puts(o, cls);
	outfile_putc(o, '"');
	put_attr(o, "x1", x1);
	put_attr(o, "y1", y1);
	put_attr(o, "x2", x2);
	put_attr(o, "y2", y2);
	outfile_lit(o, "/>\n");
}

/* A collective's dotted line to its root's row. */
static void connector(struct svg *g, const struct event *ev)
{
	if (ev->peer < 0 || (uint32_t)ev->peer >= g->nranks || (ev->flags & EVF_ROOT) ||
	    ev->kind == EV_BARRIER || (uint32_t)ev->peer == ev->rank)
		return;
	double x = x_of(g, ev->t_begin);
	put_line(&g->lines, "coll", x, y_of(g, ev->rank), x, y_of(g, (uint32_t)ev->peer));
	g->connectors = 1;
}

static int svg_event(void *f, const struct event *ev, const uint8_t *preview)
{
	struct svg *g = f;
	(void)preview;
	if (event_end(ev) < g->from || ev->t_begin > g->to)
		return 0;
	enum export_class cls = export_class_of(ev);
	g->used[cls] = 1;
	add_bar(g, ev, (int)cls);
	if (cls == XC_COLLECTIVE)
		connector(g, ev);
	return g->out.err || g->lines.err ? -1 : 0;
}

static int svg_message(void *f, const struct event *send, const struct event *recv)
{
	struct svg *g = f;
	int64_t end = event_end(recv);
	if (end < g->from || send->t_begin > g->to)
		return 0;
	double xs = x_of(g, send->t_begin), xr = x_of(g, end);
	double ys = y_of(g, send->rank), yr = y_of(g, recv->rank);
	double xs0 = xs, ys0 = ys;
	clip_end(g, &xs, &ys, xr, yr);
	clip_end(g, &xr, &yr, xs0, ys0);
	put_line(&g->lines, "msg", xs, ys, xr, yr);
	g->arrows++;
	if (send->flags & EVF_LEVEL) {
		struct outfile *o = &g->lines;
		outfile_lit(o, "<text class=\"lv\"");
		put_attr(o, "x", (xs + xr) / 2);
		put_attr(o, "y", (ys + yr) / 2 - 3);
		outfile_lit(o, ">L");
		outfile_u64(o, send->level);
		outfile_lit(o, "</text>\n");
		g->levels = 1;
	}
	return g->lines.err ? -1 : 0;
}

/* A call a rank was still in at the end: an open bar from where it began
 * to the window's edge, dashed, saying whether stepping held it or it
 * was blocked. */
static int svg_pending(void *f, const struct event *ev)
{
	struct svg *g = f;
	if (ev->t_begin > g->to)
		return 0;
	if (g->bars[ev->rank].cls >= 0)
		write_bar(g, ev->rank);
	struct outfile *o = &g->out;
	double h = g->row_h * 0.6, y = y_of(g, ev->rank) - h / 2;
	double x0 = clamp_x(g, x_of(g, ev->t_begin)), x1 = LEFT + g->plot_w + EDGE;
	outfile_lit(o, "<rect class=\"held\"");
	put_attr(o, "x", x0);
	put_attr(o, "y", y);
	put_attr(o, "width", x1 - x0);
	put_attr(o, "height", h);
	outfile_lit(o, "/>\n<text class=\"name\"");
	put_attr(o, "x", x0 + 3);
	put_attr(o, "y", y_of(g, ev->rank));
	outfile_putc(o, '>');
	outfile_puts(o, event_kind_name(ev->kind));
	outfile_puts(o, (ev->flags & EVF_BLOCKED) ? ": blocked" : ": held");
	outfile_lit(o, "</text>\n");
	g->pending = 1;
	return o->err ? -1 : 0;
}

/* The temporary file of lines, copied after the bars. */
static int append_lines(struct svg *g)
{
	outfile_flush(&g->lines);
	if (g->lines.err != 0)
		return -1;
	if (lseek(g->lines.fd, 0, SEEK_SET) != 0) {
		g->lines.err = errno;
		return -1;
	}
	char *buf = xmalloc(OUTFILE_BUF);
	for (;;) {
		ssize_t n = read(g->lines.fd, buf, OUTFILE_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				g->lines.err = errno;
			break;
		}
		outfile_putn(&g->out, buf, (size_t)n);
	}
	free(buf);
	return g->lines.err ? -1 : 0;
}

static void put_axis(struct svg *g)
{
	struct outfile *o = &g->out;
	double y = TOP + g->nranks * g->row_h + 8;
	put_line(o, "axis", LEFT, y, LEFT + g->plot_w, y);
	int64_t span = g->to - g->from;
	int64_t step = g->logical ? timeline_axis_step((double)span / 10 / EXPORT_STEP_NS) * EXPORT_STEP_NS
				  : timeline_axis_step((double)span / 10);
	/* the first multiple of step from the window's start on */
	int64_t t = g->from - ((g->from % step) + step) % step;
	if (t < g->from)
		t += step;
	for (int i = 0; i <= 12 && t <= g->to; i++, t += step) {
		char label[48];
		double x = x_of(g, t);
		put_line(o, "axis", x, y, x, y + 6);
		if (g->logical)
			step_or_time(g, label, sizeof label, t);
		else
			timeline_axis_label(label, sizeof label, t, step);
		outfile_lit(o, "<text class=\"tick\"");
		put_attr(o, "x", x);
		put_attr(o, "y", y + 21);
		outfile_putc(o, '>');
		outfile_puts(o, label);
		outfile_lit(o, "</text>\n");
	}
}

/* A legend entry's text after its 28-pixel sample; returns where the
 * next entry goes. */
static double legend_label(struct svg *g, double x, const char *label)
{
	struct outfile *o = &g->out;
	outfile_lit(o, "<text class=\"legend\"");
	put_attr(o, "x", x + 34);
	put_attr(o, "y", legend_y(g));
	outfile_putc(o, '>');
	outfile_puts(o, label);
	outfile_lit(o, "</text>\n");
	return x + 54 + strlen(label) * 7.5;
}

static double legend_item(struct svg *g, double x, const char *cls, const char *label)
{
	struct outfile *o = &g->out;
	outfile_lit(o, "<rect class=\"b ");
	outfile_puts(o, cls);
	outfile_putc(o, '"');
	put_attr(o, "x", x);
	put_attr(o, "y", legend_y(g) - 8);
	outfile_lit(o, " width=\"28\" height=\"16\"/>");
	return legend_label(g, x, label);
}

static double legend_line(struct svg *g, double x, const char *cls, const char *label)
{
	double y = legend_y(g);
	put_line(&g->out, cls, x, y, x + 28, y);
	return legend_label(g, x, label);
}

static void put_legend(struct svg *g)
{
	static const char *const labels[XC_COUNT] = {
	    [XC_SEND] = "send",           [XC_RECV] = "receive",
	    [XC_PROBE] = "probe",         [XC_COLLECTIVE] = "collective",
	    [XC_LOCAL] = "pack, compute", [XC_SETUP] = "init, finalize, result",
	    [XC_OTHER] = "other call",
	};
	double x = 20;
	for (int c = 0; c < XC_COUNT; c++)
		if (g->used[c])
			x = legend_item(g, x, export_class_name((enum export_class)c),
			                labels[c]);
	if (g->arrows > 0)
		x = legend_line(g, x, "msg key", "message");
	if (g->connectors)
		x = legend_line(g, x, "coll key", "to the root");
	if (g->pending)
		x = legend_item(g, x, "held", "call not finished");
	if (g->levels) {
		outfile_lit(&g->out, "<text class=\"lv\"");
		put_attr(&g->out, "x", x + 10);
		put_attr(&g->out, "y", legend_y(g) + 4);
		outfile_lit(&g->out, ">Ln</text><text class=\"legend\"");
		put_attr(&g->out, "x", x + 26);
		put_attr(&g->out, "y", legend_y(g));
		outfile_lit(&g->out, ">tree level n</text>\n");
	}
}

static int svg_close(void *f, const struct export_totals *t, struct strbuf *err)
{
	struct svg *g = f;
	(void)t;
	for (uint32_t r = 0; r < g->nranks; r++)
		if (g->bars[r].cls >= 0)
			write_bar(g, r);
	int rc = append_lines(g);
	outfile_lit(&g->out, "</g>\n");
	put_axis(g);
	put_legend(g);
	outfile_lit(&g->out, "</svg>\n");
	if (rc != 0)
		strbuf_printf(err, "cannot use a temporary file: %s", strerror(g->lines.err));
	struct strbuf ignored = STRBUF_INIT;
	outfile_close(&g->lines, &ignored);
	strbuf_free(&ignored);
	if (outfile_close(&g->out, rc ? &ignored : err) != 0)
		rc = -1;
	strbuf_free(&ignored);
	free(g->bars);
	free(g);
	return rc;
}

const struct export_format export_svg = {
    .option = "svg",
    .what = "SVG picture",
    .wants_messages = 1,
    .wants_extent = 1,
    .prepare = export_check_file,
    .open = svg_open,
    .event = svg_event,
    .message = svg_message,
    .pending = svg_pending,
    .close = svg_close,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * report.html: one self-contained page over a run's results folder.  It is
 * drawn from summary.json and cases/<id>.json (results/README.md) only:
 * inline CSS, plots as inline SVG made here, the lock graph's SVG pasted
 * in.  Every string from the JSON is escaped; every field may be missing
 * or null (a crashed case has little more than its id and status).
 * Long series are thinned so the page stays small.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "json.h"
#include "report.h"

#define SERIES_POINTS	400		/* most points drawn of one series */
#define TOTAL_POINTS	24000		/* most points of all line series */
#define FINDING_MARKS	20		/* most finding marks on one line */
#define APCB_CASES	4		/* cases whose APCBs are drawn */
#define APCB_GUESTS	12		/* guests drawn of one case */
#define APCB_TITLES	80		/* marks with a tooltip, per guest */
#define LEGEND_ROWS	16
#define ERRNO_COLS	12
#define SVG_MAX		(32 << 20)	/* a bigger lockgraph.svg is linked */

static const char *const palette[] = {
	"#0969da", "#e16f24", "#1a7f37", "#8250df", "#bf3989",
	"#1b7c83", "#9a6700", "#57606a", "#cf222e", "#4d2d00",
};
#define NCOLORS (sizeof(palette) / sizeof(palette[0]))

/* ---- text ---- */

/* At most max characters (UTF-8 aware), then an ellipsis. */
static void esc_trunc(FILE *f, const char *s, int max)
{
	char buf[512];
	size_t i, n = 0;
	int chars = 0;

	if (!s)
		return;
	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			break;
		if (n < sizeof(buf) - 1)
			buf[n++] = s[i];
	}
	buf[n] = 0;
	markup_escape(f, buf);
	if (s[i])
		fputs("\u2026", f);
}

/* A fragment id: the string with anything but [A-Za-z0-9._-] as '_'. */
static void anchor(FILE *f, const char *prefix, const char *s)
{
	fputs(prefix, f);
	for (; s && *s; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';

		fputc(ok ? c : '_', f);
	}
}

/* 1234567 -> "1,234,567"; fractions keep one decimal. */
static const char *fmt_count(char *buf, size_t len, double v)
{
	char raw[40], *p = raw, *o = buf;
	int digits, i;

	if (v != v || v > 1e15 || v < -1e15) {
		snprintf(buf, len, "%g", v);
		return buf;
	}
	if (v != (double)(long long)v) {
		snprintf(buf, len, "%.1f", v);
		return buf;
	}
	snprintf(raw, sizeof(raw), "%lld", (long long)v);
	if (*p == '-')
		*o++ = *p++;
	digits = strlen(p);
	for (i = 0; p[i] && (size_t)(o - buf) < len - 2; i++) {
		if (i && (digits - i) % 3 == 0)
			*o++ = ',';
		*o++ = p[i];
	}
	*o = 0;
	return buf;
}

/* 950 -> "950", 16000 -> "16k", 1250000 -> "1.25M" */
static const char *fmt_short(char *buf, size_t len, double v)
{
	const char *unit = "";
	double a = v < 0 ? -v : v;

	if (a >= 1e6) {
		v /= 1e6;
		unit = "M";
	} else if (a >= 1e4) {
		v /= 1e3;
		unit = "k";
	}
	snprintf(buf, len, *unit ? "%.3g%s" : "%.0f%s", v, unit);
	return buf;
}

/* ---- axes ---- */

struct axis {
	double lo, hi, step;
};

static double dfloor(double x)
{
	double i = (double)(long long)x;

	return i > x ? i - 1 : i;
}

static double nice_step(double raw)
{
	double p = 1, m;

	if (!(raw > 0) || raw > 1e300)
		return 1;
	while (p * 10 <= raw)
		p *= 10;
	while (p > raw)
		p /= 10;
	m = raw / p;
	return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

/* lo..hi widened to whole steps, about `ticks` of them */
static void axis_fit(struct axis *a, double lo, double hi, int ticks)
{
	if (!(hi > lo))
		hi = lo + 1;
	a->step = nice_step((hi - lo) / ticks);
	a->lo = dfloor(lo / a->step + 1e-9) * a->step;
	a->hi = -dfloor(-hi / a->step - 1e-9) * a->step;
	if (!(a->hi > a->lo))
		a->hi = a->lo + a->step;
}

static double axis_map(const struct axis *a, double v, double p0, double p1)
{
	return p0 + (v - a->lo) / (a->hi - a->lo) * (p1 - p0);
}

static int step_decimals(double step)
{
	int d = 0;

	while (d < 6 && step * 1.000001 < 1) {
		step *= 10;
		d++;
	}
	return d;
}

static void tick_label(char *buf, size_t len, double v, const struct axis *a, bool compact)
{
	double big = a->hi > -a->lo ? a->hi : -a->lo;
	double unit = 1;
	const char *u = "";

	if (compact && big >= 1e6) {
		unit = 1e6;
		u = "M";
	} else if (compact && big >= 1e4) {
		unit = 1e3;
		u = "k";
	}
	if (v > -1e-9 * a->step && v < 1e-9 * a->step) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%.*f%s", step_decimals(a->step / unit), v / unit, u);
}

/* Grid lines and labels of both axes around the box x0..x1, y0 (top)..y1. */
static void draw_axes(FILE *f, const struct axis *ax, const struct axis *ay,
		      double x0, double x1, double y0, double y1,
		      const char *xtitle, const char *ytitle, bool ycompact)
{
	char b[48];
	double v;
	int n;

	fputs("<g class=\"axes\">", f);
	for (n = 0, v = ax->lo; v <= ax->hi + ax->step * 1e-6 && n < 60; v += ax->step, n++) {
		double x = axis_map(ax, v, x0, x1);

		tick_label(b, sizeof(b), v, ax, false);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
			x, y0, x, y1, x, y1 + 16, b);
	}
	if (ay) {
		for (n = 0, v = ay->lo; v <= ay->hi + ay->step * 1e-6 && n < 60; v += ay->step, n++) {
			double y = axis_map(ay, v, y1, y0);

			tick_label(b, sizeof(b), v, ay, ycompact);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
				x0, y, x1, y, x0 - 6, y + 4, b);
		}
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>",
		x0, y1, x1, y1);
	if (ay)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>",
			x0, y0, x0, y1);
	if (xtitle)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"atitle\">%s</text>",
			(x0 + x1) / 2, y1 + 36, xtitle);
	if (ytitle)
		fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" "
			"class=\"atitle\">%s</text>", (y0 + y1) / 2, ytitle);
	fputs("</g>", f);
}

/* ---- the cases, as the page needs them ---- */

/* known: the case failed or died of known driver bugs only (KNOWN-ISSUES.md),
 * which does not fail the run */
enum status { ST_PASS, ST_KNOWN, ST_FAIL, ST_CRASH, ST_TIMEOUT, ST_OTHER, NR_ST };
static const char *const st_class[NR_ST] = { "pass", "known", "fail", "crash", "timeout", "unknown" };

struct kase {
	struct json_object *o;
	const char *id;		/* never NULL */
	const char *campaign;	/* never NULL */
	const char *status;	/* as written, or "?" */
	enum status st;
	const char *finding;	/* id of the summary finding naming it */
	char idbuf[24], fidbuf[24];
};

static enum status parse_status(const char *s)
{
	if (!s)
		return ST_OTHER;
	if (!strcmp(s, "pass"))
		return ST_PASS;
	if (!strcmp(s, "fail"))
		return ST_FAIL;
	if (!strcmp(s, "crash"))
		return ST_CRASH;
	if (!strcmp(s, "timeout"))
		return ST_TIMEOUT;
	return ST_OTHER;
}

static const char *finding_id(struct json_object *fd, size_t i, char *buf, size_t len)
{
	const char *id = jstr(fd, "id", NULL);

	if (id)
		return id;
	snprintf(buf, len, "F%zu", i + 1);
	return buf;
}

static void status_pill(FILE *f, const struct kase *k)
{
	fprintf(f, "<span class=\"pill st-%s\">", st_class[k->st]);
	markup_escape(f, k->status);
	fputs("</span>", f);
}

/* ---- sections ---- */

static void meta_row(FILE *f, const char *label, const char *val)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	if (val)
		markup_escape(f, val);
	else
		fputs("<span class=\"muted\">\u2014</span>", f);
	fputs("</td></tr>\n", f);
}

static void kpi(FILE *f, const char *label, const char *val, const char *cls)
{
	fprintf(f, "<div class=\"kpi%s%s\"><div class=\"v\">%s</div><div class=\"l\">%s</div></div>\n",
		cls ? " " : "", cls ? cls : "", val, label);
}

static void section_header(FILE *f, struct json_object *s, const struct kase *ks, int n)
{
	const char *verdict = jstr(s, "verdict", NULL);
	struct json_object *shards = jarr(s, "shards"), *fds = jarr(s, "findings");
	double cases = n, passed = 0, failed = 0, ops = 0, secs, ops_s, v;
	size_t i, nfd = alen(fds), nnew = 0;
	char b[64];
	const char *vcls;

	for (i = 0; i < (size_t)n; i++) {
		if (ks[i].st == ST_PASS || ks[i].st == ST_KNOWN)
			passed++;
		ops += jnum_or(ks[i].o, "operations", 0);
	}
	failed = n - passed;
	cases = jnum_or(s, "cases", cases);
	passed = jnum_or(s, "passed", passed);
	failed = jnum_or(s, "failed", failed);
	ops = jnum_or(s, "operations", ops);
	for (i = 0; i < nfd; i++)
		if (!jstr(aidx(fds, i), "known", NULL))
			nnew++;

	fputs("<section id=\"summary\"><div class=\"head\"><div>", f);
	if (verdict && !strcmp(verdict, "clean"))
		vcls = "clean";
	else if (verdict && !strcmp(verdict, "findings"))
		vcls = "findings";
	else
		vcls = "unknown";
	fprintf(f, "<div class=\"verdict %s\">", vcls);
	markup_escape(f, verdict ? verdict : "no verdict");
	fputs("</div><div class=\"kpis\">\n", f);

	kpi(f, "cases", fmt_count(b, sizeof(b), cases), NULL);
	kpi(f, "passed", fmt_count(b, sizeof(b), passed), "good");
	kpi(f, "failed", fmt_count(b, sizeof(b), failed), failed > 0 ? "bad" : NULL);
	snprintf(b, sizeof(b), "%zu", nfd);
	if (nfd)
		snprintf(b, sizeof(b), "%zu <small>(%zu new)</small>", nfd, nnew);
	kpi(f, "findings", b, nnew ? "bad" : NULL);
	kpi(f, "operations", fmt_count(b, sizeof(b), ops), NULL);
	if (!jnum(s, "ops_per_second", &ops_s))
		ops_s = jnum(s, "seconds", &secs) && secs > 0 ? ops / secs : -1;
	if (ops_s >= 0)
		kpi(f, "ops/s", fmt_count(b, sizeof(b), (double)(long long)(ops_s + 0.5)), NULL);
	fputs("</div></div>\n<table class=\"meta\">\n", f);
	meta_row(f, "tool", jstr(s, "tool", NULL));
	meta_row(f, "host", jstr(s, "host", NULL));
	meta_row(f, "kernel", jstr(s, "kernel", NULL));
	/* the fixes of driver/fixes/ the driver carried (make run FIXES=) */
	if (jstr(s, "fixes", NULL) && *jstr(s, "fixes", NULL))
		meta_row(f, "driver fixes", jstr(s, "fixes", NULL));
	meta_row(f, "started", jstr(s, "started", NULL));
	if (jnum(s, "seconds", &v)) {
		snprintf(b, sizeof(b), "%.1f s", v);
		meta_row(f, "seconds", b);
	} else {
		meta_row(f, "seconds", NULL);
	}
	if (alen(shards)) {
		fputs("<tr><th>shards</th><td>", f);
		for (i = 0; i < alen(shards); i++) {
			struct json_object *sh = aidx(shards, i);

			if (i)
				fputs(", ", f);
			if (sh && json_object_is_type(sh, json_type_string))
				markup_escape(f, json_object_get_string(sh));
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
	if (jstr(s, "command", NULL)) {
		fputs("<div class=\"cmdlabel\">command</div><code class=\"cmd\">", f);
		markup_escape(f, jstr(s, "command", NULL));
		fputs("</code>\n", f);
	}
	fputs("</section>\n", f);
}

static int section_matrix(FILE *f, const struct kase *ks, int n)
{
	const char **camps;
	int ncamp = 0, i, j, cnt[NR_ST] = { 0 };

	fputs("<section id=\"matrix\"><h2>Pass/fail matrix</h2>\n", f);
	if (!n) {
		fputs("<p class=\"muted\">No cases.</p></section>\n", f);
		return 0;
	}
	camps = calloc(n, sizeof(*camps));
	if (!camps)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		cnt[ks[i].st]++;
		for (j = 0; j < ncamp && strcmp(camps[j], ks[i].campaign); j++)
			;
		if (j == ncamp)
			camps[ncamp++] = ks[i].campaign;
	}
	fputs("<div class=\"matrix\">\n", f);
	for (j = 0; j < ncamp; j++) {
		int total = 0, ok = 0;

		for (i = 0; i < n; i++)
			if (!strcmp(ks[i].campaign, camps[j])) {
				total++;
				ok += ks[i].st == ST_PASS || ks[i].st == ST_KNOWN;
			}
		fputs("<div class=\"grp\"><div class=\"glabel\">", f);
		markup_escape(f, camps[j]);
		fprintf(f, "<div class=\"muted small\">%d/%d passed</div></div><div class=\"cells\">",
			ok, total);
		for (i = 0; i < n; i++) {
			const struct kase *k = &ks[i];
			double seed;
			bool link = k->st != ST_PASS;

			if (strcmp(k->campaign, camps[j]))
				continue;
			if (link) {
				fputs("<a href=\"#", f);
				if (k->finding)
					anchor(f, "finding-", k->finding);
				else
					anchor(f, "case-", k->id);
				fputs("\"", f);
			} else {
				fputs("<span", f);
			}
			fprintf(f, " class=\"cell %s\" title=\"", st_class[k->st]);
			markup_escape(f, k->id);
			fputs(": ", f);
			markup_escape(f, k->status);
			if (k->finding) {
				fputs(" \u2192 ", f);
				markup_escape(f, k->finding);
			}
			fputs("\">", f);
			if (jnum(k->o, "seed", &seed) && seed >= 0 && seed < 10000 &&
			    seed == (double)(long)seed)
				fprintf(f, "%ld", (long)seed);
			fputs(link ? "</a>" : "</span>", f);
		}
		fputs("</div></div>\n", f);
	}
	fputs("</div><div class=\"legend\">", f);
	for (i = 0; i < NR_ST; i++) {
		if (i == ST_OTHER && !cnt[i])
			continue;
		fprintf(f, "<span><i class=\"cell %s\"></i>%s %d</span>", st_class[i], st_class[i], cnt[i]);
	}
	fputs("</div></section>\n", f);
	free(camps);
	return 0;
}

/* A point of a case's timeline, or false if it is not one. */
static bool tl_point(struct json_object *p, double *t, double *ops, double *fnd)
{
	struct json_object *a, *b, *c;

	if (!p || !json_object_is_type(p, json_type_array) || json_object_array_length(p) < 2)
		return false;
	a = aidx(p, 0);
	b = aidx(p, 1);
	if (!jisnum(a) || !jisnum(b))
		return false;
	*t = json_object_get_double(a);
	*ops = json_object_get_double(b);
	c = json_object_array_length(p) > 2 ? aidx(p, 2) : NULL;
	*fnd = jisnum(c) ? json_object_get_double(c) : 0;
	return true;
}

static void plot_timeline(FILE *f, const struct kase *ks, int n)
{
	const double W = 1000, H = 380, x0 = 74, x1 = 790, y0 = 16, y1 = H - 52;
	double tmax = 0, omax = 0, t, o, fd;
	int i, nser = 0, budget, shown = 0, marks_total = 0;
	struct axis ax, ay;
	size_t j, len;

	for (i = 0; i < n; i++) {
		struct json_object *tl = jarr(ks[i].o, "timeline");
		bool any = false;

		for (j = 0, len = alen(tl); j < len; j++) {
			if (!tl_point(aidx(tl, j), &t, &o, &fd))
				continue;
			any = true;
			if (t > tmax)
				tmax = t;
			if (o > omax)
				omax = o;
		}
		nser += any;
	}
	if (!nser) {
		fputs("<p class=\"muted\">No case recorded a timeline.</p>\n", f);
		return;
	}
	budget = TOTAL_POINTS / nser;
	if (budget > SERIES_POINTS)
		budget = SERIES_POINTS;
	if (budget < 40)
		budget = 40;
	axis_fit(&ax, 0, tmax > 0 ? tmax : 1, 8);
	axis_fit(&ay, 0, omax > 0 ? omax : 1, 6);

	fprintf(f, "<svg class=\"plot\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"aria-label=\"operations so far against seconds, one line per case\">\n", W, H);
	draw_axes(f, &ax, &ay, x0, x1, y0, y1, "seconds", "operations so far", true);
	for (i = 0; i < n; i++) {
		struct json_object *tl = jarr(ks[i].o, "timeline");
		const char *color = palette[shown % NCOLORS];
		double stride, next = 0, prevf = -1, px = 0, py = 0;
		size_t valid = 0, k = 0, last = 0;
		int marks = 0;
		bool any = false;

		len = alen(tl);
		for (j = 0; j < len; j++)
			if (tl_point(aidx(tl, j), &t, &o, &fd)) {
				valid++;
				last = j;
			}
		if (!valid)
			continue;
		stride = valid > (size_t)budget ? (double)(valid - 1) / (budget - 1) : 1;
		fprintf(f, "<polyline class=\"series\" stroke=\"%s\"%s points=\"", color,
			ks[i].st == ST_PASS ? "" : " stroke-width=\"2.4\"");
		for (j = 0; j < len; j++) {
			if (!tl_point(aidx(tl, j), &t, &o, &fd))
				continue;
			if ((double)k >= next - 1e-9 || j == last) {
				px = axis_map(&ax, t, x0, x1);
				py = axis_map(&ay, o, y1, y0);
				fprintf(f, "%s%.1f,%.1f", any ? " " : "", px, py);
				any = true;
				while (next <= (double)k + 1e-9)
					next += stride;
			}
			k++;
		}
		fputs("\"><title>", f);
		markup_escape(f, ks[i].id);
		fputs(" (", f);
		markup_escape(f, ks[i].status);
		fputs(")</title></polyline>\n", f);
		/* a red dot where the case's findings went up */
		for (j = 0; j < len && marks < FINDING_MARKS; j++) {
			if (!tl_point(aidx(tl, j), &t, &o, &fd))
				continue;
			if (prevf >= 0 && fd > prevf) {
				fprintf(f, "<circle class=\"fmark\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>",
					axis_map(&ax, t, x0, x1), axis_map(&ay, o, y1, y0));
				markup_escape(f, ks[i].id);
				fprintf(f, ": finding %.0f at %.2f s</title></circle>\n", fd, t);
				marks++;
			}
			prevf = fd;
		}
		marks_total += marks;
		shown++;
	}

	/* legend, right of the plot */
	{
		double lx = x1 + 22, ly = y0 + 8;
		int rows = 0, limit = nser > LEGEND_ROWS ? LEGEND_ROWS - 1 : LEGEND_ROWS;

		for (i = 0, shown = 0; i < n; i++) {
			struct json_object *tl = jarr(ks[i].o, "timeline");
			bool any = false;

			for (j = 0, len = alen(tl); j < len && !any; j++)
				any = tl_point(aidx(tl, j), &t, &o, &fd);
			if (!any)
				continue;
			if (rows < limit) {
				fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
					"stroke-width=\"3\"/><text x=\"%.1f\" y=\"%.1f\" class=\"leg\">",
					lx, ly + rows * 19, lx + 18, ly + rows * 19,
					palette[shown % NCOLORS], lx + 24, ly + rows * 19 + 4);
				esc_trunc(f, ks[i].id, 20);
				if (ks[i].st != ST_PASS) {
					fputs(" <tspan class=\"bad\">", f);
					markup_escape(f, ks[i].status);
					fputs("</tspan>", f);
				}
				fputs("</text>\n", f);
				rows++;
			}
			shown++;
		}
		if (nser > rows) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"leg muted\">+ %d more</text>\n",
				lx, ly + rows * 19 + 4, nser - rows);
			rows++;
		}
		if (marks_total)
			fprintf(f, "<circle class=\"fmark\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" class=\"leg\">finding</text>\n",
				lx + 9, ly + rows * 19 + 4, lx + 24, ly + rows * 19 + 8);
	}
	fputs("</svg>\n", f);
}

struct opstat {
	const char *name;
	double done, errors;
	struct json_object *errnos;	/* object: name -> count, or NULL */
};

/* Adds a per_operation object into the aggregate `agg`. */
static int agg_add(struct json_object *agg, struct json_object *po)
{
	json_object_object_foreach(po, op, st) {
		struct json_object *a = jobj(agg, op), *ae, *se = jobj(st, "errnos");

		if (!json_object_is_type(st, json_type_object))
			continue;
		if (!a) {
			a = json_object_new_object();
			if (!a || json_object_object_add(agg, op, a)) {
				json_object_put(a);
				return -ENOMEM;
			}
			json_object_object_add(a, "done", json_object_new_double(0));
			json_object_object_add(a, "errors", json_object_new_double(0));
			json_object_object_add(a, "errnos", json_object_new_object());
		}
		json_object_object_add(a, "done", json_object_new_double(
			jnum_or(a, "done", 0) + jnum_or(st, "done", 0)));
		json_object_object_add(a, "errors", json_object_new_double(
			jnum_or(a, "errors", 0) + jnum_or(st, "errors", 0)));
		ae = jobj(a, "errnos");
		if (se && ae) {
			json_object_object_foreach(se, en, ev) {
				if (jisnum(ev))
					json_object_object_add(ae, en, json_object_new_double(
						jnum_or(ae, en, 0) + json_object_get_double(ev)));
			}
		}
	}
	return 0;
}

/* The run's per_operation: the summary's, else the cases' summed in *agg. */
static struct json_object *per_operation(struct json_object *s, const struct kase *ks, int n,
					 struct json_object **agg)
{
	struct json_object *po = jobj(s, "per_operation");
	int i;

	*agg = NULL;
	if (po)
		return po;
	for (i = 0; i < n; i++) {
		struct json_object *cpo = jobj(ks[i].o, "per_operation");

		if (!cpo)
			continue;
		if (!*agg)
			*agg = json_object_new_object();
		if (!*agg || agg_add(*agg, cpo))
			break;
	}
	return *agg;
}

static int collect_ops(struct json_object *po, struct opstat **out)
{
	struct opstat *ops;
	int n = 0;

	*out = NULL;
	if (!po)
		return 0;
	ops = calloc(json_object_object_length(po) + 1, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	{
		json_object_object_foreach(po, op, st) {
			if (!json_object_is_type(st, json_type_object))
				continue;
			ops[n].name = op;
			ops[n].done = jnum_or(st, "done", 0);
			ops[n].errors = jnum_or(st, "errors", 0);
			ops[n].errnos = jobj(st, "errnos");
			n++;
		}
	}
	*out = ops;
	return n;
}

static void plot_ops_bars(FILE *f, const struct opstat *ops, int n)
{
	const double W = 1000, H = 330, x0 = 74, x1 = 980, y0 = 42;
	double y1, vmax = 0, gw, bw;
	bool rotate;
	struct axis ay;
	char b[32];
	int i;

	if (!n) {
		fputs("<p class=\"muted\">No per-operation counts.</p>\n", f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (ops[i].done > vmax)
			vmax = ops[i].done;
		if (ops[i].errors > vmax)
			vmax = ops[i].errors;
	}
	gw = (x1 - x0) / n;
	rotate = gw < 80;
	y1 = H - (rotate ? 80 : 44);
	bw = gw * 0.34;
	if (bw > 38)
		bw = 38;
	axis_fit(&ay, 0, vmax > 0 ? vmax : 1, 5);

	fprintf(f, "<svg class=\"plot\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"aria-label=\"operations done and failed, per operation\">\n", W, H);
	{
		/* y axis only; the x axis carries names, not numbers */
		double v;
		int k;

		for (k = 0, v = ay.lo; v <= ay.hi + ay.step * 1e-6 && k < 60; v += ay.step, k++) {
			double y = axis_map(&ay, v, y1, y0);

			tick_label(b, sizeof(b), v, &ay, true);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"tick\">%s</text>",
				x0, y, x1, y, x0 - 6, y + 4, b);
		}
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>\n",
			x0, y1, x1, y1, x0, y0, x0, y1);
		fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" "
			"class=\"atitle\">operations</text>\n", (y0 + y1) / 2);
	}
	for (i = 0; i < n; i++) {
		double cx = x0 + gw * (i + 0.5);
		double yd = axis_map(&ay, ops[i].done, y1, y0);
		double ye = axis_map(&ay, ops[i].errors, y1, y0);
		char b2[32];

		fprintf(f, "<rect class=\"bar-done\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			"<title>", cx - bw - 1, yd, bw, y1 - yd);
		markup_escape(f, ops[i].name);
		fprintf(f, ": %s done</title></rect>", fmt_count(b, sizeof(b), ops[i].done));
		fprintf(f, "<rect class=\"bar-err\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			"<title>", cx + 1, ye, bw, y1 - ye);
		markup_escape(f, ops[i].name);
		fprintf(f, ": %s errors</title></rect>\n", fmt_count(b, sizeof(b), ops[i].errors));
		if (bw >= 14) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"val\">%s</text>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"val bad\">%s</text>\n",
				cx - bw / 2 - 1, yd - 4, fmt_short(b, sizeof(b), ops[i].done),
				cx + bw / 2 + 1, ye - 4, fmt_short(b2, sizeof(b2), ops[i].errors));
		}
		if (rotate)
			fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-35)\" text-anchor=\"end\" "
				"class=\"tick\">", cx + 4, y1 + 14);
		else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick\">",
				cx, y1 + 18);
		esc_trunc(f, ops[i].name, 22);
		fputs("</text>\n", f);
	}
	fprintf(f, "<rect class=\"bar-done\" x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\"/>"
		"<text x=\"%.1f\" y=\"18\" class=\"leg\">done</text>"
		"<rect class=\"bar-err\" x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\"/>"
		"<text x=\"%.1f\" y=\"18\" class=\"leg\">errors</text>\n",
		x1 - 140, x1 - 123, x1 - 70, x1 - 53);
	fputs("</svg>\n", f);
}

static int section_operations(FILE *f, const struct kase *ks, int n,
			      const struct opstat *ops, int nops)
{
	fputs("<section id=\"operations\"><h2>Operations over time</h2>\n"
	      "<p class=\"muted small\">Operations done so far against the case's seconds, one line "
	      "per case (failed cases drawn thicker; long series thinned).</p>\n", f);
	plot_timeline(f, ks, n);
	fputs("<h3>Per operation: done and errors</h3>\n", f);
	plot_ops_bars(f, ops, nops);
	fputs("</section>\n", f);
	return 0;
}

/* ---- APCBs ---- */

static int hex_weight(const char *s)
{
	int n = 0;

	if (!s)
		return 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		n += __builtin_popcount(v);
	}
	return n;
}

struct apev {
	double t;
	int a, d;
	const char *guest;
};

static int apcb_events(struct json_object *o, struct apev **out)
{
	struct json_object *ap = jarr(o, "apcb");
	size_t i, len = alen(ap);
	struct apev *ev;
	int n = 0;

	*out = NULL;
	if (!len)
		return 0;
	ev = calloc(len, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		struct json_object *e = aidx(ap, i);
		const char *g = jstr(e, "guest", NULL);

		if (!g || !jnum(e, "t", &ev[n].t))
			continue;
		ev[n].guest = g;
		ev[n].a = hex_weight(jstr(e, "apm", NULL));
		ev[n].d = hex_weight(jstr(e, "aqm", NULL));
		n++;
	}
	if (!n) {
		free(ev);
		return 0;
	}
	*out = ev;
	return n;
}

static int plot_apcb(FILE *f, const struct kase *k)
{
	const double W = 1000, lx = 10, x0 = 170, x1 = 975, top = 8, lane = 48;
	struct apev *ev;
	const char **guests = NULL;
	int *idx = NULL, nev, ng = 0, shown, g, i, cap = 0, maxc = 0, changes;
	double tmin, tmax, H, y1;
	struct axis ax;

	nev = apcb_events(k->o, &ev);
	if (nev <= 0)
		return nev;
	tmin = tmax = ev[0].t;
	for (i = 0; i < nev; i++) {
		int c = ev[i].a * ev[i].d;

		if (ev[i].t < tmin)
			tmin = ev[i].t;
		if (ev[i].t > tmax)
			tmax = ev[i].t;
		for (g = 0; g < ng && strcmp(guests[g], ev[i].guest); g++)
			;
		if (g == ng) {
			if (ng == cap) {
				const char **ng2 = realloc(guests, (cap = cap ? 2 * cap : 16) * sizeof(*guests));

				if (!ng2)
					goto nomem;
				guests = ng2;
			}
			guests[ng++] = ev[i].guest;
		}
		if (g < APCB_GUESTS && c > maxc)
			maxc = c;
	}
	idx = malloc(nev * sizeof(*idx));
	if (!idx)
		goto nomem;
	shown = ng < APCB_GUESTS ? ng : APCB_GUESTS;
	axis_fit(&ax, tmin, tmax > tmin ? tmax : tmin + 1, 8);
	H = top + shown * lane + 46;
	y1 = top + shown * lane;

	fputs("<div class=\"apcase\"><h3>", f);
	markup_escape(f, k->id);
	fputs(" ", f);
	status_pill(f, k);
	fprintf(f, " <span class=\"muted small\">%d APCB changes, %d guest%s", nev, ng,
		ng == 1 ? "" : "s");
	if (ng > shown)
		fprintf(f, " (first %d drawn)", shown);
	fprintf(f, "; lane height = %d APQNs</span></h3>\n", maxc);
	fprintf(f, "<svg class=\"plot\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"aria-label=\"APCB of each guest over time\">\n", W, H);
	for (g = 0; g < shown; g++)
		fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" class=\"%s\"/>",
			top + g * lane, W, lane, g % 2 ? "lane1" : "lane0");
	fputc('\n', f);
	draw_axes(f, &ax, NULL, x0, x1, top, y1, "t (s, kernel log time)", NULL, false);

	for (g = 0; g < shown; g++) {
		const char *color = palette[g % NCOLORS];
		double ytop = top + g * lane, yb = ytop + lane - 10, hs = lane - 18;
		int m = 0, kept = 0, j, lastc = 0, lasta = 0, lastd = 0, cmin = -1, cmax = 0;
		double bucket, px0 = 0;

		for (i = 0; i < nev; i++)
			if (!strcmp(ev[i].guest, guests[g]))
				idx[m++] = i;
		changes = m;
		/* thin to one change per bucket of pixels, keeping the bucket's last */
		bucket = m > SERIES_POINTS ? (x1 - x0) / SERIES_POINTS : 0;
		for (j = 0; j < m; j++) {
			struct apev *e = &ev[idx[j]];
			int c = e->a * e->d;

			if (cmin < 0 || c < cmin)
				cmin = c;
			if (c > cmax)
				cmax = c;
			if (bucket > 0 && j + 1 < m) {
				long b0 = (long)((axis_map(&ax, e->t, x0, x1) - x0) / bucket);
				long b1 = (long)((axis_map(&ax, ev[idx[j + 1]].t, x0, x1) - x0) / bucket);

				if (b0 == b1)
					continue;
			}
			idx[kept++] = idx[j];
		}
		if (kept) {
			struct apev *e = &ev[idx[kept - 1]];

			lasta = e->a;
			lastd = e->d;
			lastc = lasta * lastd;
		}

		fprintf(f, "<g><title>");
		markup_escape(f, guests[g]);
		fprintf(f, ": %d change%s, %d to %d APQNs</title>\n", changes, changes == 1 ? "" : "s",
			cmin < 0 ? 0 : cmin, cmax);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lane-name\">", lx, ytop + 20);
		esc_trunc(f, guests[g], 20);
		fprintf(f, "</text><text x=\"%.1f\" y=\"%.1f\" class=\"lane-sub\">%d change%s \u00b7 "
			"now %d\u00d7%d = %d</text>\n", lx, ytop + 36, changes, changes == 1 ? "" : "s",
			lasta, lastd, lastc);
		if (!kept) {
			fputs("</g>\n", f);
			continue;
		}
		/* step line and its shade */
		fputs("<path class=\"step\" stroke=\"", f);
		fputs(color, f);
		fputs("\" d=\"", f);
		for (j = 0; j < kept; j++) {
			struct apev *e = &ev[idx[j]];
			double x = axis_map(&ax, e->t, x0, x1);
			double y = yb - (maxc ? (double)(e->a * e->d) / maxc : 0) * hs;

			if (!j) {
				fprintf(f, "M%.1f %.1f", x, y);
				px0 = x;
			} else {
				fprintf(f, "H%.1fV%.1f", x, y);
			}
		}
		fprintf(f, "H%.1f\"/>\n", x1);
		fprintf(f, "<path class=\"shade\" fill=\"%s\" d=\"M%.1f %.1f", color, px0, yb);
		for (j = 0; j < kept; j++) {
			struct apev *e = &ev[idx[j]];
			double x = axis_map(&ax, e->t, x0, x1);
			double y = yb - (maxc ? (double)(e->a * e->d) / maxc : 0) * hs;

			fprintf(f, "H%.1fV%.1f", x, y);
		}
		fprintf(f, "H%.1fV%.1fZ\"/>\n", x1, yb);
		/* a tick under each change */
		fputs("<path class=\"rug\" d=\"", f);
		for (j = 0; j < kept; j++)
			fprintf(f, "M%.1f %.1fv6", axis_map(&ax, ev[idx[j]].t, x0, x1), yb + 1);
		fputs("\"/>\n", f);
		if (kept <= APCB_TITLES) {
			for (j = 0; j < kept; j++) {
				struct apev *e = &ev[idx[j]];
				double y = yb - (maxc ? (double)(e->a * e->d) / maxc : 0) * hs;

				fprintf(f, "<circle class=\"mark\" stroke=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">"
					"<title>", color, axis_map(&ax, e->t, x0, x1), y);
				markup_escape(f, guests[g]);
				fprintf(f, " t=%.3f s: %d adapter%s \u00d7 %d domain%s = %d APQNs</title>"
					"</circle>", e->t, e->a, e->a == 1 ? "" : "s", e->d,
					e->d == 1 ? "" : "s", e->a * e->d);
			}
			fputc('\n', f);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg></div>\n", f);
	free(idx);
	free(guests);
	free(ev);
	return 0;
nomem:
	free(idx);
	free(guests);
	free(ev);
	return -ENOMEM;
}

static int section_apcb(FILE *f, const struct kase *ks, int n)
{
	int *order, i, m = 0, withev = 0, ret = 0;

	fputs("<section id=\"apcb\"><h2>APCB per guest</h2>\n"
	      "<p class=\"muted small\">Each guest's AP control block over time: a tick under each "
	      "change, the line the number of APQNs it grants (adapters \u00d7 domains in the apm "
	      "and aqm). Cases that did not pass come first.</p>\n", f);
	order = calloc(n ? n : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (alen(jarr(ks[i].o, "apcb")))
			withev++;
	/* cases that did not pass first, then the others, each in case order */
	for (i = 0; i < n && m < APCB_CASES; i++)
		if (ks[i].st != ST_PASS && alen(jarr(ks[i].o, "apcb")))
			order[m++] = i;
	for (i = 0; i < n && m < APCB_CASES; i++)
		if (ks[i].st == ST_PASS && alen(jarr(ks[i].o, "apcb")))
			order[m++] = i;
	if (!m)
		fputs("<p class=\"muted\">No case recorded an APCB change.</p>\n", f);
	for (i = 0; i < m && !ret; i++)
		ret = plot_apcb(f, &ks[order[i]]);
	if (withev > m)
		fprintf(f, "<p class=\"muted small\">%d more case%s with APCB changes not drawn.</p>\n",
			withev - m, withev - m == 1 ? "" : "s");
	fputs("</section>\n", f);
	free(order);
	return ret < 0 ? ret : 0;
}

/* ---- findings and tables ---- */

static void section_findings(FILE *f, struct json_object *s, const struct kase *ks, int n)
{
	struct json_object *fds = jarr(s, "findings");
	size_t i, j, nfd = alen(fds);
	char idb[24];

	fputs("<section id=\"findings\"><h2>Findings</h2>\n", f);
	if (!nfd)
		fputs("<p class=\"muted\">No findings.</p>\n", f);
	for (i = 0; i < nfd; i++) {
		struct json_object *fd = aidx(fds, i), *cs = jarr(fd, "cases");
		const char *id = finding_id(fd, i, idb, sizeof(idb));
		const char *known = jstr(fd, "known", NULL), *kind = jstr(fd, "kind", NULL);
		const char *repro = jstr(fd, "repro", NULL), *first = jstr(fd, "first", NULL);
		const char *report = jstr(fd, "report", NULL);

		fprintf(f, "<div class=\"finding%s\" id=\"", known ? " known" : "");
		anchor(f, "finding-", id);
		fputs("\"><div class=\"fhead\"><span class=\"fid\">", f);
		markup_escape(f, id);
		fputs("</span> <span class=\"ftitle\">", f);
		markup_escape(f, jstr(fd, "title", NULL) ? jstr(fd, "title", NULL) : "(untitled)");
		fputs("</span></div>\n<div class=\"fmeta\">", f);
		if (known) {
			fputs("<span class=\"pill known\">known ", f);
			markup_escape(f, known);
			fputs("</span>", f);
		} else {
			fputs("<span class=\"pill new\">new</span>", f);
		}
		if (kind) {
			fputs(" <span class=\"pill kind\">", f);
			markup_escape(f, kind);
			fputs("</span>", f);
		}
		if (repro) {
			fputs(" <a class=\"repro\" href=\"", f);
			markup_escape(f, repro);
			fputs("\">repro: ", f);
			markup_escape(f, repro);
			fputs("</a>", f);
		}
		fputs("</div>\n", f);
		if (alen(cs)) {
			fprintf(f, "<div class=\"fcases\">case%s: ", alen(cs) == 1 ? "" : "s");
			for (j = 0; j < alen(cs) && j < 40; j++) {
				struct json_object *c = aidx(cs, j);
				const char *cid = c && json_object_is_type(c, json_type_string) ?
						  json_object_get_string(c) : NULL;
				int k;

				if (!cid)
					continue;
				for (k = 0; k < n && strcmp(ks[k].id, cid); k++)
					;
				if (j)
					fputs(", ", f);
				if (k < n) {
					fputs("<a href=\"#", f);
					anchor(f, "case-", cid);
					fputs("\">", f);
					markup_escape(f, cid);
					fputs("</a>", f);
				} else {
					markup_escape(f, cid);
				}
			}
			if (alen(cs) > 40)
				fprintf(f, " and %zu more", alen(cs) - 40);
			fputs("</div>\n", f);
		}
		if (first) {
			fputs("<div class=\"ffirst\"><code>", f);
			markup_escape(f, first);
			fputs("</code></div>\n", f);
		}
		if (report) {
			fputs("<details><summary>full report</summary><pre>", f);
			markup_escape(f, report);
			fputs("</pre></details>\n", f);
		}
		fputs("</div>\n", f);
	}
	fputs("</section>\n", f);
}

/* "EBUSY 3, EINVAL 1" of an errnos object */
static void errno_list(FILE *f, struct json_object *en)
{
	bool any = false;

	if (en && json_object_is_type(en, json_type_object)) {
		json_object_object_foreach(en, name, cnt) {
			char b[32];

			fputs(any ? ", " : "", f);
			markup_escape(f, name);
			if (jisnum(cnt))
				fprintf(f, " %s", fmt_count(b, sizeof(b), json_object_get_double(cnt)));
			any = true;
		}
	}
	if (!any)
		fputs("<span class=\"muted\">\u2014</span>", f);
}

static int section_errnos(FILE *f, const struct opstat *ops, int n)
{
	const char *cols[ERRNO_COLS];
	int ncol = 0, i, c;
	bool other = false;
	double tdone = 0, terr = 0, tcol[ERRNO_COLS + 1] = { 0 };
	char b[32];

	fputs("<section id=\"errnos\"><h2>Per-operation errnos</h2>\n", f);
	if (!n) {
		fputs("<p class=\"muted\">No per-operation counts.</p></section>\n", f);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!ops[i].errnos)
			continue;
		json_object_object_foreach(ops[i].errnos, name, cnt) {
			(void)cnt;
			for (c = 0; c < ncol && strcmp(cols[c], name); c++)
				;
			if (c < ncol)
				continue;
			if (ncol < ERRNO_COLS)
				cols[ncol++] = name;
			else
				other = true;
		}
	}
	fputs("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>operation</th>"
	      "<th class=\"n\">done</th><th class=\"n\">errors</th><th class=\"n\">error rate</th>", f);
	for (c = 0; c < ncol; c++) {
		fputs("<th class=\"n\">", f);
		markup_escape(f, cols[c]);
		fputs("</th>", f);
	}
	if (other)
		fputs("<th class=\"n\">other</th>", f);
	fputs("</tr></thead><tbody>\n", f);
	for (i = 0; i < n; i++) {
		double oth = 0;

		fputs("<tr><td>", f);
		markup_escape(f, ops[i].name);
		fprintf(f, "</td><td class=\"n\">%s</td>", fmt_count(b, sizeof(b), ops[i].done));
		fprintf(f, "<td class=\"n%s\">%s</td>", ops[i].errors > 0 ? " bad" : "",
			fmt_count(b, sizeof(b), ops[i].errors));
		if (ops[i].done > 0)
			fprintf(f, "<td class=\"n\">%.1f%%</td>", 100.0 * ops[i].errors / ops[i].done);
		else
			fputs("<td class=\"n muted\">\u2014</td>", f);
		tdone += ops[i].done;
		terr += ops[i].errors;
		for (c = 0; c < ncol; c++) {
			double v;

			if (jnum(ops[i].errnos, cols[c], &v) && v != 0) {
				fprintf(f, "<td class=\"n\">%s</td>", fmt_count(b, sizeof(b), v));
				tcol[c] += v;
			} else {
				fputs("<td class=\"n muted\">\u00b7</td>", f);
			}
		}
		if (other && ops[i].errnos) {
			json_object_object_foreach(ops[i].errnos, name, cnt) {
				int k;

				for (k = 0; k < ncol && strcmp(cols[k], name); k++)
					;
				if (k == ncol && jisnum(cnt))
					oth += json_object_get_double(cnt);
			}
		}
		if (other) {
			fprintf(f, "<td class=\"n\">%s</td>", fmt_count(b, sizeof(b), oth));
			tcol[ERRNO_COLS] += oth;
		}
		fputs("</tr>\n", f);
	}
	fprintf(f, "</tbody><tfoot><tr><th>total</th><th class=\"n\">%s</th>",
		fmt_count(b, sizeof(b), tdone));
	fprintf(f, "<th class=\"n\">%s</th>", fmt_count(b, sizeof(b), terr));
	if (tdone > 0)
		fprintf(f, "<th class=\"n\">%.1f%%</th>", 100.0 * terr / tdone);
	else
		fputs("<th></th>", f);
	for (c = 0; c < ncol; c++)
		fprintf(f, "<th class=\"n\">%s</th>", fmt_count(b, sizeof(b), tcol[c]));
	if (other)
		fprintf(f, "<th class=\"n\">%s</th>", fmt_count(b, sizeof(b), tcol[ERRNO_COLS]));
	fputs("</tr></tfoot></table></div></section>\n", f);
	return 0;
}

static void section_fail_nth(FILE *f, struct json_object *fn)
{
	size_t i, j, n = alen(fn);
	char b[32];

	fputs("<section id=\"failnth\"><h2>fail-nth</h2>\n"
	      "<p class=\"muted small\">Each allocation or call site an operation reaches, made to fail "
	      "in turn: how many sites, how many left the driver clean, what the operation "
	      "answered.</p>\n<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>operation</th>"
	      "<th class=\"n\">sites</th><th class=\"n\">clean</th><th>errnos</th><th>problems</th>"
	      "</tr></thead><tbody>\n", f);
	for (i = 0; i < n; i++) {
		struct json_object *r = aidx(fn, i), *pr = jarr(r, "problems");
		double sites = 0, clean = 0;
		bool hs = jnum(r, "sites", &sites), hc = jnum(r, "clean", &clean);
		bool bad = alen(pr) || (hs && hc && clean < sites);

		fprintf(f, "<tr%s><td>", bad ? " class=\"badrow\"" : "");
		markup_escape(f, jstr(r, "operation", NULL) ? jstr(r, "operation", NULL) : "?");
		fprintf(f, "</td><td class=\"n\">%s</td>", hs ? fmt_count(b, sizeof(b), sites) : "\u2014");
		fprintf(f, "<td class=\"n%s\">%s</td><td>", hs && hc && clean < sites ? " bad" : "",
			hc ? fmt_count(b, sizeof(b), clean) : "\u2014");
		errno_list(f, jobj(r, "errnos"));
		fputs("</td><td>", f);
		if (!alen(pr)) {
			fputs("<span class=\"muted\">none</span>", f);
		} else {
			fputs("<ul class=\"plain\">", f);
			for (j = 0; j < alen(pr); j++) {
				struct json_object *p = aidx(pr, j);

				fputs("<li>", f);
				if (p && json_object_is_type(p, json_type_string))
					markup_escape(f, json_object_get_string(p));
				else
					markup_escape(f, json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
				fputs("</li>", f);
			}
			fputs("</ul>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div></section>\n", f);
}

/* functions in source order */
static int by_first_line(const void *a, const void *b)
{
	double x = jnum_or(*(struct json_object *const *)a, "first_line", 0);
	double y = jnum_or(*(struct json_object *const *)b, "first_line", 0);

	return (x > y) - (x < y);
}

/*
 * The driver's coverage (--coverage): per file, per function in source
 * order (an unreached function's row marked), and the source with every
 * line's count, the lines never run marked.
 */
static void section_coverage(FILE *f, struct json_object *cov, const char *dir)
{
	struct json_object *counts;
	char *path = NULL;

	if (asprintf(&path, "%s/coverage.json", dir) < 0)
		return;
	counts = json_object_from_file(path);
	free(path);
	fputs("<section id=\"coverage\"><h2>Driver coverage</h2>\n"
	      "<p class=\"muted small\">What the cases ran of the driver's two files (gcov, all cases "
	      "added): per function, then the source with each line's count; lines never run are "
	      "marked.</p>\n", f);
	json_object_object_foreach(cov, file, t) {
		struct json_object *per = jobj(t, "by_function"), **fns, *fc = jobj(counts, file);
		struct json_object *lines = jobj(fc, "lines");
		size_t nf = 0, i;
		char b1[32], b2[32];
		FILE *src;

		fprintf(f, "<h3>");
		markup_escape(f, file);
		fprintf(f, "</h3>\n<p>%.1f%% of lines (%s of %s), %.0f of %.0f functions, %.1f%% of branches</p>\n",
			jnum_or(t, "lines", 0) ? 100 * jnum_or(t, "lines_hit", 0) / jnum_or(t, "lines", 1) : 0,
			fmt_count(b1, sizeof(b1), jnum_or(t, "lines_hit", 0)),
			fmt_count(b2, sizeof(b2), jnum_or(t, "lines", 0)),
			jnum_or(t, "functions_hit", 0), jnum_or(t, "functions", 0),
			jnum_or(t, "branches", 0) ? 100 * jnum_or(t, "branches_hit", 0) / jnum_or(t, "branches", 1) : 0);
		fns = calloc(json_object_object_length(per) + 1, sizeof(*fns));
		json_object_object_foreach(per, fname, fo) {
			(void)fname;
			fns[nf++] = fo;
		}
		qsort(fns, nf, sizeof(*fns), by_first_line);
		fputs("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>function</th>"
		      "<th class=\"n\">line</th><th class=\"n\">lines run</th><th class=\"n\">branches taken</th>"
		      "</tr></thead><tbody>\n", f);
		for (i = 0; i < nf; i++) {
			const char *name = jstr(fns[i], "name", NULL) ? jstr(fns[i], "name", NULL) : "?";

			fprintf(f, "<tr%s><td><a href=\"#cov-%s-%.0f\">", jnum_or(fns[i], "lines_hit", 0) ? "" :
				" class=\"badrow\"", file, jnum_or(fns[i], "first_line", 0));
			markup_escape(f, name);
			fprintf(f, "</a></td><td class=\"n\">%.0f</td><td class=\"n\">%.0f / %.0f</td>"
				"<td class=\"n\">%.0f / %.0f</td></tr>\n", jnum_or(fns[i], "first_line", 0),
				jnum_or(fns[i], "lines_hit", 0), jnum_or(fns[i], "lines", 0),
				jnum_or(fns[i], "branches_hit", 0), jnum_or(fns[i], "branches", 0));
		}
		fputs("</tbody></table></div>\n", f);
		free(fns);
		src = jstr(fc, "source", NULL) ? fopen(jstr(fc, "source", NULL), "r") : NULL;
		if (!src) {
			fputs("<p class=\"muted\">The source is not at hand (coverage.json names where it was "
			      "built).</p>\n", f);
			continue;
		}
		fputs("<details><summary>source, line by line</summary><pre class=\"cov\">", f);
		{
			char line[4096], key[16];
			int ln = 0;

			while (fgets(line, sizeof(line), src)) {
				struct json_object *c;

				ln++;
				line[strcspn(line, "\n")] = 0;
				snprintf(key, sizeof(key), "%d", ln);
				c = jget(lines, key);
				fprintf(f, "<span id=\"cov-%s-%d\" class=\"%s\">%5d %8s  ", file, ln,
					!c ? "" : json_object_get_int64(c) ? "hit" : "miss", ln,
					!c ? "" : fmt_count(b1, sizeof(b1), (double)json_object_get_int64(c)));
				markup_escape(f, line);
				fputs("</span>\n", f);
			}
		}
		fclose(src);
		fputs("</pre></details>\n", f);
	}
	fputs("</section>\n", f);
	json_object_put(counts);
}

/* a word of argv for a shell (quoted when it needs to be), as HTML */
static void shell_word_html(FILE *f, const char *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	shell_word(m, w);
	fclose(m);
	markup_escape(f, buf);
	free(buf);
}

static void section_cases(FILE *f, const struct kase *ks, int n)
{
	int i;
	char b[32];

	fputs("<section id=\"cases\"><h2>Cases</h2>\n", f);
	if (!n) {
		fputs("<p class=\"muted\">No cases.</p></section>\n", f);
		return;
	}
	fprintf(f, "<details%s><summary>%d case%s</summary>\n", n <= 60 ? " open" : "", n,
		n == 1 ? "" : "s");
	fputs("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th>case</th><th>campaign</th>"
	      "<th class=\"n\">seed</th><th>status</th><th class=\"n\">seconds</th>"
	      "<th class=\"n\">operations</th><th>findings</th><th>unexpected</th><th>replay</th>"
	      "</tr></thead><tbody>\n", f);
	for (i = 0; i < n; i++) {
		const struct kase *k = &ks[i];
		struct json_object *un = jarr(k->o, "unexpected"), *fds = jarr(k->o, "findings");
		struct json_object *argv = jarr(k->o, "argv");
		double v;
		size_t j;

		fputs("<tr id=\"", f);
		anchor(f, "case-", k->id);
		fputs("\"><td class=\"id\">", f);
		markup_escape(f, k->id);
		fputs("</td><td>", f);
		markup_escape(f, k->campaign);
		fputs("</td><td class=\"n\">", f);
		if (jnum(k->o, "seed", &v))
			fputs(fmt_count(b, sizeof(b), v), f);
		fputs("</td><td>", f);
		status_pill(f, k);
		fputs("</td><td class=\"n\">", f);
		if (jnum(k->o, "seconds", &v))
			fprintf(f, "%.2f", v);
		fputs("</td><td class=\"n\">", f);
		if (jnum(k->o, "operations", &v))
			fputs(fmt_count(b, sizeof(b), v), f);
		fputs("</td><td>", f);
		for (j = 0; j < alen(fds) && j < 5; j++) {
			const char *t = jstr(aidx(fds, j), "title", NULL);

			fputs(j ? "<br>" : "", f);
			esc_trunc(f, t ? t : "?", 80);
		}
		if (alen(fds) > 5)
			fprintf(f, "<br><span class=\"muted\">and %zu more</span>", alen(fds) - 5);
		fputs("</td><td>", f);
		if (alen(un)) {
			struct json_object *u0 = aidx(un, 0);

			if (u0 && json_object_is_type(u0, json_type_string))
				esc_trunc(f, json_object_get_string(u0), 100);
			if (alen(un) > 1)
				fprintf(f, " <span class=\"muted\">(+%zu)</span>", alen(un) - 1);
		}
		fputs("</td><td>", f);
		if (alen(argv)) {
			fputs("<details><summary>argv</summary><code class=\"argv\">", f);
			for (j = 0; j < alen(argv); j++) {
				struct json_object *a = aidx(argv, j);

				if (j)
					fputc(' ', f);
				if (a && json_object_is_type(a, json_type_string))
					shell_word_html(f, json_object_get_string(a));
			}
			fputs("</code></details>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div></details></section>\n", f);
}

/* The whole file at path in a fresh buffer, NUL-terminated. */
static int slurp(const char *path, char **out, size_t *outlen)
{
	struct stat st;
	size_t len = 0, cap;
	char *buf;
	ssize_t r;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > SVG_MAX) {
		close(fd);
		return -EFBIG;
	}
	cap = st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			free(buf);
			close(fd);
			return err;
		}
		len += r;
		if (len == cap - 1)
			break;
	}
	close(fd);
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
}

/* Past the XML declaration, doctype and comments before the root element. */
static const char *skip_prolog(const char *p)
{
	for (;;) {
		const char *e;

		if (!strncmp(p, "\xef\xbb\xbf", 3))
			p += 3;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!strncmp(p, "<?", 2)) {
			e = strstr(p, "?>");
			if (!e)
				return NULL;
			p = e + 2;
		} else if (!strncmp(p, "<!--", 4)) {
			e = strstr(p + 4, "-->");
			if (!e)
				return NULL;
			p = e + 3;
		} else if (!strncasecmp(p, "<!DOCTYPE", 9)) {
			const char *gt = strchr(p, '>'), *br = strchr(p, '[');

			if (br && gt && br < gt)
				gt = strstr(br, "]>") ? strchr(strstr(br, "]>"), '>') : NULL;
			if (!gt)
				return NULL;
			p = gt + 1;
		} else {
			return p;
		}
	}
}

static int section_lockgraph(FILE *f, const char *dir)
{
	char *path = NULL, *buf = NULL;
	const char *svg;
	size_t len = 0;
	int err;

	fputs("<section id=\"lockgraph\"><h2>Lock-class graph</h2>\n", f);
	if (asprintf(&path, "%s/lockgraph.svg", dir) < 0)
		return -ENOMEM;
	err = slurp(path, &buf, &len);
	free(path);
	if (err == -ENOMEM)
		return err;
	if (err == -ENOENT) {
		fputs("<p class=\"muted\">No lock graph drawn: graphviz was not available (the graph "
		      "is in <a href=\"lockgraph.dot\">lockgraph.dot</a> if it was written).</p>\n", f);
	} else if (err == -EFBIG) {
		fputs("<p>The graph is too big to embed: <a href=\"lockgraph.svg\">lockgraph.svg</a>."
		      "</p>\n", f);
	} else if (err) {
		fprintf(f, "<p class=\"muted\">lockgraph.svg could not be read: %s.</p>\n",
			strerror(-err));
	} else if (!(svg = skip_prolog(buf)) || strncasecmp(svg, "<svg", 4)) {
		fputs("<p class=\"muted\">lockgraph.svg is not an SVG image; "
		      "<a href=\"lockgraph.svg\">the file</a>.</p>\n", f);
	} else {
		fputs("<p class=\"muted small\">Lock classes and the order they were taken in, over all "
		      "cases; the edges of any cycle are red.</p>\n<div class=\"lockgraph\">\n", f);
		fwrite(svg, 1, len - (svg - buf), f);
		fputs("\n</div>\n", f);
	}
	fputs("</section>\n", f);
	free(buf);
	return 0;
}

static void section_background(FILE *f, struct json_object *bg)
{
	const char *cmd = jstr(bg, "command", NULL), *met = jstr(bg, "metrics", NULL);

	fputs("<section id=\"background\"><h2>Background load</h2>\n", f);
	if (cmd) {
		fputs("<div class=\"cmdlabel\">command</div><code class=\"cmd\">", f);
		markup_escape(f, cmd);
		fputs("</code>\n", f);
	}
	if (met) {
		fputs("<div class=\"cmdlabel\">metrics</div><pre>", f);
		markup_escape(f, met);
		fputs("</pre>\n", f);
	}
	if (!cmd && !met)
		fputs("<p class=\"muted\">No details recorded.</p>\n", f);
	fputs("</section>\n", f);
}

static const char css[] =
	":root{--ok:#1a7f37;--bad:#cf222e;--warn:#bc4c00;--mut:#656d76;--line:#d0d7de;"
	"--soft:#f6f8fa}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Helvetica,Arial,"
	"sans-serif;color:#1f2328;background:#eef1f4}\n"
	"header.top{background:#24292f;color:#fff;padding:12px 28px;display:flex;align-items:baseline;"
	"gap:24px;flex-wrap:wrap}\n"
	"header.top h1{margin:0;font-size:19px;font-weight:600}\n"
	"header.top nav a{color:#c9d1d9;margin-right:14px;text-decoration:none;font-size:13px}\n"
	"header.top nav a:hover{color:#fff}\n"
	"main{max-width:1240px;margin:0 auto;padding:20px 24px 40px}\n"
	"section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;"
	"margin:0 0 18px}\n"
	"h2{font-size:16px;margin:0 0 12px;padding-bottom:8px;border-bottom:1px solid #eaeef2}\n"
	"h3{font-size:14px;margin:18px 0 6px}\n"
	".muted{color:var(--mut)}.small{font-size:12px}.bad{color:var(--bad);fill:var(--bad)}\n"
	".head{display:flex;gap:28px;align-items:center;flex-wrap:wrap;margin-bottom:12px}\n"
	".verdict{font-size:44px;font-weight:800;letter-spacing:.03em;text-transform:uppercase;"
	"line-height:1.1;margin-bottom:10px}\n"
	".verdict.clean{color:var(--ok)}.verdict.findings{color:var(--bad)}"
	".verdict.unknown{color:var(--mut)}\n"
	".kpis{display:flex;gap:10px;flex-wrap:wrap}\n"
	".kpi{border:1px solid var(--line);border-radius:6px;padding:6px 14px;min-width:110px;"
	"background:var(--soft)}\n"
	".kpi .v{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}"
	".kpi .v small{font-size:12px;font-weight:400}\n"
	".kpi .l{font-size:11px;color:var(--mut);text-transform:uppercase;letter-spacing:.05em}\n"
	".kpi.good .v{color:var(--ok)}.kpi.bad .v{color:var(--bad)}\n"
	"table.meta{border-collapse:collapse;margin:4px 0 8px}\n"
	"table.meta th{text-align:left;color:var(--mut);font-weight:500;padding:2px 18px 2px 0}\n"
	"table.meta td{padding:2px 0}\n"
	".cmdlabel{font-size:11px;color:var(--mut);text-transform:uppercase;letter-spacing:.05em;"
	"margin-top:6px}\n"
	"code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
	"code.cmd{display:block;background:var(--soft);border:1px solid var(--line);padding:6px 10px;"
	"border-radius:6px;white-space:pre-wrap;word-break:break-all;font-size:12px}\n"
	".matrix .grp{display:flex;align-items:flex-start;gap:12px;padding:6px 0;"
	"border-bottom:1px solid #f0f2f4}\n"
	".matrix .glabel{width:150px;flex:none;font-weight:600}\n"
	".cells{display:flex;flex-wrap:wrap;gap:3px}\n"
	".cell{width:26px;height:26px;border-radius:4px;display:inline-flex;align-items:center;"
	"justify-content:center;font-size:10px;color:#fff;text-decoration:none;font-style:normal}\n"
	"a.cell:hover{outline:2px solid #1f2328}\n"
	".cell.pass{background:#2da44e}.cell.fail{background:#cf222e}"
	".cell.known{background:#8250df}.cell.crash{background:#e16f24}.cell.timeout{background:#b35900}.cell.unknown{background:#8c959f}\n"
	".legend{display:flex;gap:16px;margin-top:10px;font-size:12px;color:var(--mut)}\n"
	".legend span{display:inline-flex;align-items:center;gap:5px}"
	".legend .cell{width:12px;height:12px}\n"
	".pill{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;"
	"line-height:20px;border:1px solid transparent}\n"
	".st-pass{background:#dafbe1;color:#1a7f37}.st-fail{background:#ffebe9;color:#cf222e}"
	".st-known{background:#fbefff;color:#8250df}.st-crash,.st-timeout{background:#fff1e5;color:#bc4c00}"
	".st-unknown{background:#eaeef2;color:#57606a}\n"
	".pill.new{background:#ffebe9;color:#cf222e}.pill.known{background:#ddf4ff;color:#0969da}"
	".pill.kind{background:#eaeef2;color:#424a53}\n"
	"svg.plot{width:100%;height:auto;display:block;margin:6px 0}\n"
	"svg.plot text{font-size:12px;fill:#424a53}\n"
	"svg.plot .atitle{font-size:12px;fill:var(--mut)}\n"
	"svg.plot .grid{stroke:#eaeef2;stroke-width:1}svg.plot .axis{stroke:#8c959f;stroke-width:1}\n"
	"svg.plot .series{fill:none;stroke-width:1.6;stroke-linejoin:round}\n"
	"svg.plot .series:hover{stroke-width:3.5}\n"
	"svg.plot .fmark{fill:#cf222e;stroke:#fff;stroke-width:1.5}\n"
	"svg.plot .leg{font-size:12px}svg.plot .val{font-size:10px;fill:#57606a}"
	"svg.plot .val.bad{fill:#cf222e}\n"
	"svg.plot .bar-done{fill:#0969da}svg.plot .bar-err{fill:#cf222e}\n"
	"svg.plot .lane0{fill:#fff}svg.plot .lane1{fill:#f6f8fa}\n"
	"svg.plot .lane-name{font-weight:600;font-size:12px;fill:#1f2328}"
	"svg.plot .lane-sub{font-size:10.5px;fill:#656d76}\n"
	"svg.plot .step{fill:none;stroke-width:1.8}svg.plot .shade{fill-opacity:.13;stroke:none}\n"
	"svg.plot .rug{stroke:#57606a;stroke-width:1;opacity:.55}\n"
	"svg.plot .mark{fill:#fff;stroke-width:1.5}\n"
	".apcase{margin-bottom:8px}\n"
	".finding{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:6px;"
	"padding:10px 14px;margin:10px 0}\n"
	".finding.known{border-left-color:#54aeff}\n"
	".finding:target{box-shadow:0 0 0 3px #ffd8b5}\n"
	".fhead{font-size:15px;margin-bottom:4px}.fid{font-weight:700;color:var(--mut);"
	"margin-right:4px}.ftitle{font-weight:600}\n"
	".fmeta,.fcases,.ffirst{margin:4px 0;font-size:13px}\n"
	".ffirst code{background:var(--soft);padding:2px 6px;border-radius:4px;font-size:12px;"
	"word-break:break-word}\n"
	"a{color:#0969da}a.repro{font-size:12px;margin-left:6px}\n"
	"details summary{cursor:pointer;color:#0969da;font-size:13px}\n"
	"pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px;"
	"overflow:auto;font-size:12px;max-height:520px;line-height:1.4}\n"
	".scroll{overflow-x:auto}\n"
	"table.grid{border-collapse:collapse;width:100%;font-size:13px}\n"
	"table.grid th,table.grid td{border-bottom:1px solid #eaeef2;padding:5px 9px;text-align:left;"
	"vertical-align:top}\n"
	"table.grid thead th{background:var(--soft);font-weight:600;border-bottom:1px solid "
	"var(--line);white-space:nowrap}\n"
	"table.grid tfoot th{border-top:1px solid var(--line);border-bottom:0}\n"
	"table.grid .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"table.grid tbody tr:hover{background:#f6f8fa}table.grid tr:target{background:#fff8c5}\n"
	"table.grid tr.badrow td{background:#fff5f5}\n"
	"pre.cov{font-size:12px;line-height:1.35;overflow:auto}pre.cov span{display:block}\n"
	"pre.cov .miss{background:#ffebe9}pre.cov .hit{background:#f0fff4}\n"
	"table.grid td.id,table.grid summary{white-space:nowrap}\n"
	"ul.plain{margin:0;padding-left:16px}\n"
	"code.argv{display:block;font-size:11px;white-space:pre-wrap;word-break:break-all;"
	"max-width:420px}\n"
	".lockgraph{overflow:auto;border:1px solid var(--line);border-radius:6px;padding:8px;"
	"max-height:900px}\n"
	".lockgraph svg{max-width:100%;height:auto}\n"
	"footer{color:var(--mut);font-size:12px;text-align:center;padding:8px 0 24px}\n";

/* The driver edges a COV=1 campaign reached, and for a guided one its
 * corpus and the operation mix it learned (weight over the default). */
static void section_edges(FILE *f, struct json_object *e)
{
	struct json_object *mix = jobj(e, "mix"), *g;
	struct json_object_iter it;
	double edges = 0, entries = 0;
	char b[32];

	jnum(e, "edges", &edges);
	jnum(e, "corpus_entries", &entries);
	fputs("<section id=\"edges\"><h2>Driver edges</h2>\n<p>", f);
	fprintf(f, "%s distinct edges of the driver's two files reached", fmt_count(b, sizeof(b), edges));
	if (json_object_object_get_ex(e, "guided", &g) && json_object_get_boolean(g))
		fprintf(f, "; guided: %s case(s) kept in the corpus", fmt_count(b, sizeof(b), entries));
	fputs(".</p>\n", f);
	if (mix) {
		fputs("<p class=\"muted small\">The operation mix the guided campaign learned: each new "
		      "edge credits the step that first hit it; an operation's weight over its default "
		      "(within 1/2..2x).</p>\n<table class=\"grid\"><thead><tr><th>operation</th>"
		      "<th class=\"n\">weight</th></tr></thead><tbody>\n", f);
		json_object_object_foreachC(mix, it) {
			fputs("<tr><td>", f);
			markup_escape(f, it.key);
			fprintf(f, "</td><td class=\"n\">%.2fx</td></tr>\n", json_object_get_double(it.val));
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("</section>\n", f);
}

static int write_page(FILE *f, const char *dir, struct json_object *s,
		      struct kase *ks, int n)
{
	struct json_object *agg = NULL, *po, *fn = jarr(s, "fail_nth"), *bg = jobj(s, "background_load");
	struct json_object *cov = jobj(s, "coverage");
	struct opstat *ops = NULL;
	int nops, err;
	char when[64] = "";
	time_t now = time(NULL);
	struct tm tm;

	po = per_operation(s, ks, n, &agg);
	nops = collect_ops(po, &ops);
	if (nops < 0) {
		json_object_put(agg);
		return nops;
	}
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>vfio-ap-stress report", f);
	if (jstr(s, "started", NULL)) {
		fputs(" \u2014 ", f);
		markup_escape(f, jstr(s, "started", NULL));
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fputs("<header class=\"top\"><h1>vfio-ap-stress report</h1><nav>"
	      "<a href=\"#summary\">Summary</a><a href=\"#matrix\">Matrix</a>"
	      "<a href=\"#operations\">Operations</a><a href=\"#apcb\">APCB</a>"
	      "<a href=\"#findings\">Findings</a><a href=\"#errnos\">Errnos</a>", f);
	if (fn)
		fputs("<a href=\"#failnth\">fail-nth</a>", f);
	if (cov)
		fputs("<a href=\"#coverage\">Coverage</a>", f);
	if (jobj(s, "edges"))
		fputs("<a href=\"#edges\">Edges</a>", f);
	fputs("<a href=\"#lockgraph\">Lock graph</a>", f);
	if (bg)
		fputs("<a href=\"#background\">Background</a>", f);
	fputs("<a href=\"#cases\">Cases</a></nav></header>\n<main>\n", f);

	section_header(f, s, ks, n);
	err = section_matrix(f, ks, n);
	if (!err)
		err = section_operations(f, ks, n, ops, nops);
	if (!err)
		err = section_apcb(f, ks, n);
	if (!err) {
		section_findings(f, s, ks, n);
		err = section_errnos(f, ops, nops);
	}
	if (!err && fn)
		section_fail_nth(f, fn);
	if (!err && cov)
		section_coverage(f, cov, dir);
	if (!err && jobj(s, "edges"))
		section_edges(f, jobj(s, "edges"));
	if (!err)
		err = section_lockgraph(f, dir);
	if (!err && bg)
		section_background(f, bg);
	if (!err)
		section_cases(f, ks, n);
	if (!err) {
		fputs("</main>\n<footer>written by ", f);
		markup_escape(f, jstr(s, "tool", NULL) ? jstr(s, "tool", NULL) : "vfio-ap-stress");
		fprintf(f, " at %s from summary.json and cases/*.json</footer>\n</body>\n</html>\n", when);
	}
	free(ops);
	json_object_put(agg);
	return err;
}

int report_write(const char *dir, struct json_object *summary,
		 struct json_object *const *cases, int ncases)
{
	struct json_object *fds = jarr(summary, "findings");
	char *path = NULL, *tmp = NULL;
	struct kase *ks = NULL;
	FILE *f = NULL;
	int i, err = 0;
	size_t j, k;

	if (!dir)
		return -EINVAL;
	if (ncases < 0 || !cases)
		ncases = 0;
	ks = calloc(ncases ? ncases : 1, sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	for (i = 0; i < ncases; i++) {
		struct kase *c = &ks[i];

		c->o = cases[i] && json_object_is_type(cases[i], json_type_object) ? cases[i] : NULL;
		c->id = jstr(c->o, "id", NULL);
		if (!c->id) {
			snprintf(c->idbuf, sizeof(c->idbuf), "case-%d", i + 1);
			c->id = c->idbuf;
		}
		c->campaign = jstr(c->o, "campaign", NULL) ? jstr(c->o, "campaign", NULL) : "(no campaign)";
		c->status = jstr(c->o, "status", NULL) ? jstr(c->o, "status", NULL) : "?";
		c->st = parse_status(jstr(c->o, "status", NULL));
		if (c->st == ST_FAIL || c->st == ST_CRASH) {
			struct json_object *cf = jarr(c->o, "findings");
			bool all_known = alen(cf) > 0 && !alen(jarr(c->o, "unexpected"));

			for (j = 0; j < alen(cf); j++)
				if (!jstr(aidx(cf, j), "known", NULL))
					all_known = false;
			if (all_known)
				c->st = ST_KNOWN;
		}
		/* the first summary finding that names the case */
		for (j = 0; j < alen(fds) && !c->finding; j++) {
			struct json_object *cs = jarr(aidx(fds, j), "cases");

			for (k = 0; k < alen(cs); k++) {
				struct json_object *x = aidx(cs, k);

				if (x && json_object_is_type(x, json_type_string) &&
				    !strcmp(json_object_get_string(x), c->id)) {
					c->finding = finding_id(aidx(fds, j), j, c->fidbuf,
								sizeof(c->fidbuf));
					break;
				}
			}
		}
	}
	if (asprintf(&path, "%s/report.html", dir) < 0) {
		path = NULL;
		err = -ENOMEM;
		goto out;
	}
	if (asprintf(&tmp, "%s/.report.html.%ld", dir, (long)getpid()) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		goto out;
	}
	err = write_page(f, dir, summary, ks, ncases);
	if (!err && ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
out:
	free(tmp);
	free(path);
	free(ks);
	return err;
}

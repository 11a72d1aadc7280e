// SPDX-License-Identifier: GPL-2.0
/*
 * The campaign tools' option table (options.h): each option once, with
 * what it sets, its --help row and its words in a case's replay argv.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

/* ------------------------------------------------------------ values */

static int whole(const char *v, unsigned long long *out)
{
	char *end;

	if (!*v || *v == '-')
		return -1;
	*out = strtoull(v, &end, 0);
	return *end ? -1 : 0;
}

static int ranged(const char *v, long lo, long hi, long *out)
{
	char *end;

	*out = strtol(v, &end, 0);
	return !*v || *end || *out < lo || *out > hi ? -1 : 0;
}

static int ranged_int(const char *v, long lo, long hi, int *out)
{
	long x;

	if (ranged(v, lo, hi, &x))
		return -1;
	*out = (int)x;
	return 0;
}

static void add(struct json_object *a, const char *s)
{
	json_object_array_add(a, json_object_new_string(s));
}

static void addf(struct json_object *a, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void addf(struct json_object *a, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add(a, name);
	add(a, buf);
}

/* ------------------------------------------------------- the options */

static int set_host(struct tool_opts *o, const char *v)
{
	if (strcmp(v, "sim") && strcmp(v, "linux"))
		return -1;
	o->host = v;
	return 0;
}

/* always: the default depends on the machine and $VFIO_AP_HOST, and a
 * sim case replayed on an s390x host must not drive the real one */
static void replay_host(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--host", "%s", o->host);
}

static int set_ksrc(struct tool_opts *o, const char *v) { o->ksrc = v; return 0; }
static int set_which_host(struct tool_opts *o, const char *v) { o->which_host = true; return 0; }

static int set_seed(struct tool_opts *o, const char *v)
{
	o->seed_given = true;
	return whole(v, &o->p.seed);
}

static void replay_seed(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--seed", "%llu", o->p.seed);
}

static int set_seeds(struct tool_opts *o, const char *v)
{
	return whole(v, &o->seeds) || !o->seeds ? -1 : 0;
}

static int set_duration(struct tool_opts *o, const char *v)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || x <= 0)
		return -1;
	if (!strcmp(end, "m"))
		x *= 60;
	else if (!strcmp(end, "h"))
		x *= 3600;
	else if (strcmp(end, "") && strcmp(end, "s"))
		return -1;
	o->cp.duration = x;
	return 0;
}

static int set_shard(struct tool_opts *o, const char *v)
{
	char extra;

	if (sscanf(v, "%d/%d%c", &o->shard, &o->nshards, &extra) != 2 || o->nshards < 1 ||
	    o->shard < 0 || o->shard >= o->nshards)
		return -1;
	return 0;
}

static int set_ops(struct tool_opts *o, const char *v)
{
	return ranged(v, 1, 1L << 40, &o->p.ops);
}

static void replay_ops(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--ops", "%ld", o->p.ops);
}

static int set_threads(struct tool_opts *o, const char *v)
{
	return ranged_int(v, 1, STRESS_MAX_THREADS, &o->p.threads);
}

static void replay_threads(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--threads", "%d", o->p.threads);
}

static int set_config(struct tool_opts *o, const char *v)
{
	int ad, dom;
	char extra;

	if (sscanf(v, "%dx%d%c", &ad, &dom, &extra) != 2 || ad < 1 || ad > 256 || dom < 1 || dom > 256)
		return -1;
	snprintf(o->p.config, sizeof(o->p.config), "%dx%d", ad, dom);
	return 0;
}

static void replay_config(const struct tool_opts *o, struct json_object *a)
{
	if (o->p.config[0])
		addf(a, "--config", "%s", o->p.config);
}

static int set_guests(struct tool_opts *o, const char *v)
{
	return ranged_int(v, 0, 16, &o->p.guests);
}

static int set_no_guests(struct tool_opts *o, const char *v)
{
	o->p.guests = 0;
	return 0;
}

static void replay_guests(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--guests", "%d", o->p.guests);
}

static int set_vcpus(struct tool_opts *o, const char *v)
{
	return ranged_int(v, 1, 8, &o->p.vcpus);
}

static void replay_vcpus(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--vcpus", "%d", o->p.vcpus);
}

static int set_mix(struct tool_opts *o, const char *v)
{
	char bad[64];

	return stress_parse_mix(&o->p, v, bad, sizeof(bad));
}

static void replay_mix(const struct tool_opts *o, struct json_object *a)
{
	char buf[512];

	stress_format_mix(&o->p, buf, sizeof(buf));
	addf(a, "--mix", "%s", buf);
}

static int set_det(struct tool_opts *o, const char *v)
{
	if (strcmp(v, "random") && strcmp(v, "pct"))
		return -1;
	o->p.det = v;
	return 0;
}

static void replay_det(const struct tool_opts *o, struct json_object *a)
{
	if (o->p.det)
		addf(a, "--deterministic", "%s", o->p.det);
}

static int set_fault(struct tool_opts *o, const char *v)
{
	if (strncmp(v, "failslab:", 9) && strncmp(v, "fail-function:", 14) && strncmp(v, "ap:", 3))
		return -1;
	o->p.fault = v;
	return 0;
}

static void replay_fault(const struct tool_opts *o, struct json_object *a)
{
	if (o->p.fault)
		addf(a, "--fault", "%s", o->p.fault);
}

static int set_campaign(struct tool_opts *o, const char *v)
{
	static const char *const names[] = { "all", "failslab", "fail-function", "ap-response", "fail-nth" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i])) {
			o->campaign = v;
			return 0;
		}
	return -1;
}

static void replay_campaign(const struct tool_opts *o, struct json_object *a)
{
	if (o->campaign)
		addf(a, "--campaign", "%s", o->campaign);
}

static int set_only(struct tool_opts *o, const char *v) { o->only = v; return 0; }

static void replay_only(const struct tool_opts *o, struct json_object *a)
{
	if (o->only)
		addf(a, "--only", "%s", o->only);
}
static int set_background(struct tool_opts *o, const char *v) { o->background = true; return 0; }
static int set_coverage(struct tool_opts *o, const char *v) { o->cp.coverage = true; return 0; }
static int set_corpus(struct tool_opts *o, const char *v) { o->corpus = v; return 0; }
static int set_program(struct tool_opts *o, const char *v) { o->program = v; return 0; }

static void replay_program(const struct tool_opts *o, struct json_object *a)
{
	if (o->prog_file[0])
		addf(a, "--program", "%s", o->prog_file);
}

static int set_timeout(struct tool_opts *o, const char *v)
{
	return ranged_int(v, 1, 1L << 30, &o->cp.timeout);
}

static void replay_timeout(const struct tool_opts *o, struct json_object *a)
{
	addf(a, "--timeout", "%d", o->cp.timeout ? o->cp.timeout : 600);
}

static int set_results(struct tool_opts *o, const char *v) { o->results = v; return 0; }
static int set_quiet(struct tool_opts *o, const char *v) { o->cp.quiet = true; return 0; }

#define BOTH (OPT_STRESS | OPT_FAULT)
static const struct tool_option options[] = {
	{ "host", "sim|linux", "the host (the linux host: the running kernel, within\n"
	  "VFIO_AP_TEST_APQNS); default: $VFIO_AP_HOST, else linux\n"
	  "on an s390x machine with the AP bus, else sim", BOTH,
	  set_host, replay_host, "sim or linux" },
	{ "which-host", NULL, "print the host the default picks, and exit", BOTH,
	  set_which_host, NULL, NULL },
	{ "ksrc", "TREE", "check that this build simulates TREE's driver", OPT_STRESS,
	  set_ksrc, NULL, NULL },
	{ "seed", "N", "first seed (1)", BOTH, set_seed, replay_seed, "a whole number" },
	{ "seeds", "K", "cases: seeds N..N+K-1 (1; vfio-ap-stress: unbounded\n"
	  "with --duration)", BOTH, set_seeds, NULL, "a whole number > 0" },
	{ "duration", "T", "run cases until T has passed (s, m or h suffix)", OPT_STRESS,
	  set_duration, NULL, "seconds > 0, or with an s, m or h suffix" },
	{ "shard", "I/N", "only the seeds s with (s - first) % N == I", OPT_STRESS,
	  set_shard, NULL, "I/N with 0 <= I < N" },
	{ "ops", "N", "operations per case, all workers (2000; vfio-ap-fault 600)", BOTH,
	  set_ops, replay_ops, "a number >= 1" },
	{ "threads", "N", "worker threads (2)", BOTH, set_threads, replay_threads, "1..16" },
	{ "config", "AxD", "adapters x domains of the host (the sim's 4x16)", OPT_STRESS,
	  set_config,
	  replay_config, "AxD, each 1..256" },
	{ "guests", "N", "most guests running at once (4; 0: none)", BOTH,
	  set_guests, replay_guests, "0..16" },
	{ "no-guests", NULL, "the same as --guests 0", OPT_STRESS, set_no_guests, NULL, NULL },
	{ "vcpus", "N", "a guest has 1..N vCPUs (2)", BOTH, set_vcpus, replay_vcpus, "1..8" },
	{ "mix", "op=w,...", "operation weights, 0..1000 (stress/README.md says what each\n"
	  "does)", OPT_STRESS,
	  set_mix, replay_mix, "op=weight,... with operations of --help and weights 0..1000" },
	{ "deterministic", "P", "the replayable scheduler: random or pct", BOTH,
	  set_det, replay_det, "random or pct" },
	{ "fault", "F", "failslab:P:I, fail-function:FUNC:P or ap:INSN:RC:P", OPT_STRESS, set_fault,
	  replay_fault, "failslab:P:I, fail-function:FUNC:P or ap:INSN:RC:P" },
	{ "campaign", "C", "all, failslab, fail-function, ap-response or fail-nth (all)", OPT_FAULT,
	  set_campaign, replay_campaign, "all, failslab, fail-function, ap-response or fail-nth" },
	{ "only", "NAME", "one sweep (NAME: its operation, exactly), or the stress\n"
	  "cases whose id contains NAME", OPT_FAULT, set_only, replay_only, NULL },
	{ "background-load", NULL, "stress-ng alongside, its metrics in the summary", OPT_STRESS,
	  set_background, NULL, NULL },
	{ "coverage", NULL, "the driver's line, branch and function coverage into\n"
	  "coverage.json and the summary (a COV=1 build)", BOTH, set_coverage, NULL, NULL },
	{ "corpus", "DIR", "guided: keep the cases that reach new driver edges in\n"
	  "DIR (and results/corpus), derive new cases from them;\n"
	  "DIR's entries are replayed first (a COV=1 build)", OPT_STRESS, set_corpus, NULL, NULL },
	{ "program", "FILE", "run FILE's program (a corpus entry, or a case's\n"
	  "programs/<id>.json) instead of the seed's own", OPT_STRESS,
	  set_program, replay_program, NULL },
	{ "timeout", "S", "a case's time limit (600)", BOTH,
	  set_timeout, replay_timeout, "seconds >= 1" },
	{ "results", "DIR", "the results folder (results/<time>-<host>-<kernel>)", BOTH,
	  set_results, NULL, NULL },
	{ "quiet", NULL, "no progress line, no summary", BOTH, set_quiet, NULL, NULL },
	{ "help", NULL, "this text", BOTH, NULL, NULL, NULL },
};
#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

void tool_opts_init(struct tool_opts *o)
{
	memset(o, 0, sizeof(*o));
	stress_defaults(&o->p);
	o->host = vap_host_default();
	o->nshards = 1;
}

int tool_opts_parse(struct tool_opts *o, unsigned int tool, const char *name, int argc,
		    char **argv)
{
	struct option lo[NR_OPTIONS + 1];
	int n = 0, c, li = 0;
	size_t i;

	memset(lo, 0, sizeof(lo));
	for (i = 0; i < NR_OPTIONS; i++)
		if (options[i].tools & tool)
			lo[n++] = (struct option){ options[i].name,
						   options[i].arg ? required_argument : no_argument,
						   NULL, 256 + (int)i };
	opterr = 0;	/* our own one-line errors */
	optind = 0;	/* getopt starts afresh (a second parse in one process) */
	while ((c = getopt_long(argc, argv, "h", lo, &li)) != -1) {
		const struct tool_option *t;

		if (c == 'h')
			c = 256 + (int)(NR_OPTIONS - 1);
		if (c < 256) {
			fprintf(stderr, "%s: unknown option '%s'; see --help\n", name, argv[optind - 1]);
			return 2;
		}
		t = &options[c - 256];
		if (!t->set) {
			printf("usage: %s [options]\n", name);
			tool_opts_usage(stdout, tool);
			return 1;
		}
		if (t->set(o, optarg)) {
			fprintf(stderr, "%s: --%s '%s': %s%s; see --help\n", name, t->name, optarg,
				t->expects ? "expected " : "bad value", t->expects ? t->expects : "");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", name, argv[optind]);
		return 2;
	}
	if (strcmp(o->host, "sim") && strcmp(o->host, "linux")) {
		/* the default's: $VFIO_AP_HOST */
		fprintf(stderr, "%s: VFIO_AP_HOST='%s': expected sim or linux\n", name, o->host);
		return 2;
	}
	return 0;
}

void tool_opts_usage(FILE *f, unsigned int tool)
{
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct tool_option *t = &options[i];
		char head[64];
		const char *h = t->help;

		if (!(t->tools & tool))
			continue;
		snprintf(head, sizeof(head), "--%s%s%s", t->name, t->arg ? " " : "", t->arg ? t->arg : "");
		fprintf(f, "  %-22s", head);
		while (*h) {
			size_t len = strcspn(h, "\n");

			fprintf(f, "%s%.*s\n", h == t->help ? "" : "                        ", (int)len, h);
			h += len + (h[len] == '\n');
		}
	}
}

struct json_object *tool_opts_replay(const struct tool_opts *o, unsigned int tool, const char *bin)
{
	struct json_object *a = json_object_new_array();

	add(a, bin);
	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (options[i].replay && (options[i].tools & tool))
			options[i].replay(o, a);
	return a;
}

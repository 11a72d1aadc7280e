// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ap-verify: the checks make check makes of a results folder
 * (results/README.md), one named check a call:
 *
 *   vfio-ap-verify CHECK ARGS...
 *
 * Exit status 0 when the folder passes, 1 when it does not (what is
 * wrong on stderr), 2 for bad usage.  What a passing check found worth
 * saying (counts) goes to stdout, one line.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "json.h"

static struct json_object *load(const char *path)
{
	struct json_object *o = json_object_from_file(path);

	if (!o)
		fprintf(stderr, "# %s: no JSON there\n", path);
	return o;
}

static struct json_object *load_in(const char *dir, const char *file)
{
	char path[4400];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return load(path);
}

/* "^TEXT": a title starting with TEXT; else one containing it */
static bool title_fits(const char *title, const char *want)
{
	return want[0] == '^' ? !strncmp(title, want + 1, strlen(want + 1)) : strstr(title, want) != NULL;
}

static bool has_finding(struct json_object *c, const char *want)
{
	struct json_object *fs = jarr(c, "findings");

	for (size_t i = 0; i < alen(fs); i++)
		if (title_fits(jstr(aidx(fs, i), "title", ""), want))
			return true;
	return false;
}

/* dead DIR ID-PATTERN KNOWN TITLE...: a case whose id fits the pattern
 * died of the known bug KNOWN after operations, and kept a finding of
 * each TITLE from before (what a dying case must not lose) */
static int check_dead(int argc, char **argv)
{
	char pat[4400];
	glob_t g;
	int rc = 1;

	if (argc < 3)
		return 2;
	snprintf(pat, sizeof(pat), "%s/cases/%s.json", argv[0], argv[1]);
	if (glob(pat, 0, NULL, &g))
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc && rc; i++) {
		struct json_object *c = load(g.gl_pathv[i]);
		bool all = c && !strcmp(jstr(c, "status", ""), "crash") && jnum_or(c, "operations", 0) > 0 &&
			   !strcmp(jstr(jobj(c, "crash"), "known", ""), argv[2]);

		for (int t = 3; all && t < argc; t++)
			all = has_finding(c, argv[t]);
		if (all) {
			printf("%s\n", jstr(c, "id", "?"));
			rc = 0;
		}
		json_object_put(c);
	}
	if (rc)
		fprintf(stderr, "# no case %s died of %s keeping its findings\n", argv[1], argv[2]);
	globfree(&g);
	return rc;
}

/* summary DIR CASES: a summary of schema 1 with CASES cases */
static int check_summary(int argc, char **argv)
{
	struct json_object *s;
	int rc;

	if (argc != 2)
		return 2;
	s = load_in(argv[0], "summary.json");
	rc = !(s && jnum_or(s, "schema", 0) == 1 && jnum_or(s, "cases", -1) == atof(argv[1]));
	if (rc)
		fprintf(stderr, "# summary: schema %g, %g cases, want 1 and %s\n", jnum_or(s, "schema", 0),
			jnum_or(s, "cases", -1), argv[1]);
	json_object_put(s);
	return rc;
}

/* known-only DIR [OP]: every finding of the run a known driver bug's
 * (and OP ran at least once) */
static int check_known_only(int argc, char **argv)
{
	struct json_object *s, *fs;
	int rc = 0;

	if (argc < 1 || argc > 2)
		return 2;
	s = load_in(argv[0], "summary.json");
	if (!s)
		return 1;
	fs = jarr(s, "findings");
	for (size_t i = 0; i < alen(fs); i++)
		if (!jstr(aidx(fs, i), "known", NULL)) {
			fprintf(stderr, "# a new finding: %s\n", jstr(aidx(fs, i), "title", "?"));
			rc = 1;
		}
	if (argc == 2 && jnum_or(jobj(jobj(s, "per_operation"), argv[1]), "done", 0) <= 0) {
		fprintf(stderr, "# no %s operation ran\n", argv[1]);
		rc = 1;
	}
	json_object_put(s);
	return rc;
}

/* background DIR: stress-ng's metrics in the summary */
static int check_background(int argc, char **argv)
{
	struct json_object *s;
	int rc;

	if (argc != 1)
		return 2;
	s = load_in(argv[0], "summary.json");
	rc = !strstr(jstr(jobj(s, "background_load"), "metrics", ""), "bogo-ops");
	if (rc)
		fprintf(stderr, "# no stress-ng metrics in the summary\n");
	json_object_put(s);
	return rc;
}

/* coverage DIR MERGED: the run reached over half of vfio_ap_ops.c's
 * lines, the probe among them, and MERGED (its shards merged) counts
 * every line as it does */
static int check_coverage(int argc, char **argv)
{
	struct json_object *a, *m, *s, *t;
	int rc = 1;

	if (argc != 2)
		return 2;
	a = load_in(argv[0], "coverage.json");
	m = load_in(argv[1], "coverage.json");
	s = load_in(argv[0], "summary.json");
	t = jobj(jobj(s, "coverage"), "vfio_ap_ops.c");
	if (a && m && t && json_object_is_type(a, json_type_object) && jnum_or(t, "lines_hit", 0) > jnum_or(t, "lines", 0) / 2 &&
	    jnum_or(jobj(jobj(t, "by_function"), "vfio_ap_mdev_probe"), "lines_hit", 0) > 0) {
		rc = 0;
		/* a line the merge lacks counts 0 */
		json_object_object_foreach(a, file, fa) {
			struct json_object *la = jobj(fa, "lines"), *lm = jobj(jobj(m, file), "lines");

			if (!la)
				continue;
			json_object_object_foreach(la, line, n) {
				if (jnum_or(lm, line, 0) != json_object_get_double(n)) {
					fprintf(stderr, "# %s:%s: %g, merged %g\n", file, line,
						json_object_get_double(n), jnum_or(lm, line, 0));
					rc = 1;
				}
			}
		}
		if (!rc)
			printf("%.0f of %.0f lines\n", jnum_or(t, "lines_hit", 0), jnum_or(t, "lines", 0));
	} else {
		fprintf(stderr, "# coverage: missing, or under half of vfio_ap_ops.c or no probe\n");
	}
	json_object_put(a);
	json_object_put(m);
	json_object_put(s);
	return rc;
}

/* the first case object of DIR/cases */
static struct json_object *first_case(const char *dir)
{
	char pat[4400];
	struct json_object *c = NULL;
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/cases/*.json", dir);
	if (!glob(pat, 0, NULL, &g) && g.gl_pathc)
		c = load(g.gl_pathv[0]);
	if (!c)
		fprintf(stderr, "# %s: no case\n", dir);
	globfree(&g);
	return c;
}

/* edges ENTRY DIR: a corpus entry's replay in DIR reached the same
 * driver edges */
static int check_edges(int argc, char **argv)
{
	struct json_object *e, *c;
	const char *he, *hc;
	int rc;

	if (argc != 2)
		return 2;
	e = load(argv[0]);
	c = first_case(argv[1]);
	he = jstr(e, "edge_hash", NULL);
	hc = jstr(c, "edge_hash", NULL);
	rc = !(he && hc && !strcmp(he, hc));
	if (rc)
		fprintf(stderr, "# %s: entry %s (%g), replay %s (%g)\n", argv[0], he ? he : "-",
			jnum_or(e, "edges", 0), hc ? hc : "-", jnum_or(c, "edges", 0));
	json_object_put(e);
	json_object_put(c);
	return rc;
}

/* programs DIR: a derived case ran, and each case's argv names a
 * program file that exists */
static int check_programs(int argc, char **argv)
{
	char pat[4400];
	int n = 0, rc = 0;
	glob_t g;

	if (argc != 1)
		return 2;
	snprintf(pat, sizeof(pat), "%s/cases/*.json", argv[0]);
	if (glob(pat, 0, NULL, &g))
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct json_object *c = load(g.gl_pathv[i]), *a = jarr(c, "argv");
		struct stat st;

		for (size_t k = 0; k + 1 < alen(a); k++) {
			const char *w = json_object_get_string(aidx(a, k)), *f;

			if (strcmp(w, "--program"))
				continue;
			n++;
			f = json_object_get_string(aidx(a, k + 1));
			if (stat(f, &st)) {
				fprintf(stderr, "# %s: no %s\n", g.gl_pathv[i], f);
				rc = 1;
			}
		}
		json_object_put(c);
	}
	globfree(&g);
	if (!n) {
		fprintf(stderr, "# no derived case ran\n");
		rc = 1;
	}
	return rc;
}

/* origin CASE ORIGIN: the case came from there (loaded, fresh, ...) */
static int check_origin(int argc, char **argv)
{
	struct json_object *c;
	int rc;

	if (argc != 2)
		return 2;
	c = load(argv[0]);
	rc = strcmp(jstr(c, "origin", ""), argv[1]) != 0;
	if (rc)
		fprintf(stderr, "# %s: origin %s, not %s\n", argv[0], jstr(c, "origin", "-"), argv[1]);
	json_object_put(c);
	return rc;
}

/* fail-nth DIR MIN: the sweep's table has MIN operations or more, each
 * with its sites counted, and every problem a known driver bug's */
static int check_fail_nth(int argc, char **argv)
{
	struct json_object *s, *rows;
	double sites = 0, clean = 0;
	int rc = 0;

	if (argc != 2)
		return 2;
	s = load_in(argv[0], "summary.json");
	rows = jarr(s, "fail_nth");
	if (alen(rows) < (size_t)atoi(argv[1])) {
		fprintf(stderr, "# %zu operations swept, want %s\n", alen(rows), argv[1]);
		rc = 1;
	}
	for (size_t i = 0; i < alen(rows); i++) {
		struct json_object *r = aidx(rows, i), *pr = jarr(r, "problems");
		double n;

		if (!jnum(r, "sites", &n)) {
			fprintf(stderr, "# %s: no sites\n", jstr(r, "operation", "?"));
			rc = 1;
		}
		sites += jnum_or(r, "sites", 0);
		clean += jnum_or(r, "clean", 0);
		for (size_t k = 0; k < alen(pr); k++) {
			const char *p = json_object_get_string(aidx(pr, k));

			if (fnmatch("*(known KI-[0-9]*)*", p, 0)) {
				fprintf(stderr, "# %s: %s\n", jstr(r, "operation", "?"), p);
				rc = 1;
			}
		}
	}
	if (!rc)
		printf("%zu operations, %.0f fault sites, %.0f clean failures, any other a known driver bug\n",
		       alen(rows), sites, clean);
	json_object_put(s);
	return rc;
}

static const struct check {
	const char *name, *usage;
	int (*run)(int argc, char **argv);
} checks[] = {
	{ "dead", "DIR ID-PATTERN KNOWN [^]TITLE...", check_dead },
	{ "summary", "DIR CASES", check_summary },
	{ "known-only", "DIR [OPERATION]", check_known_only },
	{ "background", "DIR", check_background },
	{ "coverage", "DIR MERGED-DIR", check_coverage },
	{ "edges", "ENTRY DIR", check_edges },
	{ "programs", "DIR", check_programs },
	{ "origin", "CASE.json ORIGIN", check_origin },
	{ "fail-nth", "DIR MIN-OPERATIONS", check_fail_nth },
};

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	for (i = 0; argc > 1 && i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (strcmp(argv[1], checks[i].name))
			continue;
		rc = checks[i].run(argc - 2, argv + 2);
		if (rc == 2)
			fprintf(stderr, "usage: vfio-ap-verify %s %s\n", checks[i].name, checks[i].usage);
		return rc;
	}
	fprintf(stderr, "usage: vfio-ap-verify CHECK ARGS... (checks:");
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		fprintf(stderr, " %s", checks[i].name);
	fprintf(stderr, ")\n");
	return 2;
}

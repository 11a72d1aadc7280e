// SPDX-License-Identifier: GPL-2.0
/*
 * A run's results folder from its cases (results/README.md): the summary,
 * TAP, JUnit XML, the joined kernel log, the lock-class graph of all cases
 * with its cycles marked, a repro.sh per finding and the HTML report.
 * Everything is derived from the cases' JSON, so a merge of shards is a copy
 * of their cases and the same finalization.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "campaign.h"
#include "report.h"

static int cmp_names(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* the cases' JSON files, in case order (numbers compared as numbers) */
static int load_cases(const char *dir, struct json_object ***out, char ***ids)
{
	char path[4300], **names = NULL;
	struct json_object **cases;
	struct dirent *e;
	int n = 0, i, k;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cases", dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
			names = realloc(names, sizeof(*names) * (n + 1));
			names[n++] = strndup(e->d_name, len - 5);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	cases = calloc(n ? n : 1, sizeof(*cases));
	for (i = 0, k = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/cases/%s.json", dir, names[i]);
		cases[k] = json_object_from_file(path);
		if (!cases[k] || !json_object_is_type(cases[k], json_type_object)) {
			/* a case cut short (the run killed while writing it):
			 * said, and left out */
			fprintf(stderr, "results: %s: not a case, left out\n", path);
			if (cases[k])
				json_object_put(cases[k]);
			free(names[i]);
			continue;
		}
		names[k++] = names[i];
	}
	*out = cases;
	*ids = names;
	return k;
}

/* A case that did not pass for anything but known driver bugs (a known
 * crash, say) is not a failure of the run: the known-issues list has it. */
static bool case_failed(struct json_object *c)
{
	struct json_object *fs = jget(c, "findings"), *un = jget(c, "unexpected");
	size_t j;

	if (!strcmp(jstr(c, "status", "fail"), "pass"))
		return false;
	if (!strcmp(jstr(c, "status", ""), "timeout") || !strcmp(jstr(c, "status", ""), "error") ||
	    (un && json_object_array_length(un)))
		return true;
	/* a case the campaign's end cut short fails only on what it found */
	if ((!fs || !json_object_array_length(fs)) && strcmp(jstr(c, "status", ""), "cut"))
		return true;
	for (j = 0; j < json_object_array_length(fs); j++)
		if (!jget(json_object_array_get_idx(fs, j), "known"))
			return true;
	return false;
}

/* cases are walked in order: a case already listed is the last one */
static void add_case_once(struct json_object *list, const char *id)
{
	size_t n = json_object_array_length(list);

	if (n && !strcmp(json_object_get_string(json_object_array_get_idx(list, n - 1)), id))
		return;
	json_object_array_add(list, json_object_new_string(id));
}

/* The entry of all for this title and known id (a known bug and an
 * unknown one of the same title stay apart), made on first sight. */
static struct json_object *finding_entry(struct json_object *all, const char *title,
					 const char *known, const char *kind, const char *first,
					 const char *report)
{
	struct json_object *u;
	char id[16];
	size_t k;

	for (k = 0; k < json_object_array_length(all); k++) {
		u = json_object_array_get_idx(all, k);
		if (!strcmp(jstr(u, "title", ""), title) && !strcmp(jstr(u, "known", ""), known ? known : ""))
			return u;
	}
	u = json_object_new_object();
	snprintf(id, sizeof(id), "F%zu", json_object_array_length(all) + 1);
	json_object_object_add(u, "id", json_object_new_string(id));
	json_object_object_add(u, "title", json_object_new_string(title));
	json_object_object_add(u, "known", known ? json_object_new_string(known) : NULL);
	json_object_object_add(u, "kind", json_object_new_string(kind));
	json_object_object_add(u, "first", json_object_new_string(first));
	json_object_object_add(u, "report", json_object_new_string(report));
	json_object_object_add(u, "cases", json_object_new_array());
	json_object_array_add(all, u);
	return u;
}

/* the findings of all cases, one entry per title and known id; an answer
 * the kernel does not document is a finding too */
static struct json_object *unique_findings(struct json_object **cases, int n)
{
	struct json_object *all = json_object_new_array(), *u;
	int i;
	size_t j;

	for (i = 0; i < n; i++) {
		struct json_object *fs = jget(cases[i], "findings"), *un = jget(cases[i], "unexpected");
		const char *id = jstr(cases[i], "id", "?");

		for (j = 0; fs && j < json_object_array_length(fs); j++) {
			struct json_object *f = json_object_array_get_idx(fs, j);

			u = finding_entry(all, jstr(f, "title", "?"), jstr(f, "known", NULL),
					  jstr(f, "kind", "bug"), jstr(f, "first", ""), jstr(f, "report", ""));
			add_case_once(jget(u, "cases"), id);
		}
		for (j = 0; un && j < json_object_array_length(un); j++) {
			const char *line = json_object_get_string(json_object_array_get_idx(un, j));
			char title[300];

			snprintf(title, sizeof(title), "unexpected answer: %.*s", (int)strcspn(line, ":"), line);
			u = finding_entry(all, title, NULL, "unexpected-answer", line, line);
			add_case_once(jget(u, "cases"), id);
		}
	}
	return all;
}

static struct json_object *case_by_id(struct json_object **cases, int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(jstr(cases[i], "id", ""), id))
			return cases[i];
	return NULL;
}

/* findings/F<n>/repro.sh: the first case that showed it, replayed */
static void write_repro(const char *dir, struct json_object *f, struct json_object **cases, int n)
{
	struct json_object *c = case_by_id(cases, n, json_object_get_string(
				 json_object_array_get_idx(jget(f, "cases"), 0)));
	struct json_object *argv = jget(c, "argv");
	const char *title = jstr(f, "title", ""), *bin, *base;
	char path[4400];
	size_t i;
	FILE *o;

	if (!argv || !json_object_array_length(argv)) {
		json_object_object_add(f, "repro", NULL);
		return;
	}
	snprintf(path, sizeof(path), "%s/findings", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/findings/%s", dir, jstr(f, "id", "F0"));
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/findings/%s/repro.sh", dir, jstr(f, "id", "F0"));
	o = fopen(path, "w");
	if (!o)
		return;
	bin = json_object_get_string(json_object_array_get_idx(argv, 0));
	base = strrchr(bin, '/');
	fprintf(o, "#!/bin/sh\n# Replays %s of this run from its case %s:\n#   ", jstr(f, "id", ""),
		jstr(c, "id", ""));
	for (i = 0; title[i] && title[i] != '\n'; i++)
		fputc(title[i], o);
	if (jget(f, "known"))
		fprintf(o, " (known %s)", jstr(f, "known", ""));
	fprintf(o, "\n# Exit 1 when it reproduces, 0 when it does not, 125 when the tool could\n"
		   "# not run: git bisect run's bad, good and skip.  VFIO_AP_BIN_DIR=DIR replays\n"
		   "# with DIR's build of the tool (build/bin while bisecting a kernel tree).\n"
		   "out=$(mktemp -d)\ntrap 'rm -rf \"$out\"' EXIT\ndir=");
	{
		char d[4096];

		snprintf(d, sizeof(d), "%.*s", base ? (int)(base - bin) : 1, base ? bin : ".");
		shell_word(o, d);
	}
	fprintf(o, "\nbin=\"${VFIO_AP_BIN_DIR:-$dir}\"/");
	shell_word(o, base ? base + 1 : bin);
	/* a cross build (its tools run by qemu user emulation) has a
	 * wrapper beside each tool */
	fprintf(o, "\nq=\"$(dirname \"$bin\")/qemu-$(basename \"$bin\")\"\n"
		   "[ -x \"$q\" ] && bin=$q\n\"$bin\" ");
	for (i = 1; i < json_object_array_length(argv); i++) {
		shell_word(o, json_object_get_string(json_object_array_get_idx(argv, i)));
		fputc(' ', o);
	}
	fprintf(o, "--quiet --results \"$out/r\" >\"$out/log\" 2>&1\n"
		   "[ $? -le 1 ] || { cat \"$out/log\" >&2; exit 125; }\nexpect=");
	shell_word(o, title);
	fprintf(o, "\nknown=");
	shell_word(o, jget(f, "known") ? jstr(f, "known", "") : "");
	/* the same title with the same known id (a known bug of the same title
	 * does not reproduce an unknown finding), or an unexpected answer */
	fprintf(o, "\nif perl -MJSON::PP -e '\n"
		   "\tmy ($t, $k, $d) = @ARGV; my $hit = 0;\n"
		   "\tfor my $p (glob(\"$d/cases/*.json\")) {\n"
		   "\t\topen(my $h, \"<\", $p) or next; local $/; my $c = eval { decode_json(<$h>) } or next;\n"
		   "\t\tfor my $x (@{$c->{findings} || []}) { $hit = 1 if $x->{title} eq $t && ($x->{known} // \"\") eq $k }\n"
		   "\t\tfor my $u (@{$c->{unexpected} || []}) { $hit = 1 if \"unexpected answer: \" . (split /:/, $u)[0] eq $t }\n"
		   "\t}\n\texit !$hit' \"$expect\" \"$known\" \"$out/r\"; then\n"
		   "\techo \"reproduced: $expect\"\n\texit 1\nfi\n"
		   "echo \"not reproduced: $expect\"\nexit 0\n");
	fclose(o);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "findings/%s/repro.sh", jstr(f, "id", "F0"));
	json_object_object_add(f, "repro", json_object_new_string(path));
}

static void write_tap(const char *dir, struct json_object **cases, int n)
{
	char path[4300];
	FILE *o;
	int i;
	size_t j;

	snprintf(path, sizeof(path), "%s/tap.txt", dir);
	o = fopen(path, "w");
	if (!o)
		return;
	fprintf(o, "TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		struct json_object *c = cases[i], *fs = jget(c, "findings"), *un = jget(c, "unexpected");
		bool failed = case_failed(c);

		fprintf(o, "%sok %d - %s (%s, %.0f operations, %.2f s)\n", failed ? "not " : "", i + 1,
			jstr(c, "id", "?"), jstr(c, "status", "?"), jnum_or(c, "operations", 0), jnum_or(c, "seconds", 0));
		if (!fs && !un)
			continue;
		if ((fs && json_object_array_length(fs)) || (un && json_object_array_length(un)))
			fprintf(o, "  ---\n  findings:\n");
		for (j = 0; fs && j < json_object_array_length(fs); j++) {
			struct json_object *f = json_object_array_get_idx(fs, j);

			fputs("    - \"", o);
			if (jget(f, "known"))
				fprintf(o, "known %s: ", jstr(f, "known", ""));
			for (const char *s = jstr(f, "title", ""); *s; s++)
				fputc(*s == '"' ? '\'' : *s == '\\' ? '/' : *s, o);
			fputs("\"\n", o);
		}
		for (j = 0; un && j < json_object_array_length(un); j++) {
			fprintf(o, "    - \"unexpected answer: ");
			for (const char *s = json_object_get_string(json_object_array_get_idx(un, j)); *s; s++)
				fputc(*s == '"' ? '\'' : *s == '\\' ? '/' : *s, o);
			fputs("\"\n", o);
		}
		if ((fs && json_object_array_length(fs)) || (un && json_object_array_length(un)))
			fprintf(o, "  ...\n");
	}
	fclose(o);
}

static void write_junit(const char *dir, struct json_object *sum, struct json_object **cases, int n)
{
	const char *campaigns[32];
	int nc = 0, i, k;
	char path[4300], stamp[32];
	time_t now = time(NULL);
	FILE *o;

	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	o = fopen(path, "w");
	if (!o)
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&now));
	for (i = 0; i < n; i++) {
		const char *cam = jstr(cases[i], "campaign", "stress");

		for (k = 0; k < nc && strcmp(campaigns[k], cam); k++)
			;
		if (k == nc && nc < 32)
			campaigns[nc++] = cam;
	}
	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"%s\" tests=\"%d\" failures=\"%.0f\" time=\"%.3f\">\n",
		jstr(sum, "tool", "vfio-ap-stress"), n, jnum_or(sum, "failed", 0), jnum_or(sum, "seconds", 0));
	for (k = 0; k < nc; k++) {
		int tests = 0, failures = 0, errors = 0;
		double t = 0;

		for (i = 0; i < n; i++)
			if (!strcmp(jstr(cases[i], "campaign", "stress"), campaigns[k])) {
				const char *st = jstr(cases[i], "status", "fail");

				tests++;
				failures += case_failed(cases[i]) && !strcmp(st, "fail");
				errors += case_failed(cases[i]) && strcmp(st, "fail");
				t += jnum_or(cases[i], "seconds", 0);
			}
		fprintf(o, "  <testsuite name=\"%s.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\" timestamp=\"%s\" hostname=\"%s\">\n",
			jstr(sum, "tool", ""), campaigns[k], tests, failures, errors, t, stamp,
			jstr(sum, "host", "sim"));
		fprintf(o, "    <properties>\n      <property name=\"kernel\" value=\"");
		markup_escape(o, jstr(sum, "kernel", ""));
		fprintf(o, "\"/>\n      <property name=\"command\" value=\"");
		markup_escape(o, jstr(sum, "command", ""));
		fprintf(o, "\"/>\n    </properties>\n");
		for (i = 0; i < n; i++) {
			struct json_object *c = cases[i], *fs = jget(c, "findings"), *un = jget(c, "unexpected");
			const char *st = jstr(c, "status", "fail");
			size_t j;

			if (strcmp(jstr(c, "campaign", "stress"), campaigns[k]))
				continue;
			fprintf(o, "    <testcase classname=\"%s.%s\" name=\"", jstr(sum, "tool", ""), campaigns[k]);
			markup_escape(o, jstr(c, "id", "?"));
			fprintf(o, "\" time=\"%.3f\">\n", jnum_or(c, "seconds", 0));
			if (case_failed(c)) {
				struct json_object *f0 = fs && json_object_array_length(fs) ?
					json_object_array_get_idx(fs, 0) : NULL;

				fprintf(o, "      <%s message=\"", !strcmp(st, "fail") ? "failure" : "error");
				markup_escape(o, f0 ? jstr(f0, "title", "") : un && json_object_array_length(un) ?
					   json_object_get_string(json_object_array_get_idx(un, 0)) : st);
				fprintf(o, "\" type=\"%s\">", f0 ? jstr(f0, "kind", "bug") : st);
				for (j = 0; fs && j < json_object_array_length(fs); j++) {
					markup_escape(o, jstr(json_object_array_get_idx(fs, j), "report", ""));
					fputc('\n', o);
				}
				for (j = 0; un && j < json_object_array_length(un); j++) {
					fputs("unexpected answer: ", o);
					markup_escape(o, json_object_get_string(json_object_array_get_idx(un, j)));
					fputc('\n', o);
				}
				fprintf(o, "</%s>\n", !strcmp(st, "fail") ? "failure" : "error");
			}
			fprintf(o, "      <system-out>");
			markup_escape(o, "replay: ");
			for (j = 0; jget(c, "argv") && j < json_object_array_length(jget(c, "argv")); j++) {
				markup_escape(o, json_object_get_string(json_object_array_get_idx(jget(c, "argv"), j)));
				fputc(' ', o);
			}
			fprintf(o, "</system-out>\n    </testcase>\n");
		}
		fprintf(o, "  </testsuite>\n");
	}
	fprintf(o, "</testsuites>\n");
	fclose(o);
}

static void concat_logs(const char *dir, const char *host, char **ids, int n)
{
	char path[4300], buf[65536];
	FILE *o, *in;
	size_t r;
	int i;

	snprintf(path, sizeof(path), "%s/kernel.log", dir);
	o = fopen(path, "w");
	if (!o)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/cases/%s.log", dir, ids[i]);
		in = fopen(path, "r");
		fprintf(o, "=== %s\n", ids[i]);
		while (in && (r = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, r, o);
		if (in)
			fclose(in);
	}
	fclose(o);
	/* the journal: on a real host, what is still not undone (the live
	 * journal a crash left; `make restore` replays it); the sim changes
	 * nothing on this machine: empty */
	snprintf(path, sizeof(path), "%s/journal", dir);
	o = fopen(path, "w");
	if (o && !strcmp(host, "linux")) {
		in = fopen(vap_journal_path(), "r");
		while (in && (r = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, r, o);
		if (in)
			fclose(in);
	}
	if (o)
		fclose(o);
}

/* ---------------------------------------------------- the lock graph */

#define MAX_CLASSES 256

struct graph {
	char *name[MAX_CLASSES];
	bool adj[MAX_CLASSES][MAX_CLASSES];
	int n;
	/* Tarjan's strongly connected components */
	int index[MAX_CLASSES], low[MAX_CLASSES], comp[MAX_CLASSES], stack[MAX_CLASSES];
	bool on[MAX_CLASSES];
	int next, sp, ncomp, compsize[MAX_CLASSES];
};

static int node(struct graph *g, const char *name)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->name[i], name))
			return i;
	if (g->n == MAX_CLASSES)
		return -1;
	g->name[g->n] = strdup(name);
	return g->n++;
}

static void strong(struct graph *g, int v)
{
	int w;

	g->index[v] = g->low[v] = ++g->next;
	g->stack[g->sp++] = v;
	g->on[v] = true;
	for (w = 0; w < g->n; w++) {
		if (!g->adj[v][w])
			continue;
		if (!g->index[w]) {
			strong(g, w);
			if (g->low[w] < g->low[v])
				g->low[v] = g->low[w];
		} else if (g->on[w] && g->index[w] < g->low[v]) {
			g->low[v] = g->index[w];
		}
	}
	if (g->low[v] == g->index[v]) {
		do {
			w = g->stack[--g->sp];
			g->on[w] = false;
			g->comp[w] = g->ncomp;
			g->compsize[g->ncomp]++;
		} while (w != v);
		g->ncomp++;
	}
}

/* dot -Tsvg DIR/lockgraph.dot -o DIR/lockgraph.svg, no shell involved */
static int run_dot(const char *dir)
{
	char in[4300], out[4300];
	int status;
	pid_t pid;

	snprintf(in, sizeof(in), "%s/lockgraph.dot", dir);
	snprintf(out, sizeof(out), "%s/lockgraph.svg", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("dot", "dot", "-Tsvg", in, "-o", out, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* the union of the cases' graphs; an edge inside a strongly connected
 * component of more than one class (or a self edge) lies on a cycle */
static int write_lockgraph(const char *dir, struct json_object **cases, int n)
{
	static struct graph g;
	char path[4300];
	int i, a, b, cyc = 0;
	size_t j;
	FILE *o;

	memset(&g, 0, sizeof(g));
	for (i = 0; i < n; i++) {
		struct json_object *e = jget(jget(cases[i], "lockgraph"), "edges");

		for (j = 0; e && j < json_object_array_length(e); j++) {
			struct json_object *p = json_object_array_get_idx(e, j);

			a = node(&g, json_object_get_string(json_object_array_get_idx(p, 0)));
			b = node(&g, json_object_get_string(json_object_array_get_idx(p, 1)));
			if (a >= 0 && b >= 0)
				g.adj[a][b] = true;
		}
	}
	for (i = 0; i < g.n; i++)
		if (!g.index[i])
			strong(&g, i);
	snprintf(path, sizeof(path), "%s/lockgraph.dot", dir);
	o = fopen(path, "w");
	if (!o)
		return -errno;
	fprintf(o, "digraph lockdep {\n\trankdir=LR;\n\tnode [shape=box, fontname=monospace, fontsize=10];\n");
	for (i = 0; i < g.n; i++) {
		bool in_cycle = g.compsize[g.comp[i]] > 1 || g.adj[i][i];

		fprintf(o, "\t\"%s\"%s;\n", g.name[i], in_cycle ? " [color=red, fontcolor=red, penwidth=2]" : "");
	}
	for (a = 0; a < g.n; a++)
		for (b = 0; b < g.n; b++)
			if (g.adj[a][b]) {
				bool c = g.comp[a] == g.comp[b] && (a == b || g.compsize[g.comp[a]] > 1);

				cyc += c;
				fprintf(o, "\t\"%s\" -> \"%s\"%s;\n", g.name[a], g.name[b],
					c ? " [color=red, penwidth=2.5, label=\"cycle\", fontcolor=red]" : "");
			}
	fprintf(o, "}\n");
	fclose(o);
	for (i = 0; i < g.n; i++)
		free(g.name[i]);
	if (run_dot(dir))
		fprintf(stderr, "results: graphviz (dot) not available: no lockgraph.svg\n");
	return cyc;
}

/* ------------------------------------------------------------ summary */

static void sum_per_operation(struct json_object *into, struct json_object *from)
{
	json_object_object_foreach(from, op, v) {
		struct json_object *t = jget(into, op), *e;

		if (!t) {
			t = json_object_new_object();
			json_object_object_add(t, "errnos", json_object_new_object());
			json_object_object_add(into, op, t);
		}
		json_count(t, "done", (long)jnum_or(v, "done", 0));
		json_count(t, "errors", (long)jnum_or(v, "errors", 0));
		e = jget(v, "errnos");
		if (e) {
			json_object_object_foreach(e, name, cnt)
				json_count(jget(t, "errnos"), name, json_object_get_int64(cnt));
		}
	}
}

int results_extra(const char *dir, const char *key, struct json_object *val)
{
	char path[4300];
	struct json_object *x;
	int rc;

	snprintf(path, sizeof(path), "%s/extra.json", dir);
	x = json_object_from_file(path);
	if (!x)
		x = json_object_new_object();
	json_object_object_add(x, key, val);
	rc = json_object_to_file_ext(path, x, JSON_C_TO_STRING_PRETTY);
	json_object_put(x);
	return rc ? -EIO : 0;
}

int results_finalize(const char *dir, const char *tool, const char *command, bool quiet)
{
	struct json_object **cases = NULL, *sum, *per, *findings, *prev, *extra;
	char path[4300], **ids = NULL, stamp[32];
	int n, i, failed = 0, unknown = 0, cyc, ncrashed = 0, crashed_known = 0;
	struct json_object *crashes, *crashed, *cov;
	double secs = 0, oracle = 0;
	long ops = 0;
	size_t j;
	time_t now = time(NULL);

	n = load_cases(dir, &cases, &ids);
	if (n < 0) {
		fprintf(stderr, "%s: %s: cannot read its cases: %s\n", tool, dir, strerror(-n));
		return 2;
	}
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	prev = json_object_from_file(path);	/* a merge keeps its shards' facts */
	snprintf(path, sizeof(path), "%s/extra.json", dir);
	extra = json_object_from_file(path);
	sum = json_object_new_object();
	per = json_object_new_object();
	crashes = json_object_new_object();
	for (i = 0; i < n; i++) {
		struct json_object *cr = jget(cases[i], "crash");
		bool f = case_failed(cases[i]);

		failed += f;
		/* cases that ended in a crash, a sanitizer's abort or a hang,
		 * counted by the bug they ended on */
		if (cr) {
			ncrashed++;
			json_count(crashes, jget(cr, "known") ? jstr(cr, "known", "?") : "new", 1);
			if (!f && !strcmp(jstr(cases[i], "status", ""), "crash"))
				crashed_known++;
		}
		ops += (long)jnum_or(cases[i], "operations", 0);
		secs += jnum_or(cases[i], "seconds", 0);
		oracle += jnum_or(cases[i], "oracle_seconds", 0);
		if (jget(cases[i], "per_operation"))
			sum_per_operation(per, jget(cases[i], "per_operation"));
	}
	findings = unique_findings(cases, n);
	for (j = 0; j < json_object_array_length(findings); j++) {
		struct json_object *f = json_object_array_get_idx(findings, j);

		unknown += !jget(f, "known");
		write_repro(dir, f, cases, n);
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_object_add(sum, "schema", json_object_new_int(1));
	json_object_object_add(sum, "tool", json_object_new_string(tool));
	json_object_object_add(sum, "host", json_object_new_string(jstr(prev, "host", "sim")));
	json_object_object_add(sum, "kernel", json_object_new_string(jstr(prev, "kernel", vap_sim_kernel())));
	json_object_object_add(sum, "fixes", json_object_new_string(jstr(prev, "fixes", "")));
	json_object_object_add(sum, "started", json_object_new_string(jstr(prev, "started", stamp)));
	json_object_object_add(sum, "seconds", json_object_new_double(prev && jget(prev, "seconds") ?
								     jnum_or(prev, "seconds", 0) : secs));
	json_object_object_add(sum, "command", json_object_new_string(command));
	json_object_object_add(sum, "shards", prev && jget(prev, "shards") ?
				json_object_get(jget(prev, "shards")) : json_object_new_array());
	json_object_object_add(sum, "cases", json_object_new_int(n));
	/* passed: ran to its end with nothing but known bugs; a case that
	 * died of a known bug is not a failure of the run, nor a pass */
	json_object_object_add(sum, "passed", json_object_new_int(n - failed - crashed_known));
	crashed = json_object_new_object();
	json_object_object_add(crashed, "cases", json_object_new_int(ncrashed));
	json_object_object_add(crashed, "known", json_object_new_int(crashed_known));
	json_object_object_add(crashed, "by", crashes);
	json_object_object_add(sum, "crashed", crashed);
	json_object_object_add(sum, "failed", json_object_new_int(failed));
	json_object_object_add(sum, "operations", json_object_new_int64(ops));
	json_object_object_add(sum, "ops_per_second", json_object_new_double(secs > 0 ? ops / secs : 0));
	json_object_object_add(sum, "oracle_seconds", json_object_new_double(oracle));
	json_object_object_add(sum, "verdict", json_object_new_string(
				       unknown || failed > 0 ? "findings" : "clean"));
	json_object_object_add(sum, "per_operation", per);
	json_object_object_add(sum, "findings", findings);
	if (extra) {
		json_object_object_foreach(extra, key, val)
			json_object_object_add(sum, key, json_object_get(val));
	}
	/* a case fails on a known finding only with something else; the
	 * verdict: any failed case (an unknown finding, an unexpected
	 * answer, a crash, a timeout) */
	cyc = write_lockgraph(dir, cases, n);
	json_object_object_add(sum, "lock_cycles", json_object_new_int(cyc));
	cov = coverage_totals(dir);
	if (cov)
		json_object_object_add(sum, "coverage", cov);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (json_object_to_file_ext(path, sum, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) {
		fprintf(stderr, "%s: cannot write %s\n", tool, path);
		return 2;
	}
	write_tap(dir, cases, n);
	write_junit(dir, sum, cases, n);
	concat_logs(dir, jstr(sum, "host", "sim"), ids, n);
	report_write(dir, sum, cases, n);
	if (!quiet) {
		printf("%s: %d cases, %d passed, %d failed, %d ended in a crash", tool, n,
		       n - failed - crashed_known, failed, ncrashed);
		if (ncrashed) {
			const char *sep = " (";

			json_object_object_foreach(crashes, ck, cv) {
				printf("%s%s %s", sep, json_object_get_string(cv),
				       strcmp(ck, "new") ? ck : "new");
				sep = ", ";
			}
			printf(")");
		}
		printf("; %ld operations (%.0f/s of case time); kernel %s, host %s\n", ops,
		       secs > 0 ? ops / secs : 0, jstr(sum, "kernel", "?"), jstr(sum, "host", "?"));
		for (j = 0; j < json_object_array_length(findings); j++) {
			struct json_object *f = json_object_array_get_idx(findings, j);

			printf("  %s %s%s%s%s (%zu cases)%s%s\n", jstr(f, "id", ""),
			       jget(f, "known") ? "known " : "", jget(f, "known") ? jstr(f, "known", "") : "",
			       jget(f, "known") ? ": " : "", jstr(f, "title", ""),
			       json_object_array_length(jget(f, "cases")),
			       jget(f, "repro") && !jget(f, "known") ? "\n     replay: " : "",
			       jget(f, "repro") && !jget(f, "known") ? jstr(f, "repro", "") : "");
		}
		if (cov) {
			const char *sep = "";

			printf("%s: driver coverage:", tool);
			json_object_object_foreach(cov, file, t) {
				long lh = json_object_get_int64(jget(t, "lines_hit"));
				long lt = json_object_get_int64(jget(t, "lines"));

				printf("%s %s %.1f%% of lines (%ld of %ld), %ld of %ld functions, %.1f%% of branches",
				       sep, file, lt ? 100.0 * lh / lt : 0, lh, lt,
				       (long)json_object_get_int64(jget(t, "functions_hit")),
				       (long)json_object_get_int64(jget(t, "functions")),
				       json_object_get_int64(jget(t, "branches")) ?
				       100.0 * json_object_get_int64(jget(t, "branches_hit")) /
				       json_object_get_int64(jget(t, "branches")) : 0);
				sep = ";";
			}
			printf(" (coverage.json)\n");
		}
		if (jstr(sum, "fixes", "")[0])
			printf("%s: the driver carries fixes of driver/fixes/: %s\n", tool, jstr(sum, "fixes", ""));
		printf("%s: verdict %s; results in %s (report.html, summary.json, junit.xml, tap.txt)\n", tool,
		       jstr(sum, "verdict", "?"), dir);
	}
	for (i = 0; i < n; i++) {
		json_object_put(cases[i]);
		free(ids[i]);
	}
	free(cases);
	free(ids);
	json_object_put(sum);
	if (prev)
		json_object_put(prev);
	if (extra)
		json_object_put(extra);
	return failed ? 1 : 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *i = fopen(from, "r"), *o;
	size_t r;

	if (!i)
		return -errno;
	o = fopen(to, "w");
	if (!o) {
		fclose(i);
		return -errno;
	}
	while ((r = fread(buf, 1, sizeof(buf), i)) > 0)
		fwrite(buf, 1, r, o);
	fclose(i);
	return fclose(o) ? -errno : 0;
}

int results_merge(const char *out, char *const *dirs, int n, const char *command)
{
	struct json_object *sum = json_object_new_object(), *shards = json_object_new_array();
	struct json_object *extra = NULL;
	const char *tool = "vfio-ap-stress", *kernel = NULL, *host = NULL;
	char kernel_b[128], host_b[32], tool_b[64], fixes_b[512] = "";
	double secs = 0;
	char path[4300];
	int i, rc;

	/* every input checked before anything is written: results folders of
	 * one kernel and host, no case in two of them, no shard missing, and
	 * an OUT that holds no run */
	if (n < 1) {
		fprintf(stderr, "merge: no results folders to join\n");
		return 2;
	}
	{
		const char *k0 = NULL, *h0 = NULL;
		struct json_object *seen = json_object_new_object(), *sums[64];
		int nshard = 0, have[64] = { 0 }, bad = 0, nsum = 0;

		if (n > 64) {
			fprintf(stderr, "merge: at most 64 folders at a time\n");
			return 2;
		}
		for (i = 0; i < n && !bad; i++) {
			struct json_object *sh;
			struct dirent *e;
			DIR *d;

			snprintf(path, sizeof(path), "%s/summary.json", dirs[i]);
			sums[i] = json_object_from_file(path);
			if (sums[i])
				nsum++;
			if (!sums[i]) {
				fprintf(stderr, "merge: %s: no summary.json (not a results folder?)\n", dirs[i]);
				bad = 1;
				break;
			}
			if (k0 && (strcmp(k0, jstr(sums[i], "kernel", "")) || strcmp(h0, jstr(sums[i], "host", "")))) {
				fprintf(stderr, "merge: %s is of kernel %s on %s, %s of %s on %s\n", dirs[i],
					jstr(sums[i], "kernel", "?"), jstr(sums[i], "host", "?"), dirs[0], k0, h0);
				bad = 1;
				break;
			}
			k0 = k0 ? k0 : jstr(sums[i], "kernel", "");
			h0 = h0 ? h0 : jstr(sums[i], "host", "");
			sh = jget(sums[i], "shards");
			for (size_t k = 0; sh && k < json_object_array_length(sh); k++) {
				int si, sn;

				if (sscanf(json_object_get_string(json_object_array_get_idx(sh, k)), "%d/%d", &si, &sn) == 2 &&
				    sn > 1 && sn <= 64 && si >= 0 && si < sn) {
					nshard = sn;
					have[si] = 1;
				}
			}
			snprintf(path, sizeof(path), "%s/cases", dirs[i]);
			d = opendir(path);
			if (!d) {
				fprintf(stderr, "merge: %s: %s\n", path, strerror(errno));
				bad = 1;
				break;
			}
			while ((e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				if (jget(seen, e->d_name)) {
					fprintf(stderr, "merge: case file %s is in %s and %s\n", e->d_name,
						jstr(seen, e->d_name, "?"), dirs[i]);
					bad = 1;
					break;
				}
				json_object_object_add(seen, e->d_name, json_object_new_string(dirs[i]));
			}
			closedir(d);
		}
		for (i = 0; !bad && i < nshard; i++)
			if (!have[i]) {
				fprintf(stderr, "merge: shard %d/%d is missing\n", i, nshard);
				bad = 1;
			}
		snprintf(path, sizeof(path), "%s/cases", out);
		if (!bad) {
			DIR *d = opendir(path);
			struct dirent *e;

			while (d && (e = readdir(d)))
				if (e->d_name[0] != '.') {
					fprintf(stderr, "merge: %s already holds a run: merge into a new folder\n", out);
					bad = 1;
					break;
				}
			if (d)
				closedir(d);
		}
		for (int k = 0; k < nsum; k++)
			json_object_put(sums[k]);
		json_object_put(seen);
		if (bad)
			return 2;
	}
	if (mkdir(out, 0755) && errno != EEXIST) {
		fprintf(stderr, "merge: cannot create %s: %s\n", out, strerror(errno));
		return 2;
	}
	snprintf(path, sizeof(path), "%s/cases", out);
	mkdir(path, 0755);
	for (i = 0; i < n; i++) {
		struct json_object *s, *x, *sh;
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/summary.json", dirs[i]);
		s = json_object_from_file(path);
		if (!s) {
			fprintf(stderr, "merge: %s: no summary.json (not a results folder?)\n", dirs[i]);
			return 2;
		}
		if (kernel && (strcmp(kernel, jstr(s, "kernel", "")) || strcmp(host, jstr(s, "host", "")))) {
			fprintf(stderr, "merge: %s is of kernel %s on %s, the others of %s on %s\n", dirs[i],
				jstr(s, "kernel", "?"), jstr(s, "host", "?"), kernel, host);
			return 2;
		}
		if (kernel && strcmp(fixes_b, jstr(s, "fixes", ""))) {
			fprintf(stderr, "merge: %s is of a driver with the fixes '%s', the others with '%s'\n", dirs[i],
				jstr(s, "fixes", ""), fixes_b);
			return 2;
		}
		if (!kernel) {
			/* copies (the summary is put before the end): no
			 * allocation, so an early error return leaks nothing */
			snprintf(kernel_b, sizeof(kernel_b), "%s", jstr(s, "kernel", ""));
			snprintf(host_b, sizeof(host_b), "%s", jstr(s, "host", ""));
			snprintf(tool_b, sizeof(tool_b), "%s", jstr(s, "tool", tool));
			snprintf(fixes_b, sizeof(fixes_b), "%s", jstr(s, "fixes", ""));
			json_object_object_add(sum, "fixes", json_object_new_string(fixes_b));
			kernel = kernel_b;
			host = host_b;
			tool = tool_b;
			json_object_object_add(sum, "started", json_object_new_string(jstr(s, "started", "")));
		}
		secs += jnum_or(s, "seconds", 0);
		sh = jget(s, "shards");
		for (size_t k = 0; sh && k < json_object_array_length(sh); k++) {
			const char *x = json_object_get_string(json_object_array_get_idx(sh, k));
			bool have = false;

			for (size_t m = 0; m < json_object_array_length(shards); m++)
				have |= !strcmp(x, json_object_get_string(json_object_array_get_idx(shards, m)));
			if (!have)
				json_object_array_add(shards, json_object_new_string(x));
		}
		json_object_put(s);
		snprintf(path, sizeof(path), "%s/extra.json", dirs[i]);
		x = json_object_from_file(path);
		if (x) {
			/* lists (fail_nth) are joined, anything else kept from the first */
			if (!extra) {
				extra = x;
			} else {
				json_object_object_foreach(x, key, val) {
					struct json_object *have = jget(extra, key);

					if (have && json_object_is_type(have, json_type_array) &&
					    json_object_is_type(val, json_type_array))
						for (size_t k = 0; k < json_object_array_length(val); k++)
							json_object_array_add(have, json_object_get(
								json_object_array_get_idx(val, k)));
					else if (!have)
						json_object_object_add(extra, key, json_object_get(val));
				}
				json_object_put(x);
			}
		}
		snprintf(path, sizeof(path), "%s/cases", dirs[i]);
		d = opendir(path);
		if (!d) {
			fprintf(stderr, "merge: %s: %s\n", path, strerror(errno));
			return 2;
		}
		while ((e = readdir(d))) {
			char from[4400], to[4400];

			if (e->d_name[0] == '.')
				continue;
			snprintf(from, sizeof(from), "%s/cases/%s", dirs[i], e->d_name);
			snprintf(to, sizeof(to), "%s/cases/%s", out, e->d_name);
			if (!access(to, F_OK)) {
				fprintf(stderr, "merge: case file %s is in two of the folders\n", e->d_name);
				closedir(d);
				return 2;
			}
			rc = copy_file(from, to);
			if (rc) {
				fprintf(stderr, "merge: %s: %s\n", from, strerror(-rc));
				closedir(d);
				return 2;
			}
		}
		closedir(d);
	}
	json_object_object_add(sum, "host", json_object_new_string(host ? host : "sim"));
	json_object_object_add(sum, "kernel", json_object_new_string(kernel ? kernel : ""));
	json_object_object_add(sum, "seconds", json_object_new_double(secs));
	json_object_object_add(sum, "shards", shards);
	snprintf(path, sizeof(path), "%s/summary.json", out);
	json_object_to_file(path, sum);
	json_object_put(sum);
	if (extra) {
		snprintf(path, sizeof(path), "%s/extra.json", out);
		json_object_to_file_ext(path, extra, JSON_C_TO_STRING_PRETTY);
		json_object_put(extra);
	}
	if (coverage_merge(out, dirs, n)) {
		fprintf(stderr, "merge: cannot write %s/coverage.json\n", out);
		return 2;
	}
	rc = results_finalize(out, tool, command, false);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Known driver bugs: findings the unmodified driver raises because of a bug
 * of its own (KNOWN-ISSUES.md).  A finding is known when its title is an
 * entry's title for the running kernel version and its own report carries
 * everything else the entry names: the functions of its stacks (the Call
 * Trace, a sanitizer's access, free and allocation stacks, the stack that
 * acquired a leaked resource, the stack of the fault injected into the
 * task) and the lines of the report itself.  Nothing is looked for
 * elsewhere in the kernel log, so one bug's report never excuses another's.
 *
 * Reports are read as the sim and the sanitizers print them: a frame is
 * " func (file:line)" or "#N 0xADDR in func file:line"; inlined functions
 * are frames of their own (shim/stack.c), so the functions of a stack do
 * not depend on how the driver was built.
 *
 * Known findings are still printed, marked with their id; they do not make
 * a run fail.  Anything else does.
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sim/fixes.h>
#include <sim/host.h>
#include <sim/stack.h>

#define MAX_KNOWN 256
#define MAX_CLAUSES 6
#define MAX_FUNCS 8
#define MAX_FRAMES 64

static const char *const section_names[SIMHOST_NR_SECTIONS] = {
	"stack", "freed", "alloc", "fault",
};

struct clause {
	int section;			/* a frames clause, or -1: a report regex */
	int nfuncs;
	char funcs[MAX_FUNCS][64];
	regex_t re;
};

struct known {
	char id[16];
	unsigned int first, fixed;	/* kernel versions as 0xMMmm; fixed 0: none */
	char *title;
	int nclauses;
	struct clause clauses[MAX_CLAUSES];
};

static struct known known[MAX_KNOWN];
static int nr_known;

static int parse_kver(const char *s, unsigned int *v)
{
	unsigned int maj, min;
	char tail;

	if (sscanf(s, "%u.%u%c", &maj, &min, &tail) != 2 || maj > 255 || min > 255)
		return -1;
	*v = maj << 8 | min;
	return 0;
}

/* "stack=f1,f2" (f1 called, directly or not, by f2), "report=REGEX" */
static int parse_clause(struct clause *c, char *s, char *err, size_t errlen)
{
	char *eq = strchr(s, '='), *f;
	int i, rc;

	if (!eq) {
		snprintf(err, errlen, "clause '%s' is not KEY=VALUE", s);
		return -1;
	}
	*eq = 0;
	if (!strcmp(s, "report")) {
		c->section = -1;
		rc = regcomp(&c->re, eq + 1, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
		if (rc) {
			char msg[128];

			regerror(rc, &c->re, msg, sizeof(msg));
			snprintf(err, errlen, "report=%s: %s", eq + 1, msg);
			return -1;
		}
		return 0;
	}
	for (i = 0; i < SIMHOST_NR_SECTIONS; i++)
		if (!strcmp(s, section_names[i]))
			break;
	if (i == SIMHOST_NR_SECTIONS) {
		snprintf(err, errlen, "clause '%s': want stack=, freed=, alloc=, fault= or report=", s);
		return -1;
	}
	c->section = i;
	c->nfuncs = 0;
	for (f = strtok(eq + 1, ","); f; f = strtok(NULL, ",")) {
		if (c->nfuncs == MAX_FUNCS || !*f || strlen(f) >= sizeof(c->funcs[0])) {
			snprintf(err, errlen, "clause %s=: at most %d function names", s, MAX_FUNCS);
			return -1;
		}
		snprintf(c->funcs[c->nfuncs++], sizeof(c->funcs[0]), "%s", f);
	}
	if (!c->nfuncs) {
		snprintf(err, errlen, "clause %s= names no function", s);
		return -1;
	}
	return 0;
}

int simhost_known_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048], why[256];
	int lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[3 + MAX_CLAUSES], *p = line, *dots;
		struct known *k;
		int n = 0, i;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		while (n < 3 + MAX_CLAUSES && p) {
			field[n++] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = 0;
		}
		/* a title alone names a kind of bug, not this one */
		if (n < 4 || p) {
			snprintf(err, errlen, "%s line %d: want id, kernels, title and 1 to %d clauses, tab-separated",
				 path, lineno, MAX_CLAUSES);
			goto bad;
		}
		if (nr_known == MAX_KNOWN) {
			snprintf(err, errlen, "%s line %d: more than %d entries", path, lineno, MAX_KNOWN);
			goto bad;
		}
		k = &known[nr_known];
		snprintf(k->id, sizeof(k->id), "%s", field[0]);
		dots = strstr(field[1], "..");
		if (!dots) {
			snprintf(err, errlen, "%s line %d: kernels '%s' is not FIRST.. or FIRST..FIXED",
				 path, lineno, field[1]);
			goto bad;
		}
		*dots = 0;
		k->fixed = 0;
		if (parse_kver(field[1], &k->first) || (dots[2] && parse_kver(dots + 2, &k->fixed))) {
			snprintf(err, errlen, "%s line %d: bad kernel version in '%s..%s'",
				 path, lineno, field[1], dots + 2);
			goto bad;
		}
		k->nclauses = 0;
		for (i = 3; i < n; i++) {
			if (parse_clause(&k->clauses[k->nclauses], field[i], why, sizeof(why))) {
				snprintf(err, errlen, "%s line %d: %s", path, lineno, why);
				goto bad;
			}
			k->nclauses++;
		}
		k->title = strdup(field[2]);
		nr_known++;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -1;
}

/* ------------------------------------------------------------ reports */

/* The section a header line opens (-1: the line is no header).  "Call
 * Trace:" right after another header belongs to it. */
static int section_of(const char *line, size_t len, int open)
{
	static const struct { const char *text; int section; } heads[] = {
		{ "freed by thread", SIMHOST_SECTION_FREED }, { "Freed by", SIMHOST_SECTION_FREED },
		{ "allocated by thread", SIMHOST_SECTION_ALLOC },
		{ "Allocated by", SIMHOST_SECTION_ALLOC }, { "acquired by:", SIMHOST_SECTION_ALLOC },
		{ "backtrace:", SIMHOST_SECTION_ALLOC },
		{ "Last fault injected", SIMHOST_SECTION_FAULT },
		{ "READ of size", SIMHOST_SECTION_STACK }, { "WRITE of size", SIMHOST_SECTION_STACK },
		{ "ERROR: AddressSanitizer", SIMHOST_SECTION_STACK },
		{ "runtime error: ", SIMHOST_SECTION_STACK },
	};
	char l[256];
	size_t i;

	snprintf(l, sizeof(l), "%.*s", (int)(len < sizeof(l) ? len : sizeof(l) - 1), line);
	if (strstr(l, "Call Trace:"))
		return open >= 0 ? open : SIMHOST_SECTION_STACK;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (strstr(l, heads[i].text))
			return heads[i].section;
	return -1;
}

/*
 * The functions of a report's first stack of one kind, innermost first;
 * generic[i] says which are the runtime's.  A stack is the run of frame
 * lines after its header; frames before any header are the report's own
 * trace.  Returns how many.
 */
static int section_frames(const char *report, int want, char fns[][64], bool *generic, int max)
{
	const char *p = report;
	int cur = -1, n = 0;
	bool frames = false, any = false;

	for (; p && *p; p += strcspn(p, "\n"), p += *p == '\n') {
		size_t len = strcspn(p, "\n");
		char fn[64];
		bool gen;

		/* an oops's raw frames, before their symbolized trace */
		if (!strncmp(p, "pcs:", 4))
			continue;
		if (sim_frame_parse(p, len, fn, sizeof(fn), &gen)) {
			if (!any && cur < 0)
				cur = SIMHOST_SECTION_STACK;
			any = frames = true;
			if (cur == want && n < max) {
				snprintf(fns[n], 64, "%s", fn);
				generic[n++] = gen;
			}
			continue;
		}
		if (frames && n)
			break;		/* the wanted stack ended */
		cur = section_of(p, len, frames ? -1 : cur);
		frames = false;
	}
	return n;
}

const char *simhost_report_anchor(const char *report, char *buf, size_t len)
{
	char fns[MAX_FRAMES][64];
	bool generic[MAX_FRAMES];
	int n = section_frames(report, SIMHOST_SECTION_STACK, fns, generic, MAX_FRAMES), i;

	for (i = 0; i < n; i++)
		if (!generic[i]) {
			snprintf(buf, len, "%s", fns[i]);
			return buf;
		}
	return NULL;
}

int simhost_report_section(const char *report, int section, char fns[][64], int max)
{
	bool generic[MAX_FRAMES];

	if (max > MAX_FRAMES)
		max = MAX_FRAMES;
	return section_frames(report, section, fns, generic, max);
}

static bool clause_holds(const struct clause *c, const char *report)
{
	char fns[MAX_FRAMES][64];
	bool generic[MAX_FRAMES];
	int n, i, j = 0;

	if (c->section < 0)
		return !regexec(&c->re, report, 0, NULL, 0);
	n = section_frames(report, c->section, fns, generic, MAX_FRAMES);
	/* the named functions in this order, callees first */
	for (i = 0; i < n && j < c->nfuncs; i++)
		if (!strcmp(fns[i], c->funcs[j]))
			j++;
	return j == c->nfuncs;
}

/* A known issue this driver carries a fix for is not excused: its report
 * here means the fix did not hold. */
const char *simhost_known_match(const char *title, const char *report)
{
	unsigned int maj, min, v;
	int i, j;

	if (!report || sscanf(simhost_kernel_version(), "%u.%u", &maj, &min) != 2)
		return NULL;
	v = maj << 8 | min;
	for (i = 0; i < nr_known; i++) {
		struct known *k = &known[i];

		if (v < k->first || (k->fixed && v >= k->fixed))
			continue;
		if (strcmp(k->title, title) || sim_driver_fixed(k->id))
			continue;
		for (j = 0; j < k->nclauses; j++)
			if (!clause_holds(&k->clauses[j], report))
				break;
		if (j == k->nclauses)
			return k->id;
	}
	return NULL;
}

/* ------------------------------------------------------------ crashes */

int simhost_crash_title(const char *out, char *why, size_t len)
{
	static const char *const titles[] = {
		"general protection fault", "BUG: kernel NULL pointer dereference",
		"BUG: unable to handle page fault",
	};
	char anchor[64], kind[128] = "";
	const char *p;
	size_t i;

	if (!out)
		return 0;
	p = strstr(out, "ERROR: AddressSanitizer: ");
	if (p) {
		p += strlen("ERROR: AddressSanitizer: ");
		snprintf(kind, sizeof(kind), "AddressSanitizer: %.*s", (int)strcspn(p, " \n"), p);
		out = p;	/* its access stack follows */
	}
	for (i = 0; !kind[0] && i < sizeof(titles) / sizeof(titles[0]); i++)
		if ((p = strstr(out, titles[i]))) {
			snprintf(kind, sizeof(kind), "%s", titles[i]);
			out = p;
		}
	if (!kind[0] && (p = strstr(out, "runtime error: "))) {
		snprintf(kind, sizeof(kind), "UBSAN: %.*s", (int)strcspn(p + 15, "\n"), p + 15);
		out = p;	/* its stack follows (print_stacktrace=1) */
	}
	if (!kind[0])
		return 0;
	if (simhost_report_anchor(out, anchor, sizeof(anchor)))
		snprintf(why, len, "%s in %s", kind, anchor);
	else
		snprintf(why, len, "%s", kind);
	return 1;
}

void simhost_log_reports(const char *log, void (*fn)(const char *title, const char *report, void *arg),
			 void *arg)
{
	static const char rule[] = "======================================================";
	const char *p = log;
	char *title = NULL, *body = NULL;
	size_t blen = 0;
	int state = 0;	/* 0 outside, 1 title next, 2 dashes next, 3 body */

	for (; p && *p; p += strcspn(p, "\n"), p += *p == '\n') {
		size_t len = strcspn(p, "\n"), tlen;
		const char *text = p, *close = memchr(p, ']', len);

		/* "[    1.234567] text" */
		if (*text == '[' && close) {
			text = close + 1;
			text += *text == ' ';
		}
		tlen = len - (size_t)(text - p);
		if (tlen == sizeof(rule) - 1 && !strncmp(text, rule, tlen)) {
			if (state == 3 && title)
				fn(title, body ? body : "", arg);
			free(title);
			free(body);
			title = body = NULL;
			blen = 0;
			state = state == 3 ? 0 : 1;
			continue;
		}
		if (state == 1) {
			title = strndup(text, tlen);
			state = 2;
		} else if (state == 2) {
			state = strncmp(text, "-----", 5) ? 0 : 3;
		} else if (state == 3) {
			char *nb = realloc(body, blen + tlen + 2);

			if (!nb)
				break;
			body = nb;
			memcpy(body + blen, text, tlen);
			blen += tlen;
			body[blen++] = '\n';
			body[blen] = 0;
		}
	}
	free(title);
	free(body);
}

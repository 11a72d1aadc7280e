// SPDX-License-Identifier: GPL-2.0
/*
 * A case object's contents that both tools fill the same way: the host's
 * findings (and the oracle's lines that are not a host report), its lock
 * graph and the guests' APCB changes; and the small shared helpers
 * (the clock, errno names, counters in a JSON object).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "campaign.h"

double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

const char *errno_name(int e, char *buf, size_t len)
{
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, len, "%d", e);
	return buf;
}

void json_count(struct json_object *obj, const char *key, long n)
{
	struct json_object *v;

	if (json_object_object_get_ex(obj, key, &v))
		json_object_set_int64(v, json_object_get_int64(v) + n);
	else
		json_object_object_add(obj, key, json_object_new_int64(n));
}

const char *finding_kind(const char *title)
{
	static const struct { const char *needle, *kind; } kinds[] = {
		{ "locking", "lockdep" }, { "lock held", "lockdep" }, { "lockdep", "lockdep" },
		{ "unlock balance", "lockdep" }, { "held lock freed", "lockdep" },
		{ "blocked for more than", "hung-task" }, { "isolation", "isolation" },
		{ "consistency", "consistency" }, { "exclusivity", "consistency" },
		{ "leak", "leak" }, { "still allocated", "leak" }, { "pinned", "leak" },
		{ "still registered", "leak" }, { "KASAN", "memory" }, { "use-after-free", "memory" },
		{ "AddressSanitizer", "memory" }, { "WARNING", "warning" }, { "crash", "crash" },
		{ "timeout", "timeout" }, { "unexpected answer", "unexpected-answer" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasestr(title, kinds[i].needle))
			return kinds[i].kind;
	return "bug";
}

struct json_object *finding_obj(const char *title, const char *known, const char *kind,
				const char *first, const char *report)
{
	struct json_object *f = json_object_new_object();
	char *line = first ? NULL : strndup(report, strcspn(report, "\n"));

	json_object_object_add(f, "title", json_object_new_string(title));
	json_object_object_add(f, "known", known ? json_object_new_string(known) : NULL);
	json_object_object_add(f, "kind", json_object_new_string(kind ? kind : finding_kind(title)));
	json_object_object_add(f, "first", json_object_new_string(first ? first : line));
	json_object_object_add(f, "report", json_object_new_string(report));
	free(line);
	return f;
}

/* the kernel log's reports, to name the oracle's "log: TITLE" lines */
struct log_report {
	char *title, *report;
};

struct log_reports {
	struct log_report r[64];
	int n;
};

static void keep_report(const char *title, const char *report, void *arg)
{
	struct log_reports *lr = arg;

	if (lr->n < 64) {
		lr->r[lr->n].title = strdup(title);
		lr->r[lr->n].report = strdup(report);
		lr->n++;
	}
}

/* A report of the kernel log (a real host's, or a mounted sim's) is
 * known when its own text matches a known issue, as the sim's are: its
 * report, and the known issue it is, or the line alone. */
static const char *log_report(const struct log_reports *lr, const char *title, const char **known)
{
	for (int i = 0; i < lr->n; i++)
		if (lr->r[i].title && !strcmp(lr->r[i].title, title)) {
			*known = vap_known_match(title, lr->r[i].report);
			return lr->r[i].report;
		}
	*known = NULL;
	return NULL;
}

/* The host's reports (with their stacks), then the oracle's own lines
 * that are not a host report ("isolation: ...", "consistency: ...",
 * "log: ..." for a report of the kernel log). */
int case_add_findings(struct vap_host *h, struct json_object *c, const char *oracle_text)
{
	struct log_reports lr = { .n = 0 };
	char *klog = NULL;
	struct json_object *arr;
	struct vap_finding *f;
	int n, i, unknown = 0;
	const char *p;

	if (!json_object_object_get_ex(c, "findings", &arr)) {
		arr = json_object_new_array();
		json_object_object_add(c, "findings", arr);
	}
	n = vap_findings(h, &f);
	for (i = 0; i < n; i++) {
		json_object_array_add(arr, finding_obj(f[i].title, f[i].known, NULL, NULL, f[i].report));
		unknown += !f[i].known;
	}
	for (p = oracle_text; p && *p; p += strcspn(p, "\n"), p += *p == '\n') {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len), *colon;
		bool host_report = false;

		for (i = 0; i < n; i++)
			if (strstr(line, f[i].title))
				host_report = true;
		colon = strstr(line, ": ");
		for (size_t j = 0; j < json_object_array_length(arr); j++) {
			struct json_object *r;

			if (json_object_object_get_ex(json_object_array_get_idx(arr, j), "report", &r) &&
			    !strcmp(json_object_get_string(r), line))
				host_report = true;	/* seen already */
		}
		if (!host_report && len && strncmp(line, "known ", 6) && colon) {
			char title[128];

			/* an invariant's "TITLE: instance" -> TITLE; else what
			 * comes before the first ": " */
			if (vap_inv_title_of(line))
				snprintf(title, sizeof(title), "%s", vap_inv_title_of(line));
			else
				snprintf(title, sizeof(title), "%.*s", (int)(colon - line), line);
			if (!strcmp(title, "log")) {
				const char *known, *report;

				snprintf(title, sizeof(title), "%.120s", colon + 2);
				if (!klog) {
					klog = vap_log_since(h, 0);
					vap_log_reports(klog, keep_report, &lr);
				}
				report = log_report(&lr, title, &known);
				json_object_array_add(arr, finding_obj(title, known, NULL, NULL, report ? report : line));
				unknown += !known;
			} else {
				json_object_array_add(arr, finding_obj(title, NULL, NULL, NULL, line));
				unknown++;
			}
		}
		free(line);
	}
	for (i = 0; i < lr.n; i++) {
		free(lr.r[i].title);
		free(lr.r[i].report);
	}
	free(klog);
	vap_findings_free(f, n);
	return unknown;
}

void case_add_lockgraph(struct vap_host *h, struct json_object *c)
{
	struct json_object *g = json_object_new_object(), *edges = json_object_new_array();
	char *dot = NULL, *p;
	size_t len = 0;
	FILE *m = open_memstream(&dot, &len);

	if (vap_lockgraph(h, m) == 0) {
		fclose(m);
		for (p = dot; p && *p; p += strcspn(p, "\n"), p += *p == '\n') {
			char a[256], b[256];

			if (sscanf(p, " \"%255[^\"]\" -> \"%255[^\"]\"", a, b) == 2) {
				struct json_object *e = json_object_new_array();

				json_object_array_add(e, json_object_new_string(a));
				json_object_array_add(e, json_object_new_string(b));
				json_object_array_add(edges, e);
			}
		}
	} else {
		fclose(m);
	}
	free(dot);
	json_object_object_add(g, "edges", edges);
	json_object_object_add(c, "lockgraph", g);
}

/* The guests' APCB changes, from the KVM model's log lines:
 * "[ sec.usec] kvm: NAME: SET CRYCB: apm w0 w1 w2 w3 aqm w0 w1 w2 w3"
 * and "kvm: NAME: CLR CRYCB". */
void case_add_apcb(struct json_object *c, const char *log)
{
	struct json_object *arr = json_object_new_array();
	const char *p;
	int n = 0;

	for (p = log; p && *p && n < 4000; p += strcspn(p, "\n"), p += *p == '\n') {
		unsigned long m[8];
		long sec, usec;
		char name[64], hex[2][67];
		const char *k = strstr(p, "] kvm: ");
		size_t len = strcspn(p, "\n");
		struct json_object *e;
		int i;

		if (!k || k > p + len || sscanf(p, "[%ld.%ld]", &sec, &usec) != 2)
			continue;
		memset(m, 0, sizeof(m));
		if (sscanf(k, "] kvm: %63[^:]: SET CRYCB: apm %lx %lx %lx %lx aqm %lx %lx %lx %lx", name,
			   &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]) != 9 &&
		    sscanf(k, "] kvm: %63[^:]: CLR CRYC%c", name, hex[0]) != 2)
			continue;
		for (i = 0; i < 2; i++)
			snprintf(hex[i], sizeof(hex[i]), "0x%016lx%016lx%016lx%016lx", m[4 * i],
				 m[4 * i + 1], m[4 * i + 2], m[4 * i + 3]);
		e = json_object_new_object();
		json_object_object_add(e, "t", json_object_new_double(sec + usec / 1e6));
		json_object_object_add(e, "guest", json_object_new_string(name));
		json_object_object_add(e, "apm", json_object_new_string(hex[0]));
		json_object_object_add(e, "aqm", json_object_new_string(hex[1]));
		json_object_array_add(arr, e);
		n++;
	}
	json_object_object_add(c, "apcb", arr);
}

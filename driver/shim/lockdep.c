// SPDX-License-Identifier: GPL-2.0
/*
 * The lock validator: classes, the class dependency graph, cycle search on
 * every new dependency, recursive locking by class, and locks held on
 * return from an operation.  Reports follow the
 * kernel's wording so that people who read lockdep splats read these.
 *
 * Reads: the driver's rwsems are taken with down_read, a non-recursive
 * read (a waiting writer blocks new readers), so a read acquisition takes
 * part in cycles like a write one, as lockdep treats it.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <sim/lockdep.h>
#include <sim/report.h>
#include <sim/sched.h>
#include <sim/stack.h>

#define MAX_CLASSES 256

/* snprintf at *n into buf[len], never past the end (output is truncated). */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

bool sim_lockdep_enabled = true;

struct lock_class {
	const void *key;
	const char *name;
	const char *init_site;
};

/* How a dependency prev -> next was first seen. */
struct dep {
	bool present;
	const char *prev_site, *next_site;
	struct sim_stack *stack;	/* where the dependency was first seen */
	char comm[TASK_COMM_LEN];
	int pid;
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[MAX_CLASSES];
static int nr_classes;
static struct dep deps[MAX_CLASSES][MAX_CLASSES];
static bool overflow_reported;

/* "file:line" sites, with the file as in the kernel tree. */
static const char *site_str(const char *site, char *buf, size_t len)
{
	const char *colon;
	char file[256];

	if (!site)
		return "?";
	colon = strrchr(site, ':');
	if (!colon)
		return site;
	snprintf(file, sizeof(file), "%.*s", (int)(colon - site), site);
	sim_tree_path(file, buf, len);
	strncat(buf, colon, len - strlen(buf) - 1);
	return buf;
}

static int class_of(struct lockdep_map *dep)
{
	const void *key = lockdep_class_key(dep);
	int i;

	if (dep->class_id)
		return dep->class_id - 1;
	for (i = 0; i < nr_classes; i++)
		if (classes[i].key == key)
			break;
	if (i == nr_classes) {
		if (nr_classes == MAX_CLASSES) {
			if (!overflow_reported) {
				overflow_reported = true;
				sim_report("BUG: MAX_LOCKDEP_KEYS too low!",
					   "the validator keeps %d lock classes\n", MAX_CLASSES);
			}
			return -1;
		}
		classes[i].key = key;
		classes[i].name = dep->name;
		classes[i].init_site = dep->init_site;
		nr_classes++;
	}
	dep->class_id = i + 1;
	return i;
}

void sim_lockdep_set_novalidate(struct lockdep_map *dep)
{
	dep->novalidate = true;
}

int sim_lockdep_print_held(struct task *t, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (!t->lockdep_depth) {
		append(buf, len, &n, "no locks held by %s/%d.\n", t->comm, t->pid);
		return (int)n;
	}
	append(buf, len, &n, "%d lock%s held by %s/%d:\n", t->lockdep_depth,
	       t->lockdep_depth > 1 ? "s" : "", t->comm, t->pid);
	for (i = 0; i < t->lockdep_depth; i++) {
		char s[256];

		append(buf, len, &n, " #%d: (%s){%s}, at: %s\n", i,
			      t->held[i].map->name, t->held[i].read ? "++++" : "+.+.",
			      site_str(t->held[i].acquire_site, s, sizeof(s)));
	}
	return (int)n;
}

/* Breadth-first search from 'from' to 'to'; fills path (class ids). */
static int find_path(int from, int to, int *path)
{
	static int prev[MAX_CLASSES], queue[MAX_CLASSES];
	int head = 0, tail = 0, i, n = 0, c;

	for (i = 0; i < nr_classes; i++)
		prev[i] = -2;
	prev[from] = -1;
	queue[tail++] = from;
	while (head < tail) {
		c = queue[head++];
		if (c == to)
			break;
		for (i = 0; i < nr_classes; i++)
			if (deps[c][i].present && prev[i] == -2) {
				prev[i] = c;
				queue[tail++] = i;
			}
	}
	if (prev[to] == -2)
		return 0;
	for (c = to; c != -1; c = prev[c])
		path[n++] = c;
	/* reverse into from..to order */
	for (i = 0; i < n / 2; i++) {
		int x = path[i];

		path[i] = path[n - 1 - i];
		path[n - 1 - i] = x;
	}
	return n;
}

static void report_cycle(struct task *t, struct held_lock *held, int prev, int next,
			 const char *site, int *path, int n)
{
	static char body[16384], trace[4096];
	char s1[256], s2[256];
	struct sim_stack now;
	size_t len = 0;
	int i;

	append(body, sizeof(body), &len,
			"%s/%d is trying to acquire lock:\n (%s){+.+.}, at: %s\n\n"
			"but task is already holding lock:\n (%s){+.+.}, at: %s\n\n"
			"which lock already depends on the new lock.\n\n"
			"the existing dependency chain (in reverse order) is:\n",
			t->comm, t->pid, classes[next].name, site_str(site, s1, sizeof(s1)),
			classes[prev].name, site_str(held->acquire_site, s2, sizeof(s2)));
	/* path runs next -> ... -> prev; print it from prev back to next */
	for (i = n - 1; i > 0; i--) {
		struct dep *d = &deps[path[i - 1]][path[i]];

		append(body, sizeof(body), &len,
				"\n-> #%d (%s):\n       acquired at %s by %s/%d\n"
				"       while holding (%s), taken at %s\n",
				i, classes[path[i]].name, site_str(d->next_site, s1, sizeof(s1)),
				d->comm, d->pid, classes[path[i - 1]].name,
				site_str(d->prev_site, s2, sizeof(s2)));
		if (d->stack) {
			sim_stack_format(d->stack, trace, sizeof(trace));
			append(body, sizeof(body), &len, "%s", trace);
		}
	}
	append(body, sizeof(body), &len,
			"\n-> #0 (%s):\n       acquiring at %s\n\n"
			"other info that might help us debug this:\n\n"
			" Possible unsafe locking scenario:\n\n"
			"       CPU0                    CPU1\n"
			"       ----                    ----\n"
			"  lock(%s);\n                               lock(%s);\n"
			"                               lock(%s);\n  lock(%s);\n\n"
			" *** DEADLOCK ***\n\n",
			classes[next].name, site_str(site, s1, sizeof(s1)),
			classes[prev].name, classes[next].name, classes[prev].name,
			classes[next].name);
	len += sim_lockdep_print_held(t, body + len, sizeof(body) - len);
	sim_stack_save(&now, 2);
	sim_stack_format(&now, trace, sizeof(trace));
	append(body, sizeof(body), &len, "\nstack backtrace:\n%s", trace);
	sim_report("WARNING: possible circular locking dependency detected", "%s", body);
}

void sim_lockdep_acquire(struct lockdep_map *dep, const char *site, bool trylock)
{
	struct task *t = sim_current();
	int next, i, path[MAX_CLASSES];

	if (!sim_lockdep_enabled || dep->novalidate)
		return;
	pthread_mutex_lock(&graph_lock);
	next = class_of(dep);
	for (i = 0; next >= 0 && i < t->lockdep_depth; i++) {
		struct held_lock *h = &t->held[i];
		int prev, n;

		if (h->map->novalidate)
			continue;
		prev = class_of(h->map);
		if (prev < 0)
			continue;
		if (prev == next) {
			char s1[256], s2[256];

			if (trylock)
				continue;
			sim_report("WARNING: possible recursive locking detected",
				   "%s/%d is trying to acquire lock:\n (%s){+.+.}, at: %s\n\n"
				   "but task is already holding lock:\n (%s){+.+.}, at: %s\n\n"
				   " Possible unsafe locking scenario:\n\n       CPU0\n       ----\n"
				   "  lock(%s);\n  lock(%s);\n\n *** DEADLOCK ***\n\n"
				   " May be due to missing lock nesting notation\n",
				   t->comm, t->pid, dep->name, site_str(site, s1, sizeof(s1)),
				   h->map->name, site_str(h->acquire_site, s2, sizeof(s2)),
				   dep->name, dep->name);
			continue;
		}
		/* a trylock cannot wait, so it adds no dependency on what is held */
		if (trylock || deps[prev][next].present)
			continue;
		n = find_path(next, prev, path);
		if (n)
			report_cycle(t, h, prev, next, site, path, n);
		deps[prev][next].present = true;
		deps[prev][next].prev_site = h->acquire_site;
		deps[prev][next].next_site = site;
		snprintf(deps[prev][next].comm, TASK_COMM_LEN, "%s", t->comm);
		deps[prev][next].pid = t->pid;
		deps[prev][next].stack = malloc(sizeof(struct sim_stack));
		if (deps[prev][next].stack)
			sim_stack_save(deps[prev][next].stack, 1);
	}
	pthread_mutex_unlock(&graph_lock);
}

int sim_lockdep_depth(void)
{
	return sim_current()->lockdep_depth;
}

void sim_lockdep_check_return(int depth, const char *what, bool to_user)
{
	struct task *t = sim_current();
	char held[4096];

	if (!sim_lockdep_enabled || t->lockdep_depth <= depth)
		return;
	sim_lockdep_print_held(t, held, sizeof(held));
	sim_report(to_user ? "WARNING: lock held when returning to user space!" :
		   "WARNING: lock held when returning from a callback!",
		   "%s/%d is leaving %s with locks still held!\n%s",
		   t->comm, t->pid, what, held);
}

void sim_lockdep_dot(FILE *out)
{
	int i, j;

	pthread_mutex_lock(&graph_lock);
	fprintf(out, "digraph lockdep {\n\trankdir=LR;\n\tnode [shape=box, fontname=monospace];\n");
	for (i = 0; i < nr_classes; i++) {
		char s[256];

		fprintf(out, "\t\"%s\" [tooltip=\"initialised at %s\"];\n", classes[i].name,
			site_str(classes[i].init_site, s, sizeof(s)));
	}
	for (i = 0; i < nr_classes; i++)
		for (j = 0; j < nr_classes; j++)
			if (deps[i][j].present) {
				char s[256];

				fprintf(out, "\t\"%s\" -> \"%s\" [tooltip=\"%s\"];\n",
					classes[i].name, classes[j].name,
					site_str(deps[i][j].next_site, s, sizeof(s)));
			}
	fprintf(out, "}\n");
	pthread_mutex_unlock(&graph_lock);
}

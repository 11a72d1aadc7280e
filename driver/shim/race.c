// SPDX-License-Identifier: GPL-2.0
/*
 * The lockset detector (sim/race.h).
 *
 * The driver's two files are compiled with address-sanitizer
 * instrumentation in its outline form: every load and store calls
 * __asan_{load,store}N (the sanitized build, forwarded to ASan's own
 * check after ours) or __asan_{load,store}N_noabort (the plain build,
 * kernel-address instrumentation with no runtime but this file).  Stack
 * accesses are skipped; the rest is shadowed in 4-byte granules.
 *
 * Each granule runs Eraser's state machine:
 *   exclusive   - one task's, or handed on along a happens-before edge
 *                 (its last access is ordered before the new one);
 *   shared      - read by a second task: candidate set = locks held;
 *   shared-mod  - written while shared: a candidate set that becomes
 *                 empty is reported, once per granule and per pair of
 *                 functions.
 * Locks are lock classes, as lockdep's (a field guarded by one VM's
 * kvm->lock and accessed under another's is not seen).  A write counts
 * only the locks held for writing (an rwsem held for read guards reads).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mutex.h>
#include <sim/race.h>
#include <sim/report.h>
#include <sim/sched.h>
#include <sim/slab.h>
#include <sim/stack.h>
#include <sim/lockdep.h>

#ifdef SIM_NO_RACE
bool sim_race_enabled = false;
#else
bool sim_race_enabled = true;
#endif

#define GRANULE 4
#define NBUCKETS (1u << 16)
#define MAX_BITS 64
#define MAX_STACKS (1u << 16)
#define MAX_READS 4

enum { EXCLUSIVE, SHARED, SHARED_MOD };

struct access {
	int pid;
	char comm[TASK_COMM_LEN];
	bool write;
	unsigned char size;
	uint64_t held;
	const void *pc;
	uint32_t stack;		/* depot id + 1; 0: none */
};

struct rec {
	uintptr_t g;
	struct rec *next;
	unsigned char state;
	bool reported;
	short slot;		/* exclusive owner's slot, -1: none */
	int pid;
	uint32_t epoch;
	/* since the location was shared: the locks held at every write, and
	 * the distinct (minimal) sets held at reads, with their accesses */
	uint64_t w;
	unsigned char nreads;
	struct {
		uint64_t mask;
		struct access a;
	} reads[MAX_READS];
	/* the last access, the last write, and the last write by another
	 * task than that one's, and the last access by another task than the
	 * last one's */
	struct access last, prev, lastw[2];
};

struct rtask {
	int slot;
	uint32_t vc[SIM_RACE_SLOTS];
};

static pthread_mutex_t race_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec *buckets[NBUCKETS];

/* task slots: the clock each slot has reached, and who holds it */
static uint32_t slot_clock[SIM_RACE_SLOTS];
static bool slot_used[SIM_RACE_SLOTS];
static bool slots_out_reported;

/* lock classes as bits */
static const void *bit_key[MAX_BITS];
static const char *bit_name[MAX_BITS];
static int nbits;

/* stack depot */
static struct sim_stack *depot;
static uint32_t *depot_hash;
static unsigned int ndepot;

static __attribute__((constructor)) void race_env(void)
{
	const char *s = getenv("SIM_LOCKSET");

	if (s && !strcmp(s, "0"))
		sim_race_enabled = false;
}

static unsigned int hash_g(uintptr_t g)
{
	g /= GRANULE;
	return (unsigned int)((g * 0x9e3779b97f4a7c15ULL) >> 48) & (NBUCKETS - 1);
}

/* ---- tasks and their clocks ---- */

static struct rtask *rtask_new(void)
{
	struct rtask *r = calloc(1, sizeof(*r));
	int s;

	if (!r)
		abort();
	r->slot = -1;
	for (s = 0; s < SIM_RACE_SLOTS; s++)
		if (!slot_used[s])
			break;
	if (s == SIM_RACE_SLOTS) {
		if (!slots_out_reported) {
			slots_out_reported = true;
			sim_log("lockset: more than %d live tasks; the others are ordered with nothing",
				SIM_RACE_SLOTS);
		}
		return r;
	}
	slot_used[s] = true;
	r->slot = s;
	r->vc[s] = ++slot_clock[s];
	return r;
}

/* with race_lock */
static struct rtask *rtask_of(struct task *t)
{
	if (!t->race)
		t->race = rtask_new();
	return t->race;
}

static void tick(struct rtask *r)
{
	if (r->slot >= 0)
		r->vc[r->slot] = ++slot_clock[r->slot];
}

static void join(uint32_t *into, const uint32_t *from)
{
	int i;

	for (i = 0; i < SIM_RACE_SLOTS; i++)
		if (from[i] > into[i])
			into[i] = from[i];
}

void sim_race_task_start(struct task *child, struct task *parent)
{
	struct rtask *c, *p;

	pthread_mutex_lock(&race_lock);
	c = rtask_of(child);
	if (parent) {
		p = rtask_of(parent);
		join(c->vc, p->vc);
		tick(p);
	}
	pthread_mutex_unlock(&race_lock);
}

void sim_race_task_joined(struct task *joiner, struct task *t)
{
	pthread_mutex_lock(&race_lock);
	if (joiner && t->race)
		join(rtask_of(joiner)->vc, ((struct rtask *)t->race)->vc);
	pthread_mutex_unlock(&race_lock);
}

void sim_race_task_exit(struct task *t)
{
	struct rtask *r = t->race;

	if (!r)
		return;
	pthread_mutex_lock(&race_lock);
	if (r->slot >= 0)
		slot_used[r->slot] = false;
	t->race = NULL;
	pthread_mutex_unlock(&race_lock);
	free(r);
}

void sim_race_release(struct sim_hb *hb)
{
	struct rtask *r;

	pthread_mutex_lock(&race_lock);
	r = rtask_of(sim_current());
	join(hb->vc, r->vc);
	tick(r);
	pthread_mutex_unlock(&race_lock);
}

void sim_race_acquire(struct sim_hb *hb)
{
	pthread_mutex_lock(&race_lock);
	join(rtask_of(sim_current())->vc, hb->vc);
	pthread_mutex_unlock(&race_lock);
}

/* ---- locks ---- */

static int bit_of(struct lockdep_map *dep)
{
	const void *key = lockdep_class_key(dep);
	int i;

	if (dep->race_bit)
		return dep->race_bit - 1;
	for (i = 0; i < nbits; i++)
		if (bit_key[i] == key)
			break;
	if (i == nbits) {
		if (nbits == MAX_BITS)
			return -1;
		bit_key[i] = key;
		bit_name[i] = dep->name;
		nbits++;
	}
	dep->race_bit = i + 1;
	return i;
}

/* the works holding a loan of locks, from queue_work to their end */
#define MAX_LOANS 64
static struct sim_hb *loans[MAX_LOANS];

void sim_race_lend(struct sim_hb *hb)
{
	struct task *t = sim_current();
	int i;

	pthread_mutex_lock(&race_lock);
	hb->lent = t->race_held;
	hb->lentw = t->race_heldw;
	hb->lender = t->pid;
	for (i = 0; i < MAX_LOANS; i++)
		if (loans[i] == hb || !loans[i])
			break;
	if (i < MAX_LOANS)
		loans[i] = hb;
	else
		hb->lent = hb->lentw = 0;
	pthread_mutex_unlock(&race_lock);
}

void sim_race_work_begin(struct sim_hb *hb)
{
	sim_current()->race_work = hb;
}

void sim_race_work_end(struct sim_hb *hb)
{
	int i;

	sim_current()->race_work = NULL;
	pthread_mutex_lock(&race_lock);
	for (i = 0; i < MAX_LOANS; i++)
		if (loans[i] == hb)
			loans[i] = NULL;
	hb->lent = hb->lentw = 0;
	hb->lender = 0;
	pthread_mutex_unlock(&race_lock);
}

void sim_race_held_changed(struct task *t)
{
	uint64_t held = 0, heldw = 0;
	int i, b;

	pthread_mutex_lock(&race_lock);
	for (i = 0; i < t->lockdep_depth; i++) {
		b = bit_of(t->held[i].map);
		if (b < 0)
			continue;
		held |= 1ULL << b;
		if (!t->held[i].read)
			heldw |= 1ULL << b;
	}
	/* a lender that lets a lock go takes it back from its works */
	for (i = 0; i < MAX_LOANS; i++)
		if (loans[i] && loans[i]->lender == t->pid) {
			loans[i]->lent &= held;
			loans[i]->lentw &= heldw;
		}
	pthread_mutex_unlock(&race_lock);
	t->race_held = held;
	t->race_heldw = heldw;
}

static void format_locks(uint64_t set, char *buf, size_t len)
{
	size_t n = 0;
	int b;

	buf[0] = '\0';
	for (b = 0; b < nbits && n < len; b++)
		if (set & (1ULL << b))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", bit_name[b]);
	if (!n)
		snprintf(buf, len, "no locks");
}

/* ---- stacks ---- */

static uint32_t stack_hash(const struct sim_stack *s)
{
	uint64_t h = 1469598103934665603ULL;
	int i;

	for (i = 0; i < s->n; i++)
		h = (h ^ (uintptr_t)s->pc[i]) * 1099511628211ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* with race_lock; a linear probe over a table that only grows */
static uint32_t depot_put(const struct sim_stack *s)
{
	uint32_t h = stack_hash(s), i;

	if (!depot) {
		depot = calloc(MAX_STACKS, sizeof(*depot));
		depot_hash = calloc(MAX_STACKS, sizeof(*depot_hash));
		if (!depot || !depot_hash)
			abort();
	}
	for (i = h & (MAX_STACKS - 1);; i = (i + 1) & (MAX_STACKS - 1)) {
		if (!depot_hash[i]) {
			if (ndepot >= MAX_STACKS / 2)
				return 0;
			depot[i] = *s;
			depot_hash[i] = h | 1;
			ndepot++;
			return i + 1;
		}
		if (depot_hash[i] == (h | 1) && depot[i].n == s->n &&
		    !memcmp(depot[i].pc, s->pc, (size_t)s->n * sizeof(void *)))
			return i + 1;
	}
}

/* ---- shadow ---- */

static struct rec *lookup(uintptr_t g, bool create)
{
	struct rec **b = &buckets[hash_g(g)], *r;

	for (r = *b; r; r = r->next)
		if (r->g == g)
			return r;
	if (!create)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->g = g;
	r->slot = -1;
	r->next = *b;
	*b = r;
	return r;
}

static void forget_range(uintptr_t lo, uintptr_t hi)
{
	unsigned int i;

	if (hi - lo > (uintptr_t)NBUCKETS * GRANULE) {
		/* a big range: walk the table once */
		for (i = 0; i < NBUCKETS; i++) {
			struct rec **pp = &buckets[i];

			while (*pp) {
				struct rec *r = *pp;

				if (r->g >= lo && r->g < hi) {
					*pp = r->next;
					free(r);
				} else {
					pp = &r->next;
				}
			}
		}
		return;
	}
	for (lo &= ~(uintptr_t)(GRANULE - 1); lo < hi; lo += GRANULE) {
		struct rec **pp = &buckets[hash_g(lo)];

		for (; *pp; pp = &(*pp)->next)
			if ((*pp)->g == lo) {
				struct rec *r = *pp;

				*pp = r->next;
				free(r);
				break;
			}
	}
}

void sim_race_forget(const void *p, size_t size)
{
	if (!p || !size)
		return;
	pthread_mutex_lock(&race_lock);
	forget_range((uintptr_t)p, (uintptr_t)p + size);
	pthread_mutex_unlock(&race_lock);
}

/* the executable's data and bss: the driver's globals among them */
extern char __data_start[], _end[];

void sim_race_forget_globals(void)
{
	sim_race_forget(__data_start, (size_t)(_end - __data_start));
}


/* ---- reports ---- */

static void fn_of_stack(uint32_t id, const void *pc, char *trace, size_t tlen, char *fn, size_t flen)
{
	struct sim_stack s;

	if (id) {
		s = depot[id - 1];
	} else {
		s.n = 1;
		s.pc[0] = (void *)pc;
	}
	sim_stack_format(&s, trace, tlen);
	if (!sim_trace_anchor(trace, fn, flen))
		snprintf(fn, flen, "%s", "unknown");
}

static void describe_access(const struct access *a, const char *trace, char *buf, size_t len)
{
	char locks[512];

	format_locks(a->held, locks, sizeof(locks));
	snprintf(buf, len, "%s of %u bytes by task %d (%s), holding %s:\n%s",
		 a->write ? "write" : "read", a->size, a->pid, a->comm, locks, trace);
}

/* the tree's path of a site "file:line" */
static void site_path(const char *site, char *buf, size_t len)
{
	const char *colon = strrchr(site, ':');
	char file[256];

	if (!colon) {
		snprintf(buf, len, "%s", site);
		return;
	}
	snprintf(file, sizeof(file), "%.*s", (int)(colon - site), site);
	sim_tree_path(file, buf, len);
	strncat(buf, colon, len - strlen(buf) - 1);
}

/* which object, struct and field, or which global */
static void memory_describe(uintptr_t addr, const void *pc, char *buf, size_t len)
{
	const void *base;
	const char *site;
	char type[300], path[300];
	size_t size, off;

	if (shim_slab_find((const void *)addr, &base, &size, &site)) {
		off = addr - (uintptr_t)base;
		site_path(site, path, sizeof(path));
		if (sim_data_describe((const void *)addr, pc, size, off, type, sizeof(type)))
			snprintf(buf, len, "%s, at offset %zu of a %zu-byte object allocated at %s",
				 type, off, size, path);
		else
			snprintf(buf, len, "offset %zu of a %zu-byte object allocated at %s", off, size, path);
	} else if (sim_data_describe((const void *)addr, pc, 0, 0, type, sizeof(type))) {
		snprintf(buf, len, "%s", type);
	} else {
		snprintf(buf, len, "memory of the models, not the slab's");
	}
}

struct pending {
	bool on;
	uintptr_t addr;
	uint64_t w;
	struct access now, prev;
};

/* without race_lock: the depot and the lock names only grow */
static void report(const struct pending *p)
{
	static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
	static char seen[64][260];
	static int nseen;
	char *t1, *t2, *d1, *d2;
	char f1[128], f2[128], pair[260], where[700], title[300], wlocks[512];
	const char *a, *b;
	bool dup;
	int i;

	t1 = malloc(4096);
	t2 = malloc(4096);
	d1 = malloc(5000);
	d2 = malloc(5000);
	if (!t1 || !t2 || !d1 || !d2)
		goto out;
	fn_of_stack(p->now.stack, p->now.pc, t1, 4096, f1, sizeof(f1));
	fn_of_stack(p->prev.stack, p->prev.pc, t2, 4096, f2, sizeof(f2));
	/* the title orders the two functions, so that either order of the
	 * accesses gives one title */
	a = strcmp(f1, f2) <= 0 ? f1 : f2;
	b = a == f1 ? f2 : f1;
	snprintf(pair, sizeof(pair), "%s / %s", a, b);
	pthread_mutex_lock(&seen_lock);
	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], pair))
			break;
	dup = i < nseen;
	if (!dup && nseen < (int)(sizeof(seen) / sizeof(seen[0])))
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", pair);
	pthread_mutex_unlock(&seen_lock);
	if (dup)
		goto out;
	describe_access(&p->now, t1, d1, 5000);
	describe_access(&p->prev, t2, d2, 5000);
	memory_describe(p->addr, p->now.pc, where, sizeof(where));
	format_locks(p->w, wlocks, sizeof(wlocks));
	snprintf(title, sizeof(title), "BUG: KCSAN: data-race in %s", pair);
	sim_report(title,
		   "BUG: KCSAN: data-race in %s\n\n"
		   "%s (%p): not consistently locked since a second task touched it "
		   "(lockset analysis: it need not have raced yet); held at every "
		   "write since: %s; these two accesses hold no lock in common with "
		   "that\n\n%s\n%s\n",
		   pair, where, (const void *)p->addr, p->w == ~0ULL ? "(no write)" : wlocks, d1, d2);
out:
	free(t1);
	free(t2);
	free(d1);
	free(d2);
}

/* ---- the access ---- */

static void note(struct access *a, struct task *t, bool write, unsigned char size,
		 uint64_t held, const void *pc)
{
	struct sim_stack s;
	int i;

	if (a->pid == t->pid && a->write == write && a->held == held && a->pc == pc && a->stack)
		return;
	a->pid = t->pid;
	memcpy(a->comm, t->comm, sizeof(a->comm));
	a->write = write;
	a->size = size;
	a->held = held;
	a->pc = pc;
	/* from the instrumented code on: the frames above it are ours */
	sim_stack_save(&s, 0);
	for (i = 0; i < s.n && s.pc[i] != pc; i++)
		;
	if (i < s.n) {
		memmove(s.pc, s.pc + i, (size_t)(s.n - i) * sizeof(void *));
		s.n -= i;
	}
	a->stack = depot_put(&s);
}

static void flag(struct rec *r, struct pending *rep, const struct access *now,
		 const struct access *prev, uintptr_t addr)
{
	if (r->reported || rep->on || !prev->pid)
		return;
	r->reported = true;
	rep->on = true;
	rep->addr = addr;
	rep->w = r->w;
	rep->now = *now;
	rep->prev = *prev;
}

/* a read's lock set joins the minimal ones (a superset of one already
 * there adds nothing: whenever that one meets the write set, it does);
 * the access to note, or NULL (the set's first access stays its) */
static struct access *add_read(struct rec *r, uint64_t held)
{
	int i, k;

	for (i = 0; i < r->nreads; i++)
		if ((r->reads[i].mask & held) == r->reads[i].mask)
			return r->reads[i].mask == held ? &r->reads[i].a : NULL;
	for (i = k = 0; i < r->nreads; i++)
		if ((r->reads[i].mask & held) != held)
			r->reads[k++] = r->reads[i];
	r->nreads = (unsigned char)k;
	if (k == MAX_READS)
		k = MAX_READS - 1;	/* the newest replaces the last */
	else
		r->nreads++;
	r->reads[k].mask = held;
	memset(&r->reads[k].a, 0, sizeof(r->reads[k].a));
	return &r->reads[k].a;
}

/*
 * Eraser's state machine, with its candidate set split as the driver's
 * locking rules need it: a field written with several locks held may be
 * read with any one of them (matrix_mdev->kvm: guests_lock, kvm->lock
 * and mdevs_lock to write, one to read).  Once shared, a location is
 * consistently locked while the locks held at every write (w) are not
 * empty, and every read holds one of them.
 */
static void access_granule(struct rec *r, struct task *t, struct rtask *rt, bool write,
			   unsigned char size, uint64_t held, const void *pc, uintptr_t addr,
			   struct pending *rep)
{
	struct access *a;
	int i;

	if (r->state == EXCLUSIVE) {
		if (!r->pid || r->pid == t->pid ||
		    (r->slot >= 0 && r->slot != rt->slot && r->epoch <= rt->vc[r->slot])) {
			/* the owner again, or handed on in order */
			r->pid = t->pid;
			r->slot = (short)rt->slot;
			r->epoch = rt->slot >= 0 ? rt->vc[rt->slot] : 0;
			if (r->last.pid && r->last.pid != t->pid)
				r->prev = r->last;
			note(&r->last, t, write, size, held, pc);
			return;
		}
		r->state = SHARED;
		r->w = ~0ULL;
		r->nreads = 0;
		/* the owner's last write: the other side if this one writes
		 * with no lock */
		memset(r->lastw, 0, sizeof(r->lastw));
		if (r->last.write)
			r->lastw[0] = r->last;
	}
	if (write) {
		if (r->lastw[0].pid && r->lastw[0].pid != t->pid)
			r->lastw[1] = r->lastw[0];
		note(&r->lastw[0], t, true, size, held, pc);
		r->w &= held;
		r->state = SHARED_MOD;
		if (!r->w)
			flag(r, rep, &r->lastw[0], r->lastw[1].pid ? &r->lastw[1] :
			     r->last.pid && r->last.pid != t->pid ? &r->last : &r->prev, addr);
		for (i = 0; i < r->nreads; i++)
			if (!(r->reads[i].mask & r->w))
				flag(r, rep, &r->lastw[0], &r->reads[i].a, addr);
	} else {
		a = add_read(r, held);
		if (a)
			note(a, t, false, size, held, pc);
		if (a && r->state == SHARED_MOD && !(held & r->w)) {
			/* (without a: a subset of this set is there, and met
			 * the write set, or was reported with it) */
			flag(r, rep, a, r->lastw[0].pid != t->pid || !r->lastw[1].pid ?
			     &r->lastw[0] : &r->lastw[1], addr);
		}
	}
	if (r->last.pid && r->last.pid != t->pid)
		r->prev = r->last;
	note(&r->last, t, write, size, held, pc);
}

static void on_access(uintptr_t addr, size_t size, bool write, const void *pc)
{
	struct task *t;
	struct rtask *rt;
	void *lo, *hi;
	uintptr_t g, end;
	uint64_t held;
	struct pending rep;

	if (!sim_race_enabled || !size)
		return;
	sim_stack_bounds(&lo, &hi);
	if (addr >= (uintptr_t)lo && addr < (uintptr_t)hi)
		return;
	t = sim_current();
	end = addr + size;
	rep.on = false;
	pthread_mutex_lock(&race_lock);
	held = write ? t->race_heldw : t->race_held;
	if (t->race_work)
		held |= write ? t->race_work->lentw : t->race_work->lent;
	rt = rtask_of(t);
	for (g = addr & ~(uintptr_t)(GRANULE - 1); g < end; g += GRANULE)
		access_granule(lookup(g, true), t, rt, write, (unsigned char)(size > 255 ? 255 : size),
			       held, pc, addr, &rep);
	pthread_mutex_unlock(&race_lock);
	if (rep.on)
		report(&rep);
}

/*
 * The instrumentation's entry points.  Sanitized builds: the driver is
 * built with -fsanitize=address, its checks outline, and each is
 * forwarded to ASan's after ours.  Plain builds: kernel-address
 * instrumentation, whose calls end here.
 */
#ifdef __SANITIZE_ADDRESS__
#include <dlfcn.h>
#define NAME(name) name
#define FORWARD(name, ...) do {						\
		static void (*real)();					\
		if (!real)						\
			real = (void (*)())dlsym(RTLD_NEXT, #name);	\
		if (real)						\
			real(__VA_ARGS__);				\
	} while (0)
#else
#define NAME(name) name##_noabort
#define FORWARD(name, ...) do { } while (0)
#endif
#define HOOK(name, size, write)						\
	void NAME(name)(void *a);					\
	void NAME(name)(void *a)					\
	{								\
		FORWARD(name, a);					\
		on_access((uintptr_t)a, size, write, __builtin_return_address(0)); \
	}
#define HOOKN(name, write)						\
	void NAME(name)(void *a, ptrdiff_t n);				\
	void NAME(name)(void *a, ptrdiff_t n)				\
	{								\
		FORWARD(name, a, n);					\
		on_access((uintptr_t)a, (size_t)n, write, __builtin_return_address(0)); \
	}
HOOK(__asan_load1, 1, false)
HOOK(__asan_load2, 2, false)
HOOK(__asan_load4, 4, false)
HOOK(__asan_load8, 8, false)
HOOK(__asan_load16, 16, false)
HOOK(__asan_store1, 1, true)
HOOK(__asan_store2, 2, true)
HOOK(__asan_store4, 4, true)
HOOK(__asan_store8, 8, true)
HOOK(__asan_store16, 16, true)
HOOKN(__asan_loadN, false)
HOOKN(__asan_storeN, true)

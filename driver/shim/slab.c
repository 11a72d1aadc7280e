// SPDX-License-Identifier: GPL-2.0
/*
 * The slab allocator: every object carries a header on the ledger of live
 * allocations (with its allocation site), so that a torn-down host can be
 * checked for leaks, and kfree of a pointer that is not live is a report.
 */
#include <pthread.h>
#include <string.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <sim/report.h>
#include <sim/slab.h>
#include <sim/stack.h>
#include <sim/uninit.h>
#include <sim/lockdep.h>
#include <sim/race.h>

#define SLAB_MAGIC 0x5ab5ab5ab5ab5ab5ULL

struct obj {
	struct list_head node;
	unsigned long long magic;
	size_t size;
	int pins;		/* references from the harness (shim_slab_pin) */
	const char *site;
	unsigned long seq;
	struct sim_stack stack;	/* the allocating stack, for leak reports */
} __attribute__((aligned(16)));	/* keeps the payload 16-byte aligned */

static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;

#ifndef __SANITIZE_ADDRESS__
#define QUARANTINE 8192
static struct obj *quarantine[QUARANTINE];
static unsigned int qhead;

/* keeps o, gives back the oldest object (NULL while filling); slab_lock */
static struct obj *quarantine_swap(struct obj *o)
{
	struct obj *old = quarantine[qhead];

	quarantine[qhead] = o;
	qhead = (qhead + 1) % QUARANTINE;
	return old;
}
#endif
static LIST_HEAD(live);
static unsigned long nlive, seq;
shim_slab_fail_fn shim_slab_should_fail;

/* The object size of the kmalloc cache a request lands in (what failslab's
 * space budget counts). */
static size_t kmalloc_bucket(size_t size)
{
	size_t b = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (b < size)
		b <<= 1;
	return b;
}

bool shim_slab_fault(size_t size, gfp_t flags, const char *site)
{
	return shim_slab_should_fail && shim_slab_should_fail(kmalloc_bucket(size), flags, site);
}

void *shim_kmalloc(size_t size, gfp_t flags, const char *site)
{
	struct obj *o;

	/* the kernel's largest kmalloc; a saturated size (size_mul) fails */
	if (size > (64UL << 20))
		return NULL;
	if (shim_slab_fault(size, flags, site))
		return NULL;
	o = malloc(sizeof(*o) + (size ? size : 1));
	if (!o)
		return NULL;
	/* what nobody writes reads as the uninitialized-memory pattern
	 * (sim/uninit.h), as the driver's own locals do */
	if ((flags & __GFP_ZERO) || SIM_UNINIT_FILL)
		memset(o + 1, (flags & __GFP_ZERO) ? 0 : SIM_UNINIT_BYTE, size);
	/* fresh memory has no access history (the lockset detector): it may
	 * have been a model's object, freed without a word */
	sim_race_forget(o + 1, size);
	o->magic = SLAB_MAGIC;
	o->size = size;
	o->pins = 0;
	o->site = site;
	sim_stack_save(&o->stack, 1);
	pthread_mutex_lock(&slab_lock);
	o->seq = ++seq;
	list_add_tail(&o->node, &live);
	nlive++;
	pthread_mutex_unlock(&slab_lock);
	return o + 1;
}

void *shim_kmemdup(const void *src, size_t len, gfp_t flags, const char *site)
{
	void *p = shim_kmalloc(len, flags, site);

	if (p)
		memcpy(p, src, len);
	return p;
}

/* krealloc: a new object (a new ledger entry, a failslab site) holding
 * the old contents; the old one is freed only on success, as in the kernel */
void *shim_krealloc(const void *p, size_t size, gfp_t flags, const char *site)
{
	const struct obj *o = p ? (const struct obj *)p - 1 : NULL;
	void *n;

	if (p && !size) {
		shim_kfree(p);
		return ZERO_SIZE_PTR;
	}
	n = shim_kmalloc(size, flags, site);
	if (n && o) {
		memcpy(n, p, o->size < size ? o->size : size);
		shim_kfree(p);
	}
	return n;
}

void shim_kfree(const void *p)
{
	struct obj *o;

	if (ZERO_OR_NULL_PTR(p))
		return;
	o = (struct obj *)p - 1;
	if (o->magic != SLAB_MAGIC) {
		sim_report("BUG: KASAN: invalid-free", "kfree of %p, which is not a live slab object\n", p);
		return;
	}
	sim_race_forget(p, o->size);
	pthread_mutex_lock(&slab_lock);
	o->magic = 0;
	list_del(&o->node);
	nlive--;
#ifndef __SANITIZE_ADDRESS__
	/* SLUB's poisoning with a quarantine: a freed object reads 0x6b
	 * until it is reused, so a pointer loaded from freed memory faults
	 * (and the fault handler names it) instead of hitting live data.
	 * Under ASan its own quarantine does this, and better. */
	memset(o + 1, 0x6b, o->size);
	o = quarantine_swap(o);
#endif
	pthread_mutex_unlock(&slab_lock);
	free(o);
}

bool shim_slab_find(const void *p, const void **base, size_t *size, const char **site)
{
	struct obj *o;
	bool found = false;

	pthread_mutex_lock(&slab_lock);
	list_for_each_entry(o, &live, node)
		if ((const char *)p >= (const char *)(o + 1) &&
		    (const char *)p < (const char *)(o + 1) + o->size) {
			*base = o + 1;
			*size = o->size;
			*site = o->site;
			found = true;
			break;
		}
	pthread_mutex_unlock(&slab_lock);
	return found;
}

void shim_slab_pin(const void *p, int delta)
{
	struct obj *o;

	if (!p)
		return;
	o = (struct obj *)p - 1;
	if (o->magic == SLAB_MAGIC)
		__atomic_add_fetch(&o->pins, delta, __ATOMIC_SEQ_CST);
}

unsigned long shim_slab_live(void)
{
	return nlive;
}

unsigned long shim_slab_mark(void)
{
	return seq;
}

int shim_slab_report_leaks(unsigned long since, const char *context)
{
	static char trace[4096];
	char path[256], *msgs[64];
	struct obj *o;
	int n = 0, i;

	/* gathered under the lock, reported after: another task may free
	 * (and unlink) any object while a report is being printed */
	pthread_mutex_lock(&slab_lock);
	list_for_each_entry(o, &live, node) {
		/* the syscall layer's own buffers (kernfs write, seq page)
		 * live as long as a write or read still in flight in another
		 * task, the harness's pinned ones as long as it holds them:
		 * not the module's leaks */
		if (o->seq <= since || !strncmp(o->site, "fs/", 3) || o->pins > 0)
			continue;
		if (n == (int)ARRAY_SIZE(msgs))
			break;
		sim_stack_format(&o->stack, trace, sizeof(trace));
		if (asprintf(&msgs[n], "unreferenced object (size %zu) allocated at %s (%s)\n  backtrace:\n%s",
			     o->size, sim_tree_path(o->site, path, sizeof(path)), context, trace) < 0)
			break;
		n++;
	}
	pthread_mutex_unlock(&slab_lock);
	for (i = 0; i < n; i++) {
		sim_report("kmemleak: unreferenced object", "%s", msgs[i]);
		free(msgs[i]);
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The slab allocator: every object carries a header on the ledger of live
 * allocations (with its allocation site), so that a torn-down host can be
 * checked for leaks, and kfree of a pointer that is not live is a report.
 */
#include <pthread.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <sim/report.h>
#include <sim/slab.h>

#define SLAB_MAGIC 0x5ab5ab5ab5ab5ab5ULL

struct obj {
	struct list_head node;
	unsigned long long magic;
	size_t size;
	const char *site;
	unsigned long seq;
	/* keep the payload 16-byte aligned */
	unsigned long pad;
};

static pthread_mutex_t slab_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(live);
static unsigned long nlive, seq;
shim_slab_fail_fn shim_slab_should_fail;

void *shim_kmalloc(size_t size, gfp_t flags, const char *site)
{
	struct obj *o;

	if (shim_slab_should_fail && shim_slab_should_fail(size, flags, site))
		return NULL;
	o = malloc(sizeof(*o) + (size ? size : 1));
	if (!o)
		return NULL;
	if (flags & __GFP_ZERO)
		memset(o + 1, 0, size);
	o->magic = SLAB_MAGIC;
	o->size = size;
	o->site = site;
	pthread_mutex_lock(&slab_lock);
	o->seq = ++seq;
	list_add_tail(&o->node, &live);
	nlive++;
	pthread_mutex_unlock(&slab_lock);
	return o + 1;
}

void shim_kfree(const void *p)
{
	struct obj *o;

	if (!p)
		return;
	o = (struct obj *)p - 1;
	if (o->magic != SLAB_MAGIC) {
		sim_report("BUG: KASAN: invalid-free", "kfree of %p, which is not a live slab object\n", p);
		return;
	}
	pthread_mutex_lock(&slab_lock);
	o->magic = 0;
	list_del(&o->node);
	nlive--;
	pthread_mutex_unlock(&slab_lock);
	free(o);
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
	struct obj *o;
	int n = 0;

	pthread_mutex_lock(&slab_lock);
	list_for_each_entry(o, &live, node) {
		if (o->seq <= since)
			continue;
		n++;
		pthread_mutex_unlock(&slab_lock);
		sim_report("kmemleak: unreferenced object",
			   "unreferenced object (size %zu) allocated at %s (%s)\n",
			   o->size, o->site, context);
		pthread_mutex_lock(&slab_lock);
	}
	pthread_mutex_unlock(&slab_lock);
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The reference ledger (sim/ref.h).  Every live reference is on one list
 * under a plain mutex (not a scheduling point: recording must not change
 * a deterministic run's schedule); reports are formatted outside it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/list.h>
#include <sim/ref.h>
#include <sim/report.h>
#include <sim/sched.h>
#include <sim/stack.h>

struct ref {
	struct list_head node;
	enum sim_ref_kind kind;
	const void *obj;
	const void *owner;
	bool driver;		/* taken by the driver's code */
	bool reported;
	unsigned long seq;
	struct sim_stack stack;	/* the get and its callers */
};

static const char *const nouns[SIM_REF_KINDS] = {
	[SIM_REF_KVM] = "kvm reference",
	[SIM_REF_VFIO_DEVICE] = "vfio device reference",
	[SIM_REF_VFIO_REG] = "vfio device registration",
	[SIM_REF_EVENTFD] = "eventfd context reference",
	[SIM_REF_MODULE] = "module reference",
	[SIM_REF_DEBUG] = "debug feature registration",
};

static pthread_mutex_t ref_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(refs);
static unsigned long seq;

void sim_ref_get(enum sim_ref_kind kind, const void *obj, const void *owner, const void *caller)
{
	struct ref *r = calloc(1, sizeof(*r));

	if (!r || !obj) {
		free(r);
		return;
	}
	r->kind = kind;
	r->obj = obj;
	r->owner = owner ? owner : sim_current()->ref_scope;
	r->driver = sim_pc_in_driver(caller);
	/* from the get itself outwards */
	sim_stack_save(&r->stack, 1);
	pthread_mutex_lock(&ref_lock);
	r->seq = ++seq;
	list_add(&r->node, &refs);
	pthread_mutex_unlock(&ref_lock);
}

void sim_ref_put(enum sim_ref_kind kind, const void *obj, const void *caller)
{
	bool driver = sim_pc_in_driver(caller);
	struct ref *r, *any = NULL, *same = NULL;

	pthread_mutex_lock(&ref_lock);
	/* newest first: a put undoes the latest get of its side */
	list_for_each_entry(r, &refs, node) {
		if (r->kind != kind || r->obj != obj)
			continue;
		if (!any)
			any = r;
		if (r->driver == driver) {
			same = r;
			break;
		}
	}
	if (!same)
		same = any;
	if (same)
		list_del(&same->node);
	pthread_mutex_unlock(&ref_lock);
	free(same);
}

const void *sim_ref_scope(const void *owner)
{
	struct task *t = sim_current();
	const void *old = t->ref_scope;

	/* per task, not per thread: under the deterministic scheduler every
	 * task runs on one thread, and a task switched out inside the driver
	 * must not lend its scope to the next */
	t->ref_scope = owner;
	return old;
}

unsigned long sim_ref_mark(void)
{
	unsigned long m;

	pthread_mutex_lock(&ref_lock);
	m = seq;
	pthread_mutex_unlock(&ref_lock);
	return m;
}

static bool matches(const struct ref *r, unsigned int mask, const void *obj, const void *owner,
		    unsigned long since)
{
	return r->driver && r->seq > since && (mask & SIM_REF_BIT(r->kind)) &&
	       (!obj || r->obj == obj) && (!owner || r->owner == owner);
}

int sim_ref_check(unsigned int mask, const void *obj, const void *owner, unsigned long since,
		  const char *point, const char *context, const char *cause)
{
	struct {
		enum sim_ref_kind kind;
		struct sim_stack stack;
	} found[32];
	char trace[4096];
	struct ref *r;
	int n = 0, i;

	/* gathered under the lock, reported after it (a report symbolizes) */
	pthread_mutex_lock(&ref_lock);
	list_for_each_entry(r, &refs, node) {
		if (r->reported || !matches(r, mask, obj, owner, since))
			continue;
		if (n == (int)(sizeof(found) / sizeof(found[0])))
			break;
		r->reported = true;
		found[n].kind = r->kind;
		found[n].stack = r->stack;
		n++;
	}
	pthread_mutex_unlock(&ref_lock);
	for (i = 0; i < n; i++) {
		char title[128];

		snprintf(title, sizeof(title), "leak: %s held after %s", nouns[found[i].kind], point);
		sim_stack_format_get(&found[i].stack, trace, sizeof(trace));
		sim_report(title, "%s: taken by the driver and never given back\n%s acquired by:\n%s%s%s%s",
			   context, nouns[found[i].kind], trace, cause ? "cause: " : "", cause ? cause : "",
			   cause ? "\n" : "");
	}
	return n;
}

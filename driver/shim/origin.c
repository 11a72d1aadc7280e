// SPDX-License-Identifier: GPL-2.0
/*
 * The origins of the guest resources the driver holds (sim/origin.h).
 * Every live origin is on one list under a plain mutex (not a scheduling
 * point: recording must not change a deterministic run's schedule).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/list.h>
#include <sim/origin.h>
#include <sim/sched.h>
#include <sim/stack.h>

#define ORIGIN_NOTES 4

struct sim_origin {
	struct list_head node;
	char what[64];
	struct sim_stack stack;
	struct task *task;
	bool pending;		/* no AQIC on its task since it was taken */
	int apqn;
	int aqic_rc;		/* the answer to the AQIC that followed, or -1 */
	bool left;		/* left a guest's APCB with interrupts enabled */
	bool outside;		/* enabled by a guest for an APQN outside its APCB */
	bool reset_after;	/* its queue was reset after that */
	int nnotes;
	char notes[ORIGIN_NOTES][96];
	/* reported as leaked, under its owner's key */
	bool leaked;
	const void *owner;
	unsigned long key;
};

static pthread_mutex_t origin_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(origins);

static void note_locked(struct sim_origin *o, const char *text)
{
	/* full: the first note (how it was bound) stays, the oldest after
	 * it gives way */
	if (o->nnotes == ORIGIN_NOTES) {
		memmove(o->notes[1], o->notes[2], sizeof(o->notes[0]) * (ORIGIN_NOTES - 2));
		o->nnotes--;
	}
	snprintf(o->notes[o->nnotes++], sizeof(o->notes[0]), "%s", text);
}

struct sim_origin *sim_origin_new(const char *what)
{
	struct sim_origin *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	snprintf(o->what, sizeof(o->what), "%s", what);
	sim_stack_save(&o->stack, 1);
	o->task = sim_current();
	o->pending = true;
	o->apqn = -1;
	o->aqic_rc = -1;
	pthread_mutex_lock(&origin_lock);
	list_add_tail(&o->node, &origins);
	pthread_mutex_unlock(&origin_lock);
	return o;
}

void sim_origin_free(struct sim_origin *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&origin_lock);
	list_del(&o->node);
	pthread_mutex_unlock(&origin_lock);
	free(o);
}

void sim_origin_leak(struct sim_origin *o, const void *owner, unsigned long key)
{
	if (!o)
		return;
	pthread_mutex_lock(&origin_lock);
	o->leaked = true;
	o->owner = owner;
	o->key = key;
	note_locked(o, "reported as leaked");
	pthread_mutex_unlock(&origin_lock);
}

struct sim_origin *sim_origin_find_leaked(const void *owner, unsigned long key)
{
	struct sim_origin *o, *found = NULL;

	pthread_mutex_lock(&origin_lock);
	list_for_each_entry(o, &origins, node)
		if (o->leaked && o->owner == owner && o->key == key)
			found = o;
	pthread_mutex_unlock(&origin_lock);
	return found;
}

void sim_origin_set_key(struct sim_origin *o, unsigned long key)
{
	if (o)
		o->key = key;
}

static int pick_release(struct sim_origin *const *o, int n, bool keyed, unsigned long key)
{
	int i, saved = -1, any = -1;

	for (i = 0; i < n; i++) {
		if (!o[i] || (keyed ? o[i]->key != key : o[i]->apqn != sim_current()->origin_apqn))
			continue;
		/* a configuration that did not take, undone at once */
		if (o[i]->aqic_rc == 0x07)
			return i;
		/* what the driver saved: an enable that took (a failed one's
		 * resources are never saved, so never released: KI-1) */
		if (o[i]->aqic_rc == 0 && saved < 0)
			saved = i;
		if (any < 0)
			any = i;
	}
	return saved >= 0 ? saved : any;
}

int sim_origin_pick_release(struct sim_origin *const *o, int n)
{
	return pick_release(o, n, false, 0);
}

int sim_origin_pick_release_key(struct sim_origin *const *o, int n, unsigned long key)
{
	int pick = pick_release(o, n, true, key);

	return pick >= 0 ? pick : pick_release(o, n, false, 0);
}

int sim_origin_apqn(const struct sim_origin *o)
{
	return o ? o->apqn : -1;
}

int sim_origin_task_apqn(void)
{
	return sim_current()->origin_apqn;
}

void sim_origin_touch(int apqn)
{
	sim_current()->origin_apqn = apqn;
}

void sim_origin_aqic(int apqn, bool enable, unsigned int rc)
{
	struct task *t = sim_current();
	struct sim_origin *o;
	char text[96];

	sim_current()->origin_apqn = apqn;
	if (!enable)
		return;
	snprintf(text, sizeof(text), "then the AQIC enable of APQN %02x.%04x%s answered rc %02x",
		 apqn >> 8 & 0xff, apqn & 0xff,
		 t->origin_outside ? ", outside the guest's APCB," : "", rc);
	pthread_mutex_lock(&origin_lock);
	list_for_each_entry(o, &origins, node)
		if (o->pending && o->task == t) {
			o->pending = false;
			o->apqn = apqn;
			o->aqic_rc = (int)rc;
			o->outside = t->origin_outside;
			note_locked(o, text);
		}
	pthread_mutex_unlock(&origin_lock);
}

void sim_origin_left_apcb(int apqn, const char *guest)
{
	struct sim_origin *o;
	char text[96];

	snprintf(text, sizeof(text), "then APQN %02x.%04x left guest %s's APCB with interrupts enabled",
		 apqn >> 8 & 0xff, apqn & 0xff, guest);
	pthread_mutex_lock(&origin_lock);
	list_for_each_entry(o, &origins, node)
		if (o->apqn == apqn) {
			o->left = true;
			o->reset_after = false;
			note_locked(o, text);
		}
	pthread_mutex_unlock(&origin_lock);
}

void sim_origin_reset(int apqn, const char *how)
{
	struct sim_origin *o;
	char text[96];

	sim_current()->origin_apqn = apqn;
	text[0] = 0;	/* written on the first match: resets are frequent */
	pthread_mutex_lock(&origin_lock);
	list_for_each_entry(o, &origins, node)
		if (o->apqn == apqn && !o->reset_after) {
			if (!text[0])
				snprintf(text, sizeof(text), "then APQN %02x.%04x was reset (%s)",
					 apqn >> 8 & 0xff, apqn & 0xff, how);
			o->reset_after = true;
			note_locked(o, text);
		}
	pthread_mutex_unlock(&origin_lock);
}

static void format_locked(const struct sim_origin *o, char *buf, size_t len)
{
	size_t n = strlen(buf);
	int i;

	if (n + 1 >= len)
		return;
	n += (size_t)snprintf(buf + n, len - n, "%s acquired by:\n", o->what);
	if (n + 1 >= len)
		return;
	sim_stack_format(&o->stack, buf + n, len - n);
	n = strlen(buf);
	for (i = 0; i < o->nnotes && n + 1 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s\n", o->notes[i]);
	if (n + 1 >= len)
		return;
	if (o->aqic_rc > 0 && o->aqic_rc != 0x07)
		snprintf(buf + n, len - n,
			 "cause: the AQIC enable of APQN %02x.%04x that followed answered rc %02x\n",
			 o->apqn >> 8 & 0xff, o->apqn & 0xff, o->aqic_rc);
	else if (o->left && !o->reset_after)
		snprintf(buf + n, len - n,
			 "cause: APQN %02x.%04x left the guest's APCB with interrupts enabled and was not reset since\n",
			 o->apqn >> 8 & 0xff, o->apqn & 0xff);
	else if (o->left)
		snprintf(buf + n, len - n,
			 "cause: APQN %02x.%04x left the guest's APCB with interrupts enabled, was reset, and the resource outlived the reset\n",
			 o->apqn >> 8 & 0xff, o->apqn & 0xff);
	else if (o->aqic_rc >= 0 && o->outside)
		snprintf(buf + n, len - n,
			 "cause: the AQIC enable of APQN %02x.%04x answered rc %02x for a queue outside the guest's APCB; not released since\n",
			 o->apqn >> 8 & 0xff, o->apqn & 0xff, o->aqic_rc);
	else if (o->aqic_rc >= 0)
		snprintf(buf + n, len - n,
			 "cause: the AQIC enable of APQN %02x.%04x answered rc %02x; not released since\n",
			 o->apqn >> 8 & 0xff, o->apqn & 0xff, o->aqic_rc);
	else
		snprintf(buf + n, len - n, "cause: no AQIC followed on the acquiring task\n");
}

void sim_origin_format(const struct sim_origin *o, char *buf, size_t len)
{
	if (!o)
		return;
	pthread_mutex_lock(&origin_lock);
	format_locked(o, buf, len);
	pthread_mutex_unlock(&origin_lock);
}

int sim_origin_describe_apqn(int apqn, char *buf, size_t len)
{
	struct sim_origin *o;
	int n = 0;

	if (apqn < 0)
		return 0;
	pthread_mutex_lock(&origin_lock);
	list_for_each_entry(o, &origins, node)
		if (o->apqn == apqn) {
			format_locked(o, buf, len);
			n++;
		}
	pthread_mutex_unlock(&origin_lock);
	return n;
}

static int (*queue_describer)(int apqn, char *buf, size_t len);

void sim_origin_set_queue_describer(int (*fn)(int apqn, char *buf, size_t len))
{
	queue_describer = fn;
}

int sim_origin_describe_answers(int apqn, char *buf, size_t len)
{
	if (!queue_describer || !len)
		return 0;
	return queue_describer(apqn, buf, len);
}

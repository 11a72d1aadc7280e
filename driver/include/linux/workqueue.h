/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: work items on a small pool of worker tasks (shim/workqueue.c).
 * queue_work is a no-op while the item is pending; flush_work waits for the
 * last queued instance to finish and returns at once when idle.
 */
#ifndef SHIM_LINUX_WORKQUEUE_H
#define SHIM_LINUX_WORKQUEUE_H

#include <linux/list.h>
#include <linux/mutex.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct list_head entry;
	bool pending;
	bool running;
	unsigned long seq_queued, seq_done;
	struct lockdep_map dep;
	struct sim_hb hb;	/* queue_work before the work, the work before flush_work */
};

struct workqueue_struct;
extern struct workqueue_struct *system_long_wq;
extern struct workqueue_struct *system_wq;

#define INIT_WORK(w, f) do {						\
	static struct lock_class_key __key;				\
	shim_init_work((w), (f), #f, &__key);				\
} while (0)

void shim_init_work(struct work_struct *w, work_func_t f, const char *name,
		    struct lock_class_key *key);
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool flush_work(struct work_struct *w);
bool cancel_work_sync(struct work_struct *w);
void shim_workqueue_drain(void);
bool shim_workqueue_idle(void);

#endif

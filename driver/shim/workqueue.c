// SPDX-License-Identifier: GPL-2.0
/*
 * Work items run by a small pool of worker tasks ("kworker/u:N"), the
 * stand-in for system_long_wq.  Work functions run in their own task, so
 * per-task state (held locks, fail-nth) does not leak from the queuer.
 */
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <sim/sched.h>

#define NR_WORKERS 4

struct workqueue_struct {
	const char *name;
};

static struct workqueue_struct long_wq = { "events_long" };
static struct workqueue_struct plain_wq = { "events" };
struct workqueue_struct *system_long_wq = &long_wq;
struct workqueue_struct *system_wq = &plain_wq;

static LIST_HEAD(pending);
static struct sim_waitq work_avail = SIM_WAITQ_INIT(work_avail);
static struct sim_waitq work_done = SIM_WAITQ_INIT(work_done);
static struct task *workers[NR_WORKERS];
static int running_count;

static void *worker_fn(void *arg)
{
	(void)arg;
	sched_lock();
	for (;;) {
		struct work_struct *w;

		while (list_empty(&pending))
			sched_wait(&work_avail, "worker_thread", -1);
		w = list_first_entry(&pending, struct work_struct, entry);
		list_del_init(&w->entry);
		w->pending = false;
		w->running = true;
		running_count++;
		{
			unsigned long seq = w->seq_queued;

			sched_unlock();
			sim_race_acquire(&w->hb);
			sim_race_work_begin(&w->hb);
			w->func(w);
			sim_race_work_end(&w->hb);
			sim_race_release(&w->hb);
			sched_lock();
			w->running = false;
			if (seq > w->seq_done)
				w->seq_done = seq;
		}
		running_count--;
		sched_wake_all(&work_done);
	}
	return NULL;
}

static void start_workers_locked(void)
{
	int i;
	char name[TASK_COMM_LEN];

	if (workers[0])
		return;
	for (i = 0; i < NR_WORKERS; i++) {
		snprintf(name, sizeof(name), "kworker/u:%u", (unsigned int)i & 7u);
		workers[i] = sim_thread_start(name, worker_fn, NULL);
	}
}

void shim_init_work(struct work_struct *w, work_func_t f, const char *name,
		    struct lock_class_key *key)
{
	memset(w, 0, sizeof(*w));
	w->func = f;
	INIT_LIST_HEAD(&w->entry);
	w->dep.name = name;
	w->dep.key = key;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	bool queued = false;

	(void)wq;
	sim_race_release(&w->hb);
	sched_lock();
	if (!w->pending)
		sim_race_lend(&w->hb);
	start_workers_locked();
	if (!w->pending) {
		w->pending = true;
		w->seq_queued++;
		list_add_tail(&w->entry, &pending);
		sched_wake_one(&work_avail);
		queued = true;
	}
	sched_unlock();
	return queued;
}

bool flush_work(struct work_struct *w)
{
	bool waited = false;
	unsigned long target;

	sched_lock();
	target = w->seq_queued;
	while ((w->pending || w->running) && w->seq_done < target) {
		waited = true;
		sched_wait(&work_done, w->dep.name ? w->dep.name : "flush_work", -1);
	}
	sched_unlock();
	sim_race_acquire(&w->hb);
	return waited;
}

bool cancel_work_sync(struct work_struct *w)
{
	bool was_pending = false;

	sched_lock();
	if (w->pending) {
		list_del_init(&w->entry);
		w->pending = false;
		w->seq_done = w->seq_queued;
		was_pending = true;
	}
	while (w->running)
		sched_wait(&work_done, "cancel_work_sync", -1);
	sched_unlock();
	sim_race_acquire(&w->hb);
	return was_pending;
}

bool shim_workqueue_idle(void)
{
	bool idle;

	sched_lock();
	idle = list_empty(&pending) && running_count == 0;
	sched_unlock();
	return idle;
}

void shim_workqueue_drain(void)
{
	sched_lock();
	while (!list_empty(&pending) || running_count)
		sched_wait(&work_done, "drain_workqueue", -1);
	sched_unlock();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduling layer: simulated tasks, the scheduler lock every sleeping
 * primitive is a monitor over, wait queues, and virtual time.
 *
 * This is the pass-through mode: tasks are pthreads that run in parallel,
 * and a waiter sleeps on its own condition variable until a waker picks it
 * off a wait queue.  Nothing in the shims or models blocks anywhere else,
 * so a deterministic scheduler can later replace the bodies of
 * sched_wait/sched_wake_* and sim_sleep_ms without touching their callers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sim/sched.h>

long sim_timescale = 100;

static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(all_tasks);
static __thread struct task *cur;
static int next_pid = 1;
static struct timespec t0;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

struct task_priv {
	pthread_cond_t cond;
	pthread_t thread;
};

static void do_init(void)
{
	const char *s = getenv("SIM_TIMESCALE");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (s && atol(s) > 0)
		sim_timescale = atol(s);
}

void sched_init(void)
{
	pthread_once(&init_once, do_init);
}

static struct task *task_new(const char *comm)
{
	struct task *t = calloc(1, sizeof(*t));
	struct task_priv *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;

	if (!t || !p)
		abort();
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	t->sched_priv = p;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	INIT_LIST_HEAD(&t->node);
	pthread_mutex_lock(&tasks_lock);
	t->pid = next_pid++;
	list_add_tail(&t->node, &all_tasks);
	pthread_mutex_unlock(&tasks_lock);
	return t;
}

static void task_free(struct task *t)
{
	struct task_priv *p = t->sched_priv;

	pthread_mutex_lock(&tasks_lock);
	list_del(&t->node);
	pthread_mutex_unlock(&tasks_lock);
	pthread_cond_destroy(&p->cond);
	free(p);
	free(t);
}

struct task *sim_task_adopt(const char *comm)
{
	sched_init();
	if (!cur)
		cur = task_new(comm);
	return cur;
}

void sim_task_release_current(void)
{
	if (cur) {
		task_free(cur);
		cur = NULL;
	}
}

struct task *sim_current(void)
{
	return cur ? cur : sim_task_adopt("main");
}

static void *trampoline(void *arg)
{
	struct task *t = arg;

	cur = t;
	t->ret = t->fn(t->arg);
	t->exited = true;
	return NULL;
}

struct task *sim_thread_start(const char *comm, void *(*fn)(void *), void *arg)
{
	struct task *t;
	struct task_priv *p;

	sched_init();
	t = task_new(comm);
	p = t->sched_priv;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&p->thread, NULL, trampoline, t)) {
		task_free(t);
		return NULL;
	}
	return t;
}

void *sim_thread_join(struct task *t)
{
	struct task_priv *p = t->sched_priv;
	void *ret;

	pthread_join(p->thread, NULL);
	ret = t->ret;
	task_free(t);
	return ret;
}

void sim_for_each_task(void (*fn)(struct task *, void *), void *arg)
{
	struct task *t;

	pthread_mutex_lock(&tasks_lock);
	list_for_each_entry(t, &all_tasks, node)
		fn(t, arg);
	pthread_mutex_unlock(&tasks_lock);
}

void sched_lock(void)
{
	pthread_mutex_lock(&big);
}

void sched_unlock(void)
{
	pthread_mutex_unlock(&big);
}

void sim_waitq_init(struct sim_waitq *wq)
{
	INIT_LIST_HEAD(&wq->waiters);
}

struct waiter {
	struct list_head node;
	struct task *task;
	bool woken;
};

static void real_deadline(struct timespec *ts, long sim_ms)
{
	long long ns = (long long)sim_ms * 1000000LL / sim_timescale;

	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ns / 1000000000LL;
	ts->tv_nsec += ns % 1000000000LL;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

bool sched_wait(struct sim_waitq *wq, const char *what, long timeout_ms)
{
	struct task *t = sim_current();
	struct task_priv *p = t->sched_priv;
	struct waiter w = { .task = t };
	struct timespec ts;
	int rc = 0;

	if (timeout_ms >= 0)
		real_deadline(&ts, timeout_ms);
	list_add_tail(&w.node, &wq->waiters);
	t->blocked_on = what;
	t->blocked_since = sim_now_ms();
	while (!w.woken && rc != ETIMEDOUT) {
		if (timeout_ms >= 0)
			rc = pthread_cond_timedwait(&p->cond, &big, &ts);
		else
			pthread_cond_wait(&p->cond, &big);
	}
	if (!w.woken)
		list_del(&w.node);
	t->blocked_on = NULL;
	return w.woken;
}

static void wake(struct waiter *w)
{
	struct task_priv *p = w->task->sched_priv;

	list_del(&w->node);
	w->woken = true;
	pthread_cond_signal(&p->cond);
}

void sched_wake_one(struct sim_waitq *wq)
{
	if (!list_empty(&wq->waiters))
		wake(list_first_entry(&wq->waiters, struct waiter, node));
}

void sched_wake_all(struct sim_waitq *wq)
{
	while (!list_empty(&wq->waiters))
		wake(list_first_entry(&wq->waiters, struct waiter, node));
}

long sim_now_ms(void)
{
	struct timespec ts;
	long long ns;

	sched_init();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (ts.tv_sec - t0.tv_sec) * 1000000000LL + (ts.tv_nsec - t0.tv_nsec);
	return (long)(ns * sim_timescale / 1000000LL);
}

void sim_sleep_ms(long ms)
{
	long long ns = (long long)ms * 1000000LL / sim_timescale;
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };
	struct task *t = sim_current();

	t->blocked_on = "msleep";
	t->blocked_since = sim_now_ms();
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	t->blocked_on = NULL;
}

void sim_yield(void)
{
	sched_yield();
}

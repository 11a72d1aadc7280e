// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduling layer: simulated tasks, the scheduler lock every sleeping
 * primitive is a monitor over, wait queues, and time.
 *
 * Two modes behind one interface:
 *
 * - threads (the default): tasks are pthreads that run in parallel; a
 *   waiter sleeps on its own condition variable until a waker picks it off
 *   a wait queue; time is the real clock, SIM_TIMESCALE times faster.
 *
 * - deterministic: exactly one task runs at a time, all of them on the
 *   thread of the first task, each on a stack of its own: a task switch is
 *   a user-space context switch (swapcontext), no system call but the
 *   signal mask's (SIM_SCHED_HANDOVER=threads: each task a pthread again,
 *   the running one handing a token to the next over condition
 *   variables, as the mode was first built; the same seed gives the same
 *   schedule either way).  The scheduler lock
 *   becomes a token the running task holds throughout; at every scheduling
 *   point (each entry to the scheduler lock, which every lock, unlock,
 *   wake and completion goes through, and every wait, sleep and yield) a
 *   seeded policy picks the task that runs next from the runnable ones:
 *   a random walk, or PCT (random priorities, the running task demoted at
 *   d-1 random steps).  Time is simulated: each scheduling point costs a
 *   microsecond, and when no task can run the clock jumps to the next
 *   timeout.  The same seed and the same input give the same
 *   interleaving, byte for byte.
 *
 * Nothing in the shims or models blocks anywhere but here, so the callers
 * of sched_wait/sched_wake_* and sim_sleep_ms never know the mode.
 *
 * The two watchdogs over the tasks live here too, at the end: the
 * soft-lockup watchdog (a task that never reaches a scheduling point) and
 * the hung-task detector (a task blocked too long).
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <execinfo.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SIM_ASAN 1
#endif
#include <sim/sched.h>
#include <sim/lockdep.h>
#include <sim/report.h>
#include <sim/stack.h>
#include <sim/edges.h>

long sim_timescale = 100;

static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(all_tasks);
static __thread struct task *cur;
static int next_pid = 1;
static struct timespec t0;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

enum task_state { RUNNABLE, BLOCKED, EXITED };

struct task_priv {
	pthread_cond_t cond;
	pthread_t thread;
	/* deterministic mode */
	enum task_state state;
	long long wake_at;	/* simulated us, or -1: no timeout */
	unsigned int prio;	/* PCT priority */
	struct sim_waitq exit_wq;
	/* its thread, for the soft-lockup watchdog (set by that thread) */
	pid_t tid;
	clockid_t cpu_clock;
	/* the watchdog's view of it, under tasks_lock */
	bool wd_seen;
	unsigned long wd_points;
	long long wd_since, wd_cpu;	/* ns */
	/*
	 * deterministic mode, user-space switches: where the task stopped,
	 * its stack (NULL: its thread's own, for the task that adopted the
	 * thread), the frame walk's bounds on it, and ASan's fake stack
	 * while it is switched out
	 */
	ucontext_t ctx;
	void *stack;
	void *stack_lo, *stack_hi;
	void *fake_stack;
	uintptr_t edge_prev;	/* its last driver block (sim/edges.h) */
	unsigned int edge_tag;	/* the step it runs (sim_edges_tag) */
};

/* deterministic mode; all of it under `big`, which the running task holds */
static struct {
	bool on;
	bool fibers;	/* the tasks are contexts on one thread */
	enum sim_sched_policy policy;
	unsigned long long seed, rng;
	struct task *running;
	long long now_us;
	unsigned long long steps, switches, digest;
	int pct_depth;
	unsigned long long pct_steps;
	unsigned long long change_at[16];
	unsigned int next_low;
} det;

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

static unsigned long long det_random(void)
{
	/* splitmix64: a good stream from any seed, 0 included */
	unsigned long long z = (det.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int sim_sched_deterministic(enum sim_sched_policy policy, unsigned long long seed,
			    int pct_depth, unsigned long long pct_steps)
{
	const char *s;
	int i;

	if (!list_empty(&all_tasks) || pct_depth < 1 || pct_depth > 16 || !pct_steps)
		return -1;
	det.on = true;
	s = getenv("SIM_SCHED_HANDOVER");
	det.fibers = !(s && !strcmp(s, "threads"));
	det.policy = policy;
	det.seed = det.rng = seed;
	det.pct_depth = pct_depth;
	det.pct_steps = pct_steps;
	for (i = 0; i < pct_depth - 1; i++)
		det.change_at[i] = 1 + det_random() % pct_steps;
	det.next_low = (unsigned int)pct_depth - 1;
	return 0;
}

bool sched_deterministic(void)
{
	return det.on;
}

void sim_sched_stats(unsigned long long *steps, unsigned long long *switches,
		     unsigned long long *digest)
{
	*steps = det.steps;
	*switches = det.switches;
	*digest = det.digest;
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
	p->state = RUNNABLE;
	p->wake_at = -1;
	t->origin_apqn = -1;
	sim_waitq_init(&p->exit_wq);
	t->sched_priv = p;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	INIT_LIST_HEAD(&t->node);
	pthread_mutex_lock(&tasks_lock);
	t->pid = next_pid++;
	/* PCT: distinct random priorities above the change-point levels */
	p->prio = (unsigned int)det.pct_depth + 1 +
		  (det.on ? (unsigned int)(det_random() % 1000000) * 64 + (unsigned int)t->pid % 64 : 0);
	list_add_tail(&t->node, &all_tasks);
	pthread_mutex_unlock(&tasks_lock);
	return t;
}

/*
 * The stacks of the deterministic tasks: mapped once and reused (a
 * campaign starts and joins vCPU and VMM tasks all the time), committed
 * only as touched, a guard page below.  Only the thread the tasks run on
 * takes and gives them back.
 */
#ifdef SIM_ASAN
#define FIBER_STACK	(8UL << 20)	/* instrumented frames are larger */
#else
#define FIBER_STACK	(2UL << 20)
#endif
#define FIBER_CACHE	32

static void *stack_cache[FIBER_CACHE];
static int stack_cached;

static long page_size(void)
{
	static long pg;

	if (!pg)
		pg = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	return pg;
}

static void *fiber_stack_get(void)
{
	void *s;

	if (stack_cached)
		return stack_cache[--stack_cached];
	s = mmap(NULL, FIBER_STACK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (s == MAP_FAILED)
		return NULL;
	mprotect(s, (size_t)page_size(), PROT_NONE);
	return s;
}

static void fiber_stack_put(void *s)
{
#ifdef SIM_ASAN
	/* the frames that lived there leave their redzones poisoned */
	__asan_unpoison_memory_region((char *)s + page_size(), FIBER_STACK - (size_t)page_size());
#endif
	if (stack_cached < FIBER_CACHE)
		stack_cache[stack_cached++] = s;
	else
		munmap(s, FIBER_STACK);
}

static void task_free(struct task *t)
{
	struct task_priv *p = t->sched_priv;

	sim_race_task_exit(t);
	pthread_mutex_lock(&tasks_lock);
	list_del(&t->node);
	pthread_mutex_unlock(&tasks_lock);
	pthread_cond_destroy(&p->cond);
	if (p->stack)
		fiber_stack_put(p->stack);
	free(p);
	free(t);
}

/* The calling thread runs t: what the watchdog needs to watch and stop it. */
static void task_bind_thread(struct task *t)
{
	struct task_priv *p = t->sched_priv;
	clockid_t c;

	/* without a CPU clock the task is never judged stuck */
	if (pthread_getcpuclockid(pthread_self(), &c))
		return;
	p->cpu_clock = c;
	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
}

/* Each scheduling point moves the task's count (it alone writes it). */
static inline void count_point(void)
{
	struct task *t = cur;

	if (t)
		__atomic_store_n(&t->sched_points, t->sched_points + 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------ deterministic scheduler */

static struct task_priv *priv(struct task *t)
{
	return t->sched_priv;
}

/* The task the policy runs next, from the runnable ones (in creation
 * order, so that the choice depends on nothing but the seed). */
static struct task *det_pick(void)
{
	struct task *t, *best = NULL;
	int n = 0, k;

	list_for_each_entry(t, &all_tasks, node)
		if (priv(t)->state == RUNNABLE)
			n++;
	if (!n)
		return NULL;
	if (det.policy == SIM_SCHED_RANDOM) {
		k = (int)(det_random() % (unsigned int)n);
		list_for_each_entry(t, &all_tasks, node)
			if (priv(t)->state == RUNNABLE && k-- == 0)
				return t;
	}
	list_for_each_entry(t, &all_tasks, node)
		if (priv(t)->state == RUNNABLE && (!best || priv(t)->prio > priv(best)->prio))
			best = t;
	return best;
}

/* Nothing can run: move the clock to the next timeout (or hung-task
 * deadline) and make what it wakes runnable. */
static void det_idle(void)
{
	long long next = -1, hung = -1;
	struct task *t;

	list_for_each_entry(t, &all_tasks, node) {
		struct task_priv *p = priv(t);

		if (p->state != BLOCKED)
			continue;
		if (p->wake_at >= 0 && (next < 0 || p->wake_at < next))
			next = p->wake_at;
		if (t->hung_check) {
			long long d = ((long long)t->blocked_since + sim_hung_task_ms) * 1000 + 1000;

			if (hung < 0 || d < hung)
				hung = d;
		}
	}
	if (hung >= 0 && (next < 0 || hung <= next)) {
		det.now_us = hung;
		sim_hung_task_check();	/* reports and ends the run */
	}
	if (next < 0) {
		fprintf(stderr, "vfio-ap-sim: deterministic scheduler: every task is blocked for ever\n");
		list_for_each_entry(t, &all_tasks, node)
			if (priv(t)->state == BLOCKED)
				fprintf(stderr, "  %s/%d blocked on %s\n", t->comm, t->pid,
					t->blocked_on ? t->blocked_on : "?");
		fflush(NULL);
		_exit(1);
	}
	if (next > det.now_us)
		det.now_us = next;
	list_for_each_entry(t, &all_tasks, node) {
		struct task_priv *p = priv(t);

		if (p->state == BLOCKED && p->wake_at >= 0 && p->wake_at <= det.now_us) {
			p->state = RUNNABLE;
			p->wake_at = -1;
		}
	}
}

/* SIM_SCHED_TRACE=FILE: every switch (point, time, task), to find where
 * two runs of one seed part. */
static FILE *trace_file(void)
{
	static FILE *f;
	static bool tried;
	const char *p;

	if (!tried) {
		tried = true;
		p = getenv("SIM_SCHED_TRACE");
		f = p && *p ? fopen(p, "w") : NULL;
	}
	return f;
}

/* A task resumes on this thread: it is current, and its stack the frame
 * walk's. */
static void fiber_arrived(struct task *t)
{
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(priv(t)->fake_stack, NULL, NULL);
#endif
	cur = t;
	sim_stack_set_bounds(priv(t)->stack_lo, priv(t)->stack_hi);
	sim_edge_prev = priv(t)->edge_prev;
	sim_edge_tag = priv(t)->edge_tag;
}

/* The running task `from` stops, `to` goes on where it stopped; returns
 * when a switch comes back to `from`. */
static void fiber_switch(struct task *from, struct task *to)
{
	int e = errno;

	priv(from)->edge_prev = sim_edge_prev;
	priv(from)->edge_tag = sim_edge_tag;
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(&priv(from)->fake_stack, priv(to)->stack_lo,
				       (size_t)((char *)priv(to)->stack_hi - (char *)priv(to)->stack_lo));
#endif
#ifdef SIM_ASAN
	{
		/*
		 * What swapcontext does, without ASan's interceptor of it: it
		 * prints a warning with the process id (a replay would differ)
		 * and is of no use with the fiber annotations above.
		 */
		volatile bool resumed = false;

		getcontext(&priv(from)->ctx);
		if (!resumed) {
			resumed = true;
			setcontext(&priv(to)->ctx);
		}
	}
#else
	swapcontext(&priv(from)->ctx, &priv(to)->ctx);
#endif
	fiber_arrived(from);
	errno = e;
}

/* Hand the token to `next` and wait (holding nothing) until it comes back. */
static void det_switch(struct task *self, struct task *next)
{
	FILE *tf = trace_file();

	if (tf) {
		struct task *t;

		fprintf(tf, "%llu %lld %s/%d -> %s/%d [", det.steps, det.now_us, self->comm,
			self->pid, next->comm, next->pid);
		list_for_each_entry(t, &all_tasks, node)
			fprintf(tf, " %d%c", t->pid, "RBX"[priv(t)->state]);
		fprintf(tf, " ]\n");
	}
	if (next != self) {
		det.switches++;
		det.digest = (det.digest ^ (unsigned long long)next->pid) * 0x100000001b3ULL;
		det.running = next;
		if (det.fibers) {
			fiber_switch(self, next);
			return;
		}
		pthread_cond_signal(&priv(next)->cond);
	}
	while (det.running != self)
		pthread_cond_wait(&priv(self)->cond, &big);
}

/* A scheduling point of the running task. */
static void det_point(void)
{
	struct task *self = sim_current(), *next;
	unsigned int i;

	if (det.fibers && self != det.running) {
		/* a thread of its own entered the host: its tasks share one */
		fprintf(stderr, "vfio-ap-sim: deterministic scheduler: %s/%d is not a task of the scheduler's thread\n",
			self->comm, self->pid);
		fflush(NULL);
		abort();
	}
	det.steps++;
	det.now_us++;
	/* PCT: at each change point the running task drops below all others */
	for (i = 0; det.policy == SIM_SCHED_PCT && i + 1 < (unsigned int)det.pct_depth; i++)
		if (det.change_at[i] == det.steps && det.next_low > 0)
			priv(self)->prio = det.next_low--;
	while (!(next = det_pick()))
		det_idle();
	det_switch(self, next);
}

/* The running task blocks: someone else runs until it is runnable again. */
static void det_block(void)
{
	struct task *self = sim_current();

	priv(self)->state = BLOCKED;
	det_point();
}

/* ------------------------------------------------------------------ tasks */

struct task *sim_task_adopt(const char *comm)
{
	sched_init();
	if (!cur) {
		cur = task_new(comm);
		task_bind_thread(cur);
		sim_stack_bounds(&priv(cur)->stack_lo, &priv(cur)->stack_hi);
		if (det.on && !det.running) {
			/* the first task starts out holding the token */
			pthread_mutex_lock(&big);
			det.running = cur;
		}
	}
	return cur;
}

void sim_task_release_current(void)
{
	if (cur && !det.on) {
		task_free(cur);
		cur = NULL;
	}
}

struct task *sim_current(void)
{
	return cur ? cur : sim_task_adopt("main");
}

/* The running deterministic task ends: the next one to run, already
 * made the running one. */
static struct task *det_exit(struct task *t)
{
	struct task *next;

	t->exited = true;
	sched_wake_all(&priv(t)->exit_wq);
	priv(t)->state = EXITED;
	det.steps++;
	while (!(next = det_pick()))
		det_idle();
	det.switches++;
	det.digest = (det.digest ^ (unsigned long long)next->pid) * 0x100000001b3ULL;
	det.running = next;
	return next;
}

static void *task_entry_thread(void *arg)
{
	struct task *t = arg;

	cur = t;
	task_bind_thread(t);
	if (det.on) {
		pthread_mutex_lock(&big);
		while (det.running != t)
			pthread_cond_wait(&priv(t)->cond, &big);
	}
	t->ret = t->fn(t->arg);
	if (det.on) {
		struct task *next = det_exit(t);

		pthread_cond_signal(&priv(next)->cond);
		pthread_mutex_unlock(&big);
	} else {
		t->exited = true;
	}
	return NULL;
}

/* A deterministic task's first switch lands here, on its own stack. */
static void task_entry_fiber(void)
{
	struct task *t = det.running, *next;

	fiber_arrived(t);
	t->ret = t->fn(t->arg);
	next = det_exit(t);
#ifdef SIM_ASAN
	/* this stack is left for good (its joiner unmaps it) */
	__sanitizer_start_switch_fiber(NULL, priv(next)->stack_lo,
				       (size_t)((char *)priv(next)->stack_hi - (char *)priv(next)->stack_lo));
#endif
	setcontext(&priv(next)->ctx);
	abort();
}

static bool fiber_make(struct task *t)
{
	struct task_priv *p = priv(t);

	p->stack = fiber_stack_get();
	if (!p->stack || getcontext(&p->ctx))
		return false;
	p->stack_lo = (char *)p->stack + page_size();
	p->stack_hi = (char *)p->stack + FIBER_STACK;
	p->ctx.uc_stack.ss_sp = p->stack_lo;
	p->ctx.uc_stack.ss_size = FIBER_STACK - (size_t)page_size();
	p->ctx.uc_link = NULL;
	makecontext(&p->ctx, task_entry_fiber, 0);
	/* the watchdog watches the thread it runs on */
	task_bind_thread(t);
	return true;
}

struct task *sim_thread_start(const char *comm, void *(*fn)(void *), void *arg)
{
	struct task *t;

	sched_init();
	if (det.on)
		sim_current();	/* the creator holds the token */
	t = task_new(comm);
	t->fn = fn;
	t->arg = arg;
	sim_race_task_start(t, cur);
	if (det.on && det.fibers ? !fiber_make(t) :
	    pthread_create(&priv(t)->thread, NULL, task_entry_thread, t) != 0) {
		task_free(t);
		return NULL;
	}
	if (det.on)
		det_point();
	return t;
}

void *sim_thread_join(struct task *t)
{
	void *ret;

	if (det.on) {
		while (!t->exited)
			sched_wait(&priv(t)->exit_wq, "join", -1);
		if (!det.fibers) {
			/* it gave up the token; let it leave the thread */
			pthread_mutex_unlock(&big);
			pthread_join(priv(t)->thread, NULL);
			pthread_mutex_lock(&big);
		}
	} else {
		pthread_join(priv(t)->thread, NULL);
	}
	ret = t->ret;
	sim_race_task_joined(cur, t);
	task_free(t);
	return ret;
}

bool sim_thread_exited(struct task *t)
{
	return __atomic_load_n(&t->exited, __ATOMIC_ACQUIRE);
}

void sim_for_each_task(void (*fn)(struct task *, void *), void *arg)
{
	struct task *t;

	pthread_mutex_lock(&tasks_lock);
	list_for_each_entry(t, &all_tasks, node)
		fn(t, arg);
	pthread_mutex_unlock(&tasks_lock);
}

/* ------------------------------------------------------ monitor and waits */

void sched_lock(void)
{
	count_point();
	if (det.on)
		det_point();
	else
		pthread_mutex_lock(&big);
}

void sched_unlock(void)
{
	if (!det.on)
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

	count_point();
	list_add_tail(&w.node, &wq->waiters);
	t->blocked_on = what;
	t->blocked_since = sim_now_ms();
	if (det.on) {
		p->wake_at = timeout_ms >= 0 ? det.now_us + (long long)timeout_ms * 1000 : -1;
		det_block();
	} else {
		if (timeout_ms >= 0)
			real_deadline(&ts, timeout_ms);
		while (!w.woken && rc != ETIMEDOUT) {
			if (timeout_ms >= 0)
				rc = pthread_cond_timedwait(&p->cond, &big, &ts);
			else
				pthread_cond_wait(&p->cond, &big);
		}
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
	if (det.on) {
		p->state = RUNNABLE;
		p->wake_at = -1;
	} else {
		pthread_cond_signal(&p->cond);
	}
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

/* ------------------------------------------------------------------- time */

long sim_now_ms(void)
{
	struct timespec ts;
	long long ns;

	if (det.on)
		return (long)(det.now_us / 1000);
	sched_init();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (ts.tv_sec - t0.tv_sec) * 1000000000LL + (ts.tv_nsec - t0.tv_nsec);
	return (long)(ns * sim_timescale / 1000000LL);
}

void sim_sleep_ms(long ms)
{
	struct task *t = sim_current();

	count_point();
	t->blocked_on = "msleep";
	t->blocked_since = sim_now_ms();
	if (det.on) {
		priv(t)->wake_at = det.now_us + (long long)ms * 1000;
		det_block();
	} else {
		long long ns = (long long)ms * 1000000LL / sim_timescale;
		struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	t->blocked_on = NULL;
}

void sim_yield(void)
{
	count_point();
	if (det.on)
		det_point();
	else
		sched_yield();
}

/* --------------------------------------------------- soft-lockup watchdog */

/*
 * A task that runs without reaching a scheduling point (a list walk that
 * never ends, a retry loop that never sleeps) stops the simulated clock in
 * the deterministic mode, so the hung-task detector never sees it.  As in
 * the kernel, a watchdog outside the scheduler catches it: a plain pthread
 * (not a task, so that it runs while the token holder spins) that looks
 * every WD_TICK_MS of real time at each running task's count of scheduling
 * points and its thread's CPU time.  A count that stood still for the bound
 * while the thread kept the CPU busy is a soft lockup.  A task waiting
 * outside the scheduler (the script thread reading a terminal, a
 * pthread_join) uses no CPU, so any task may be watched, not only those
 * inside a kernel entry point.
 */

#define WD_TICK_MS	100
/* on the CPU for less than this part of a tick: the task was waiting */
#define WD_IDLE_NS	(WD_TICK_MS * 1000000LL / 100)

static long softlockup_ms = 20000;

/* what the stuck task's signal handler saw */
static struct sim_stack lockup_stack;
static int lockup_answered;
/* the report of last resort, should the report path block */
static char deadman_msg[2048];

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* -1 once the thread is gone */
static long long thread_cpu_ns(struct task_priv *p)
{
	struct timespec ts;

	if (clock_gettime(p->cpu_clock, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* With tasks_lock held: the first task stuck past the bound, and how long. */
static struct task *softlockup_scan(long long *stuck_ns)
{
	long long now = mono_ns(), bound = softlockup_ms * 1000000LL;
	struct task *t, *stuck = NULL;

	list_for_each_entry(t, &all_tasks, node) {
		struct task_priv *p = priv(t);
		unsigned long points = __atomic_load_n(&t->sched_points, __ATOMIC_RELAXED);
		long long cpu;
		bool waiting;

		if (!__atomic_load_n(&p->tid, __ATOMIC_ACQUIRE))
			continue;
		cpu = thread_cpu_ns(p);
		/*
		 * Not running: blocked in the scheduler, gone, waiting for the
		 * deterministic token, or off the CPU all tick long (blocked in
		 * the host's own code, outside the scheduler).
		 */
		waiting = cpu < 0 || sim_thread_exited(t) ||
			  __atomic_load_n(&t->blocked_on, __ATOMIC_RELAXED) ||
			  (det.on && __atomic_load_n(&det.running, __ATOMIC_RELAXED) != t) ||
			  cpu - p->wd_cpu < WD_IDLE_NS;
		if (!p->wd_seen || waiting || points != p->wd_points) {
			p->wd_seen = true;
			p->wd_points = points;
			p->wd_since = now;
		}
		p->wd_cpu = cpu;
		if (!stuck && now - p->wd_since > bound) {
			stuck = t;
			*stuck_ns = now - p->wd_since;
		}
	}
	return stuck;
}

static void *interrupted_pc(void *ucv)
{
	ucontext_t *uc = ucv;

#if defined(__x86_64__)
	return (void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__s390x__)
	return (void *)uc->uc_mcontext.psw.addr;
#elif defined(__aarch64__)
	return (void *)uc->uc_mcontext.pc;
#else
	(void)uc;
	return NULL;
#endif
}

/*
 * On the stuck thread: its stack from the interrupted instruction on.  The
 * unwinder (not the frame-pointer walk) crosses the signal frame and the C
 * library's frames without frame pointers (a memset in the loop).
 */
static void lockup_sig(int sig, siginfo_t *si, void *ucv)
{
	void *pc = interrupted_pc(ucv), *raw[SIM_STACK_DEPTH + 8];
	int n = backtrace(raw, SIM_STACK_DEPTH + 8), k;

	(void)sig;
	(void)si;
	for (k = 0; k < n && raw[k] != pc; k++)
		;
	if (k < n)
		raw[k] = (char *)pc + 1;	/* symbolized as a return address */
	else
		k = n < 2 ? n : 2;		/* this handler, the trampoline */
	lockup_stack.n = n - k < SIM_STACK_DEPTH ? n - k : SIM_STACK_DEPTH;
	memcpy(lockup_stack.pc, raw + k, sizeof(void *) * (size_t)lockup_stack.n);
	__atomic_store_n(&lockup_answered, 1, __ATOMIC_RELEASE);
}

/* The stuck task's stack into lockup_stack; false if it never answered. */
static bool lockup_stack_of(struct task *t)
{
	int i;

	__atomic_store_n(&lockup_answered, 0, __ATOMIC_RELAXED);
	/* not syscall(2): the s390 UAPI headers come first, their numbers too */
	if (tgkill(getpid(), priv(t)->tid, SIGUSR2))
		return false;
	for (i = 0; i < 100 && !__atomic_load_n(&lockup_answered, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	return __atomic_load_n(&lockup_answered, __ATOMIC_ACQUIRE);
}

__attribute__((format(printf, 4, 5)))
static void wd_append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/*
 * Symbolizing and reporting take the stack and log locks, which the stuck
 * task (or one it keeps waiting) may hold: if the report has not ended the
 * run after a few seconds, this does, with the raw frames.
 */
static void *deadman_fn(void *arg)
{
	struct timespec ts = { 5, 0 };
	ssize_t w;

	(void)arg;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	w = write(STDERR_FILENO, deadman_msg, strlen(deadman_msg));
	(void)w;
	sim_log_save_on_death();
	_exit(1);
}

/*
 * Report t and end the run.  listed: tasks_lock is held (the other tasks'
 * locks can be shown); frozen: the scheduler lock is held too.  t itself
 * cannot go away: it spins.
 */
static void softlockup_report(struct task *t, long long stuck_ns, bool listed, bool frozen)
{
	static char body[7680], trace[4096];
	char title[160], fn[128], head[160];
	bool answered = lockup_stack_of(t);
	struct task *o;
	pthread_t dm;
	size_t n = 0;
	int i, k;

	snprintf(head, sizeof(head), "watchdog: BUG: soft lockup - CPU#0 stuck for %llds! [%s:%d]\n",
		 stuck_ns / 1000000000LL, t->comm, t->pid);
	k = snprintf(deadman_msg, sizeof(deadman_msg),
		     "vfio-ap-sim: the simulated host hung; findings:\n"
		     "--- finding: watchdog: BUG: soft lockup\n%spcs:", head);
	for (i = 0; answered && i < lockup_stack.n && k > 0 && (size_t)k + 24 < sizeof(deadman_msg); i++)
		k += snprintf(deadman_msg + k, sizeof(deadman_msg) - (size_t)k, " %p", lockup_stack.pc[i]);
	if (k > 0 && (size_t)k + 64 < sizeof(deadman_msg))
		snprintf(deadman_msg + k, sizeof(deadman_msg) - (size_t)k,
			 "\n(the report blocked: a lock it needs is held)\n");
	if (!pthread_create(&dm, NULL, deadman_fn, NULL))
		pthread_detach(dm);

	trace[0] = 0;
	if (answered)
		sim_stack_format(&lockup_stack, trace, sizeof(trace));
	if (answered && sim_trace_anchor(trace, fn, sizeof(fn)))
		snprintf(title, sizeof(title), "watchdog: BUG: soft lockup in %s", fn);
	else
		snprintf(title, sizeof(title), "watchdog: BUG: soft lockup");
	wd_append(body, sizeof(body), &n, "%sCall Trace:\n%s", head,
		  answered ? trace : " (no stack: the task did not answer the watchdog's signal)\n");
	wd_append(body, sizeof(body), &n, "\nShowing all locks held in the system:\n");
	if (!det.on && !frozen)
		wd_append(body, sizeof(body), &n, "(the scheduler lock is busy: the tasks still run)\n");
	if (!listed)
		wd_append(body, sizeof(body), &n, "(the task list is busy: the stuck task's locks only)\n");
	if (listed) {
		list_for_each_entry(o, &all_tasks, node)
			if (o->lockdep_depth && n + 1 < sizeof(body))
				n += (size_t)sim_lockdep_print_held(o, body + n, sizeof(body) - n);
	} else if (t->lockdep_depth) {
		n += (size_t)sim_lockdep_print_held(t, body + n, sizeof(body) - n);
	}
	sim_report(title, "%s", body);
	sim_host_died();
}

static void *softlockup_fn(void *arg)
{
	struct timespec tick = { 0, WD_TICK_MS * 1000000L }, ts;
	bool listed, frozen = false;
	long long stuck_ns = 0;
	struct task *t;
	int i;

	(void)arg;
	for (;;) {
		nanosleep(&tick, NULL);
		/* the stuck task may be the one holding it: try next tick */
		if (pthread_mutex_trylock(&tasks_lock))
			continue;
		t = softlockup_scan(&stuck_ns);
		pthread_mutex_unlock(&tasks_lock);
		if (!t)
			continue;
		/*
		 * The other tasks stop at their next scheduling point, so that
		 * their held-lock stacks stand still while they are printed
		 * (deterministic: they already do, the stuck task has the
		 * token).  The scheduler lock comes before tasks_lock, as for
		 * the hung-task detector; both only for a while, since the
		 * stuck task may hold either.
		 */
		if (!det.on) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			frozen = !pthread_mutex_timedlock(&big, &ts);
		}
		for (i = 0; i < 100 && !(listed = !pthread_mutex_trylock(&tasks_lock)); i++)
			usleep(10000);
		softlockup_report(t, stuck_ns, listed, frozen);
	}
	return NULL;
}

void sim_softlockup_start(void)
{
	static bool started;
	const char *s = getenv("SIM_SOFTLOCKUP_SECS");
	struct sigaction sa;
	void *warm[1];
	pthread_t th;
	char *end;
	long v;

	if (started)
		return;
	started = true;
	if (s && *s) {
		v = strtol(s, &end, 10);
		if (!*end && v >= 0)
			softlockup_ms = v * 1000;
	}
	if (!softlockup_ms)
		return;
	/* the first backtrace() loads the unwinder: not in a signal handler */
	backtrace(warm, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = lockup_sig;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	if (!pthread_create(&th, NULL, softlockup_fn, NULL))
		pthread_detach(th);
}

/* ------------------------------------------------------ hung-task detector */

long sim_hung_task_ms = 120000;
static pthread_t hung_watchdog;
static bool hung_watchdog_on;

struct hung_scan {
	long now;
	char *buf;
	size_t len, n;
	bool hung;
};

static void scan_task(struct task *t, void *arg)
{
	struct hung_scan *h = arg;

	if (t->blocked_on && t->hung_check && h->now - t->blocked_since > sim_hung_task_ms) {
		h->hung = true;
		wd_append(h->buf, h->len, &h->n,
				 "INFO: task %s:%d blocked for more than %ld seconds.\n"
				 "      blocked on %s\n", t->comm, t->pid,
				 sim_hung_task_ms / 1000, t->blocked_on);
	}
}

static void held_of_task(struct task *t, void *arg)
{
	struct hung_scan *h = arg;

	if (t->lockdep_depth && h->n + 1 < h->len)
		h->n += sim_lockdep_print_held(t, h->buf + h->n, h->len - h->n);
}

/* With the scheduler lock held: a task blocked past the deadline is
 * reported with every task's held locks, and the run ends. */
void sim_hung_task_check(void)
{
	static char buf[16384];
	struct hung_scan h = { .now = sim_now_ms(), .buf = buf, .len = sizeof(buf) - 256 };

	sim_for_each_task(scan_task, &h);
	if (!h.hung)
		return;
	wd_append(buf, h.len, &h.n, "\nShowing all locks held in the system:\n");
	sim_for_each_task(held_of_task, &h);
	sim_report("INFO: task hung", "%s", buf);
	/* the simulated host is deadlocked: nothing it runs can finish */
	sim_host_died();
}

static void *hung_watchdog_fn(void *arg)
{
	(void)arg;
	for (;;) {
		sched_lock();
		sim_hung_task_check();
		sched_unlock();
		usleep(20000);
	}
	return NULL;
}

void sim_hung_task_start(void)
{
	const char *s = getenv("SIM_HUNG_TASK_SECS");

	if (s && atol(s) > 0)
		sim_hung_task_ms = atol(s) * 1000;
	/* a task that spins never blocks: the other half of the watch */
	sim_softlockup_start();
	/* the deterministic scheduler checks whenever simulated time moves */
	if (hung_watchdog_on || sched_deterministic())
		return;
	if (!pthread_create(&hung_watchdog, NULL, hung_watchdog_fn, NULL))
		hung_watchdog_on = true;
}

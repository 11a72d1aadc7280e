/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduling layer of the simulated host (shim/sched.c).
 *
 * Every blocking primitive of the shims and models (mutexes, rwsems,
 * completions, wait queues, msleep, flush_work, vCPU blocking) waits here
 * and nowhere else.  All of them are monitors over one scheduler lock: a
 * waiter holds it while it checks its condition and gives it up only inside
 * sched_wait().  In the default mode threads run in parallel on pthreads;
 * in the deterministic mode one task runs at a time and a seeded policy
 * picks the next at every scheduling point.
 *
 * Time is virtual: sim_now_ms() runs SIM_TIMESCALE times faster than the
 * real clock, so the driver's msleep(20) retry loops and the vfio core's
 * 10 s request interval keep their proportions without costing real time.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <linux/types.h>
#include <linux/list.h>
#include <sim/stack.h>
#include <sim/race.h>

#define TASK_COMM_LEN 16
#define SIM_MAX_HELD 48

struct lockdep_map;
struct sysfs_node;

struct held_lock {
	struct lockdep_map *map;
	const char *acquire_site;
	int read;
};

struct task {
	char comm[TASK_COMM_LEN];
	int pid;
	/* held-lock stack, innermost last */
	int lockdep_depth;
	struct held_lock held[SIM_MAX_HELD];
	/* what the task is blocked on, for hang reports */
	const char *blocked_on;
	long blocked_since;
	/* the block is uninterruptible: the hung-task detector watches it */
	bool hung_check;
	/* fault injection: /proc/thread-self/fail-nth and make-it-fail */
	unsigned int fail_nth;
	bool make_it_fail;
	/* the sim's own checks run with fault injection off */
	bool no_fault;
	/* scheduling points passed (written by the task only): a count that
	 * stands still while the task runs is the soft-lockup watchdog's sign */
	unsigned long sched_points;
	/*
	 * Per-task state of the shims (never thread-local: under the
	 * deterministic scheduler every task runs on one thread).  The last
	 * fault injected into the task and where (fault.c: an oops names it),
	 * the APQN it last touched (origin.c), the sysfs attribute whose show
	 * or store it runs and whether that broke its active reference
	 * (sysfs.c), the object the driver's references taken now belong to
	 * (ref.c's scope: the vfio device whose file the task serves).
	 */
	char fault_note[200];
	struct sim_stack fault_stack;
	int origin_apqn;
	/* a guest's AQIC running on this task is for an APQN outside the
	 * guest's APCB (sim_origin_aqic notes it) */
	bool origin_outside;
	/* the answers of the AQICs this task issued since the vCPU model's
	 * PQAP began (a bit per response code): what the guest may be told */
	uint64_t aqic_rcs[4];
	int aqic_first;
	struct sysfs_node *sysfs_op;
	bool sysfs_op_broken;
	const void *ref_scope;
	/* the lockset detector's: the lock classes held (as bits), those
	 * held for writing, and the task's vector clock (shim/race.c) */
	uint64_t race_held, race_heldw;
	void *race;
	struct sim_hb *race_work;	/* the work it runs (lent locks) */
	/* scheduler private */
	void *sched_priv;
	struct list_head node;
	bool woken;
	bool exited;
	void *(*fn)(void *);
	void *arg;
	void *ret;
};

struct sim_waitq {
	struct list_head waiters;
};

#define SIM_WAITQ_INIT(name) { .waiters = LIST_HEAD_INIT((name).waiters) }

struct task *sim_current(void);
struct task *sim_task_adopt(const char *comm);
void sim_task_release_current(void);
struct task *sim_thread_start(const char *comm, void *(*fn)(void *), void *arg);
void *sim_thread_join(struct task *t);
void sim_for_each_task(void (*fn)(struct task *, void *), void *arg);

bool sim_thread_exited(struct task *t);

/* The deterministic mode (shim/sched.c); chosen before the first task
 * exists.  Returns -1 if it is too late or the PCT parameters are bad. */
enum sim_sched_policy { SIM_SCHED_RANDOM, SIM_SCHED_PCT };
int sim_sched_deterministic(enum sim_sched_policy policy, unsigned long long seed,
			    int pct_depth, unsigned long long pct_steps);
bool sched_deterministic(void);
/* Scheduling points, task switches, and a digest of the switch sequence. */
void sim_sched_stats(unsigned long long *steps, unsigned long long *switches,
		     unsigned long long *digest);

/* Woken by every eventfd signal (shim/eventfd.c); a reader checks its
 * descriptor and waits here, so that it blocks in the scheduler. */
extern struct sim_waitq sim_eventfd_wq;
/*
 * Called in the signalling task, before the write, with the descriptor the
 * VMM handed to eventfd_ctx_fdget (the VMM model counts the signals of its
 * eventfds and what the guest was told with them).
 */
extern void (*sim_eventfd_observer)(int user_fd);

void sched_init(void);
void sched_lock(void);
void sched_unlock(void);
void sim_waitq_init(struct sim_waitq *wq);
/* With the scheduler lock held: sleep until woken; returns false on timeout
 * (timeout_ms < 0: no timeout). */
bool sched_wait(struct sim_waitq *wq, const char *what, long timeout_ms);
void sched_wake_one(struct sim_waitq *wq);
void sched_wake_all(struct sim_waitq *wq);

long sim_now_ms(void);
void sim_sleep_ms(long ms);
void sim_yield(void);
extern long sim_timescale;

/*
 * Soft-lockup watchdog: a task that keeps the CPU for SIM_SOFTLOCKUP_SECS
 * (default 20, 0: off) of real time without a scheduling point is reported
 * with its stack and every task's held locks, and the run ends.  Started
 * at boot, in both modes.
 */
void sim_softlockup_start(void);

/* Hung-task detector: a task blocked on a lock, a completion or a drain
 * for longer than this much simulated time is reported, and the run ends
 * (the watchdog runs until the process exits). */
extern long sim_hung_task_ms;
void sim_hung_task_start(void);
/* One scan, with the scheduler lock held (the deterministic scheduler's). */
void sim_hung_task_check(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lockset detector (shim/race.c): every load and store the driver's
 * two files make (compiler instrumentation, outline calls) is checked
 * against the lock classes the accessing task holds, as Eraser does: a
 * location's candidate set is the intersection of the locks held at its
 * accesses once a second task has touched it, and a location written
 * while shared whose candidate set is empty is reported.  Ownership passes
 * without a report along what orders tasks other than locks: a thread's
 * start and join, queue_work to the work and the work to flush_work,
 * complete to wait_for_completion (vector clocks over task slots).
 */
#ifndef SIM_RACE_H
#define SIM_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* task slots of the vector clocks; more live tasks than this are
 * unordered with everything (a report may then be a false one) */
#define SIM_RACE_SLOTS 128

/* what a sync object (a work, a completion) carries from its releaser
 * to its acquirer */
struct sim_hb {
	uint32_t vc[SIM_RACE_SLOTS];
	/* a work's: the locks its queuer held at queue_work and still
	 * holds (lent to the work, which runs while the queuer waits in
	 * flush_work with them held), and for writing */
	uint64_t lent, lentw;
	int lender;		/* pid; 0: lends nothing */
};

struct task;
struct lockdep_map;

/* on by default; SIM_LOCKSET=0 in the environment, or this, turns it off */
extern bool sim_race_enabled;

void sim_race_task_start(struct task *child, struct task *parent);
void sim_race_task_exit(struct task *t);
void sim_race_task_joined(struct task *joiner, struct task *t);
/* the task's held locks changed (shim/lock.c) */
void sim_race_held_changed(struct task *t);

/* an ordering edge: the current task's past before release, before what
 * the current task does after acquire */
void sim_race_release(struct sim_hb *hb);
void sim_race_acquire(struct sim_hb *hb);
/* queue_work: the queuer lends the work the locks it holds, for as long
 * as it holds them; the work runs with them (begin, end) */
void sim_race_lend(struct sim_hb *hb);
void sim_race_work_begin(struct sim_hb *hb);
void sim_race_work_end(struct sim_hb *hb);

/* memory that is freed or starts over (a module's data at load) */
void sim_race_forget(const void *p, size_t size);
void sim_race_forget_globals(void);

/*
 * In the driver's unit: what a helper outside it (a bitmap search, a
 * memcpy) reads or writes for it, checked as the driver's own access
 * (the instrumentation's entry points, called from the driver's code).
 */
#if defined(SIM_DRIVER_UNIT) && !defined(SIM_NO_RACE)
#ifdef SIM_SAN_BUILD
#define SIM_RACE_HOOK(name) name
#else
#define SIM_RACE_HOOK(name) name##_noabort
#endif
void SIM_RACE_HOOK(__asan_loadN)(void *a, ptrdiff_t n);
void SIM_RACE_HOOK(__asan_storeN)(void *a, ptrdiff_t n);
#define sim_race_check(p, n, w) \
	((w) ? SIM_RACE_HOOK(__asan_storeN)((void *)(p), (ptrdiff_t)(n)) : \
	       SIM_RACE_HOOK(__asan_loadN)((void *)(p), (ptrdiff_t)(n)))
#else
#define sim_race_check(p, n, w) ((void)(p), (void)(n), (void)(w))
#endif

#endif

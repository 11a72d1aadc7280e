// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping locks, spinlocks and completions over the scheduling layer, with
 * each task's stack of held locks (what lockdep_assert_held and the reports
 * read).
 */
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <sim/sched.h>
#include <sim/report.h>
#include <sim/lockdep.h>

void shim_lock_init(struct lockdep_map *dep, struct sim_waitq *wq,
		    const char *name, struct lock_class_key *key,
		    const char *site)
{
	dep->name = name;
	dep->key = key;
	dep->init_site = site;
	sim_waitq_init(wq);
}

static void held_push(struct lockdep_map *dep, const char *site, int read)
{
	struct task *t = sim_current();

	if (t->lockdep_depth >= SIM_MAX_HELD) {
		sim_report("BUG: MAX_LOCK_DEPTH too low!", "%s: %s at %s\n",
			   t->comm, dep->name, site);
		return;
	}
	t->held[t->lockdep_depth].map = dep;
	t->held[t->lockdep_depth].acquire_site = site;
	t->held[t->lockdep_depth].read = read;
	t->lockdep_depth++;
	sim_race_held_changed(t);
}

static bool held_pop(struct lockdep_map *dep)
{
	struct task *t = sim_current();
	int i;

	for (i = t->lockdep_depth - 1; i >= 0; i--) {
		if (t->held[i].map == dep) {
			memmove(&t->held[i], &t->held[i + 1],
				(t->lockdep_depth - i - 1) * sizeof(t->held[0]));
			t->lockdep_depth--;
			sim_race_held_changed(t);
			return true;
		}
	}
	return false;
}

static bool held_by_current(struct lockdep_map *dep)
{
	struct task *t = sim_current();
	int i;

	for (i = 0; i < t->lockdep_depth; i++)
		if (t->held[i].map == dep)
			return true;
	return false;
}

static void bad_unlock(struct lockdep_map *dep, const char *site)
{
	struct task *t = sim_current();

	sim_report("WARNING: bad unlock balance detected!",
		   "%s/%d is trying to release lock (%s) at:\n  %s\nbut there are no more locks to release!\n",
		   t->comm, t->pid, dep->name, site);
}

static void recursive(struct lockdep_map *dep, const char *site)
{
	struct task *t = sim_current();

	sim_report("WARNING: possible recursive locking detected",
		   "%s/%d is trying to acquire lock:\n  (%s) at %s\nbut task is already holding lock:\n  (%s)\n",
		   t->comm, t->pid, dep->name, site, dep->name);
}

void shim_mutex_lock(struct mutex *m, const char *site)
{
	struct task *t = sim_current();

	sched_lock();
	sim_lockdep_acquire(&m->dep, site, false);
	if (m->owner == t && (!sim_lockdep_enabled || m->dep.novalidate))
		recursive(&m->dep, site);
	t->hung_check = true;
	while (m->owner)
		sched_wait(&m->wq, m->dep.name, -1);
	t->hung_check = false;
	m->owner = t;
	held_push(&m->dep, site, 0);
	sched_unlock();
}

int shim_mutex_lock_interruptible(struct mutex *m, const char *site)
{
	/* The sim sends no signals: an interruptible wait is never interrupted. */
	shim_mutex_lock(m, site);
	return 0;
}

int shim_mutex_trylock(struct mutex *m, const char *site)
{
	int ok;

	sched_lock();
	ok = !m->owner;
	if (ok) {
		sim_lockdep_acquire(&m->dep, site, true);
		m->owner = sim_current();
		held_push(&m->dep, site, 0);
	}
	sched_unlock();
	return ok;
}

void shim_mutex_unlock(struct mutex *m, const char *site)
{
	sched_lock();
	if (m->owner != sim_current() || !held_pop(&m->dep)) {
		bad_unlock(&m->dep, site);
		sched_unlock();
		return;
	}
	m->owner = NULL;
	sched_wake_one(&m->wq);
	sched_unlock();
}

bool mutex_is_locked(struct mutex *m)
{
	return READ_ONCE(m->owner) != NULL;
}

void mutex_destroy(struct mutex *m)
{
	if (m->owner)
		sim_report("WARNING: held lock freed!", "lock (%s) destroyed while held\n",
			   m->dep.name);
}

/*
 * rwsem: a waiting writer holds off new readers, so that a stream of PQAP
 * intercepts (readers) cannot starve the driver's set_kvm (writer).
 */
void shim_down_read(struct rw_semaphore *s, const char *site)
{
	struct task *t = sim_current();

	sched_lock();
	sim_lockdep_acquire(&s->dep, site, false);
	t->hung_check = true;
	while (s->writer || s->writers_waiting)
		sched_wait(&s->wq, s->dep.name, -1);
	t->hung_check = false;
	s->readers++;
	held_push(&s->dep, site, 1);
	sched_unlock();
}

int shim_down_read_trylock(struct rw_semaphore *s, const char *site)
{
	int ok;

	sched_lock();
	ok = !s->writer;
	if (ok) {
		sim_lockdep_acquire(&s->dep, site, true);
		s->readers++;
		held_push(&s->dep, site, 1);
	}
	sched_unlock();
	return ok;
}

void shim_up_read(struct rw_semaphore *s, const char *site)
{
	sched_lock();
	if (s->readers <= 0 || !held_pop(&s->dep)) {
		bad_unlock(&s->dep, site);
		sched_unlock();
		return;
	}
	if (--s->readers == 0)
		sched_wake_all(&s->wq);
	sched_unlock();
}

void shim_down_write(struct rw_semaphore *s, const char *site)
{
	struct task *t = sim_current();

	sched_lock();
	sim_lockdep_acquire(&s->dep, site, false);
	if (s->writer == t && (!sim_lockdep_enabled || s->dep.novalidate))
		recursive(&s->dep, site);
	s->writers_waiting++;
	t->hung_check = true;
	while (s->writer || s->readers)
		sched_wait(&s->wq, s->dep.name, -1);
	t->hung_check = false;
	s->writers_waiting--;
	s->writer = t;
	held_push(&s->dep, site, 0);
	sched_unlock();
}

void shim_up_write(struct rw_semaphore *s, const char *site)
{
	sched_lock();
	if (s->writer != sim_current() || !held_pop(&s->dep)) {
		bad_unlock(&s->dep, site);
		sched_unlock();
		return;
	}
	s->writer = NULL;
	sched_wake_all(&s->wq);
	sched_unlock();
}

void shim_spin_lock(spinlock_t *l, const char *site)
{
	struct task *t = sim_current();

	sched_lock();
	sim_lockdep_acquire(&l->dep, site, false);
	if (l->owner == t && (!sim_lockdep_enabled || l->dep.novalidate))
		recursive(&l->dep, site);
	t->hung_check = true;
	while (l->owner)
		sched_wait(&l->wq, l->dep.name, -1);
	t->hung_check = false;
	l->owner = t;
	held_push(&l->dep, site, 0);
	sched_unlock();
}

void shim_spin_unlock(spinlock_t *l, const char *site)
{
	sched_lock();
	if (l->owner != sim_current() || !held_pop(&l->dep)) {
		bad_unlock(&l->dep, site);
		sched_unlock();
		return;
	}
	l->owner = NULL;
	sched_wake_one(&l->wq);
	sched_unlock();
}

void shim_assert_held(struct lockdep_map *dep, const char *site)
{
	bool ok;

	sched_lock();
	ok = held_by_current(dep);
	sched_unlock();
	if (!ok)
		sim_report("WARNING: lockdep_assert_held failed",
			   "%s: lock (%s) not held by %s/%d\n", site, dep->name,
			   sim_current()->comm, sim_current()->pid);
}

void init_completion(struct completion *c)
{
	c->done = 0;
	sim_waitq_init(&c->wq);
	memset(&c->hb, 0, sizeof(c->hb));
}

void reinit_completion(struct completion *c)
{
	c->done = 0;
}

void complete(struct completion *c)
{
	sim_race_release(&c->hb);
	sched_lock();
	if (c->done != UINT32_MAX)
		c->done++;
	sched_wake_all(&c->wq);
	sched_unlock();
}

void complete_all(struct completion *c)
{
	sim_race_release(&c->hb);
	sched_lock();
	c->done = UINT32_MAX;
	sched_wake_all(&c->wq);
	sched_unlock();
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

unsigned long wait_for_completion_timeout(struct completion *c, unsigned long ms)
{
	long deadline = sim_now_ms() + (long)ms;
	unsigned long left = 1;

	sched_lock();
	while (!c->done) {
		long now = sim_now_ms();

		if (now >= deadline) {
			left = 0;
			break;
		}
		sched_wait(&c->wq, "completion", deadline - now);
	}
	if (c->done && c->done != UINT32_MAX)
		c->done--;
	if (left) {
		long now = sim_now_ms();

		left = deadline > now ? (unsigned long)(deadline - now) : 1;
	}
	sched_unlock();
	if (left)
		sim_race_acquire(&c->hb);
	return left;
}

void wait_for_completion(struct completion *c)
{
	struct task *t = sim_current();

	sched_lock();
	t->hung_check = true;
	while (!c->done)
		sched_wait(&c->wq, "completion", -1);
	t->hung_check = false;
	if (c->done != UINT32_MAX)
		c->done--;
	sched_unlock();
	sim_race_acquire(&c->hb);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: sleeping locks (mutex, rw_semaphore), spinlocks and completions, all
 * built on the scheduling layer, each with a lockdep_map naming its class
 * (one class per initialisation site, as lockdep keys them).
 */
#ifndef SHIM_LINUX_MUTEX_H
#define SHIM_LINUX_MUTEX_H

#include <linux/types.h>
#include <linux/list.h>
#include <sim/sched.h>
#include <sim/race.h>

struct lock_class_key {
	char dummy;
};

struct lockdep_map {
	const char *name;
	struct lock_class_key *key;
	const char *init_site;
	int class_id;		/* validator's class + 1; 0 until first use */
	bool novalidate;
	int race_bit;		/* the lockset detector's bit + 1; 0 until used */
};

/* what a lock's class is keyed by: mutex_init's static key, or a static
 * lock's own address (the validator's and the lockset detector's) */
static inline const void *lockdep_class_key(const struct lockdep_map *dep)
{
	return dep->key ? (const void *)dep->key : (const void *)dep;
}

struct mutex {
	struct task *owner;
	struct sim_waitq wq;
	struct lockdep_map dep;
};

struct rw_semaphore {
	int readers;
	int writers_waiting;
	struct task *writer;
	struct sim_waitq wq;
	struct lockdep_map dep;
};

typedef struct spinlock {
	struct task *owner;
	struct sim_waitq wq;
	struct lockdep_map dep;
} spinlock_t;

struct completion {
	unsigned int done;
	struct sim_waitq wq;
	struct sim_hb hb;	/* complete() before the wait's return */
};

#define SHIM_LOCK_STATIC(lname, obj) \
	.wq = SIM_WAITQ_INIT((obj).wq), \
	.dep = { .name = lname, .key = NULL, .init_site = __FILE__ }

#define DEFINE_MUTEX(m) struct mutex m = { SHIM_LOCK_STATIC(#m, m) }
#define DEFINE_SPINLOCK(l) spinlock_t l = { SHIM_LOCK_STATIC(#l, l) }

void shim_lock_init(struct lockdep_map *dep, struct sim_waitq *wq,
		    const char *name, struct lock_class_key *key,
		    const char *site);

#define mutex_init(m) do {						\
	static struct lock_class_key __key;				\
	shim_lock_init(&(m)->dep, &(m)->wq, #m, &__key, SHIM_SITE_STR);	\
	(m)->owner = NULL;						\
} while (0)
#define init_rwsem(s) do {						\
	static struct lock_class_key __key;				\
	shim_lock_init(&(s)->dep, &(s)->wq, #s, &__key, SHIM_SITE_STR);	\
	(s)->readers = 0;						\
	(s)->writers_waiting = 0;					\
	(s)->writer = NULL;						\
} while (0)
#define spin_lock_init(l) do {						\
	static struct lock_class_key __key;				\
	shim_lock_init(&(l)->dep, &(l)->wq, #l, &__key, SHIM_SITE_STR);	\
	(l)->owner = NULL;						\
} while (0)

/* The models name their locks' classes as the kernel source spells them. */
#define sim_mutex_init_as(m, lname) do {				\
	static struct lock_class_key __key;				\
	shim_lock_init(&(m)->dep, &(m)->wq, lname, &__key, SHIM_SITE_STR); \
	(m)->owner = NULL;						\
} while (0)
#define sim_rwsem_init_as(s, lname) do {				\
	static struct lock_class_key __key;				\
	shim_lock_init(&(s)->dep, &(s)->wq, lname, &__key, SHIM_SITE_STR); \
	(s)->readers = 0;						\
	(s)->writers_waiting = 0;					\
	(s)->writer = NULL;						\
} while (0)
#define sim_spin_lock_init_as(l, lname) sim_mutex_init_as(l, lname)

#define SHIM_STR2_(x) #x
#define SHIM_STR_(x) SHIM_STR2_(x)
#define SHIM_SITE_STR __FILE__ ":" SHIM_STR_(__LINE__)

void shim_mutex_lock(struct mutex *m, const char *site);
int shim_mutex_lock_interruptible(struct mutex *m, const char *site);
int shim_mutex_trylock(struct mutex *m, const char *site);
void shim_mutex_unlock(struct mutex *m, const char *site);
bool mutex_is_locked(struct mutex *m);
void mutex_destroy(struct mutex *m);

#define mutex_lock(m) shim_mutex_lock(m, SHIM_SITE_STR)
#define mutex_lock_interruptible(m) shim_mutex_lock_interruptible(m, SHIM_SITE_STR)
#define mutex_trylock(m) shim_mutex_trylock(m, SHIM_SITE_STR)
#define mutex_unlock(m) shim_mutex_unlock(m, SHIM_SITE_STR)

void shim_down_read(struct rw_semaphore *s, const char *site);
int shim_down_read_trylock(struct rw_semaphore *s, const char *site);
void shim_up_read(struct rw_semaphore *s, const char *site);
void shim_down_write(struct rw_semaphore *s, const char *site);
void shim_up_write(struct rw_semaphore *s, const char *site);

#define down_read(s) shim_down_read(s, SHIM_SITE_STR)
#define down_read_trylock(s) shim_down_read_trylock(s, SHIM_SITE_STR)
#define up_read(s) shim_up_read(s, SHIM_SITE_STR)
#define down_write(s) shim_down_write(s, SHIM_SITE_STR)
#define up_write(s) shim_up_write(s, SHIM_SITE_STR)

void shim_spin_lock(spinlock_t *l, const char *site);
void shim_spin_unlock(spinlock_t *l, const char *site);
#define spin_lock(l) shim_spin_lock(l, SHIM_SITE_STR)
#define spin_unlock(l) shim_spin_unlock(l, SHIM_SITE_STR)
#define spin_lock_bh(l) spin_lock(l)
#define spin_unlock_bh(l) spin_unlock(l)
#define spin_lock_irqsave(l, f) do { (void)(f); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(f); spin_unlock(l); } while (0)

/* Fails (a kernel-format report) unless the current task holds the lock. */
void shim_assert_held(struct lockdep_map *dep, const char *site);
#define lockdep_assert_held(l) shim_assert_held(&(l)->dep, SHIM_SITE_STR)

void init_completion(struct completion *c);
void reinit_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* Returns 0 on timeout, else the remaining time (at least 1); in sim ms. */
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long ms);
bool completion_done(struct completion *c);

/*
 * Lock guards (linux/cleanup.h): the constructors are macros, so that the
 * validator's acquisition site is the driver's guard() line.
 */
#include <linux/cleanup.h>
SHIM_CLASS_DESTRUCTOR(mutex, struct mutex *, if (_T) shim_mutex_unlock(_T, SHIM_SITE_STR))
#define class_mutex_constructor(m) \
	({ struct mutex *_T = (m); shim_mutex_lock(_T, SHIM_SITE_STR); _T; })
/* NULL when interrupted (never, in the sim: it sends no signals) */
SHIM_CLASS_DESTRUCTOR(mutex_intr, struct mutex *, if (_T) shim_mutex_unlock(_T, SHIM_SITE_STR))
#define class_mutex_intr_constructor(m) \
	({ struct mutex *_T = (m); shim_mutex_lock_interruptible(_T, SHIM_SITE_STR) ? NULL : _T; })
SHIM_CLASS_DESTRUCTOR(mutex_try, struct mutex *, if (_T) shim_mutex_unlock(_T, SHIM_SITE_STR))
#define class_mutex_try_constructor(m) \
	({ struct mutex *_T = (m); shim_mutex_trylock(_T, SHIM_SITE_STR) ? _T : NULL; })
SHIM_CLASS_DESTRUCTOR(rwsem_read, struct rw_semaphore *, if (_T) shim_up_read(_T, SHIM_SITE_STR))
#define class_rwsem_read_constructor(s) \
	({ struct rw_semaphore *_T = (s); shim_down_read(_T, SHIM_SITE_STR); _T; })
SHIM_CLASS_DESTRUCTOR(rwsem_write, struct rw_semaphore *, if (_T) shim_up_write(_T, SHIM_SITE_STR))
#define class_rwsem_write_constructor(s) \
	({ struct rw_semaphore *_T = (s); shim_down_write(_T, SHIM_SITE_STR); _T; })
SHIM_CLASS_DESTRUCTOR(spinlock, spinlock_t *, if (_T) shim_spin_unlock(_T, SHIM_SITE_STR))
#define class_spinlock_constructor(l) \
	({ spinlock_t *_T = (l); shim_spin_lock(_T, SHIM_SITE_STR); _T; })
#define class_spinlock_irq_t class_spinlock_t
#define class_spinlock_irq_destructor class_spinlock_destructor
#define class_spinlock_irq_constructor(l) class_spinlock_constructor(l)
#define class_spinlock_irqsave_t class_spinlock_t
#define class_spinlock_irqsave_destructor class_spinlock_destructor
#define class_spinlock_irqsave_constructor(l) class_spinlock_constructor(l)

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock validator (shim/lockdep.c): lockdep's algorithm over every lock
 * of the driver and the models.  Classes are keyed by where a lock is
 * initialised (the static key of mutex_init's expansion, or a static
 * lock's own address); every acquisition while other locks are held adds
 * class dependencies, and a new dependency that closes a cycle is reported
 * as a possible circular locking dependency the first time both orders
 * have been seen, whether or not any thread deadlocked.
 */
#ifndef SIM_LOCKDEP_H
#define SIM_LOCKDEP_H

#include <stdbool.h>
#include <stdio.h>

struct lockdep_map;
struct task;

extern bool sim_lockdep_enabled;

/* Before a (possibly blocking) acquisition; with the scheduler lock held. */
void sim_lockdep_acquire(struct lockdep_map *dep, const char *site, bool trylock);
/* The task's held-lock depth, and the check that an operation that
 * started at that depth returned with nothing more held. */
int sim_lockdep_depth(void);
void sim_lockdep_check_return(int depth, const char *what, bool to_user);
/* Excluded from validation, as the kernel does with device mutexes. */
void sim_lockdep_set_novalidate(struct lockdep_map *dep);
/* The observed class graph in graphviz dot. */
void sim_lockdep_dot(FILE *out);
/* Print a task's held locks as lockdep's "N locks held by" block. */
int sim_lockdep_print_held(struct task *t, char *buf, size_t len);

#endif

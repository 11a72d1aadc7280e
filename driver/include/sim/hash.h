/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A chained hash of named entries keyed by (owner, name): sysfs children by
 * their directory, bus devices by their bus.  The caller embeds a
 * struct sim_hnode and does its own locking.
 */
#ifndef SIM_HASH_H
#define SIM_HASH_H

#include <stddef.h>

struct sim_hnode {
	struct sim_hnode *next;
	const void *owner;
	const char *name;
};

struct sim_htab {
	struct sim_hnode **b;
	size_t nbuckets, count;
};

void sim_hash_add(struct sim_htab *t, struct sim_hnode *n, const void *owner,
		  const char *name);
void sim_hash_del(struct sim_htab *t, struct sim_hnode *n);
/* name need not be terminated: len bytes are compared. */
struct sim_hnode *sim_hash_find(struct sim_htab *t, const void *owner,
				const char *name, size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0
/* Keyed chained hash for the sim's lookups by name (see sim/hash.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sim/hash.h"

static size_t key_hash(const void *owner, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)owner;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29));
}

static void grow(struct sim_htab *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 4 : 64, i;
	struct sim_hnode **b = calloc(nb, sizeof(*b)), *n, *next;

	if (!b)
		abort();
	for (i = 0; i < t->nbuckets; i++)
		for (n = t->b[i]; n; n = next) {
			size_t k = key_hash(n->owner, n->name, strlen(n->name)) & (nb - 1);

			next = n->next;
			n->next = b[k];
			b[k] = n;
		}
	free(t->b);
	t->b = b;
	t->nbuckets = nb;
}

void sim_hash_add(struct sim_htab *t, struct sim_hnode *n, const void *owner,
		  const char *name)
{
	size_t k;

	if (t->count >= t->nbuckets)
		grow(t);
	n->owner = owner;
	n->name = name;
	k = key_hash(owner, name, strlen(name)) & (t->nbuckets - 1);
	n->next = t->b[k];
	t->b[k] = n;
	t->count++;
}

void sim_hash_del(struct sim_htab *t, struct sim_hnode *n)
{
	struct sim_hnode **pp;

	if (!t->nbuckets)
		return;
	pp = &t->b[key_hash(n->owner, n->name, strlen(n->name)) & (t->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->count--;
			return;
		}
}

struct sim_hnode *sim_hash_find(struct sim_htab *t, const void *owner,
				const char *name, size_t len)
{
	struct sim_hnode *n;

	if (!t->nbuckets)
		return NULL;
	for (n = t->b[key_hash(owner, name, len) & (t->nbuckets - 1)]; n; n = n->next)
		if (n->owner == owner && !strncmp(n->name, name, len) && !n->name[len])
			return n;
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: fixed-size hash tables.  Add and lookup use the same bucket function
 * (hash_min), so a node may be moved between tables after hash_del.
 */
#ifndef SHIM_LINUX_HASHTABLE_H
#define SHIM_LINUX_HASHTABLE_H

#include <linux/list.h>

#define GOLDEN_RATIO_32 0x61C88647
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

static inline u32 hash_32(u32 val, unsigned int bits)
{
	return (val * GOLDEN_RATIO_32) >> (32 - bits);
}

static inline u32 hash_64(u64 val, unsigned int bits)
{
	return (u32)((val * GOLDEN_RATIO_64) >> (64 - bits));
}

#define hash_min(val, bits) \
	(sizeof(val) <= 4 ? hash_32(val, bits) : hash_64(val, bits))

#define DEFINE_HASHTABLE(name, bits) struct hlist_head name[1 << (bits)]
#define DECLARE_HASHTABLE(name, bits) struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name) (ARRAY_SIZE(name))
#define HASH_BITS(name) ((unsigned int)__builtin_ctz(HASH_SIZE(name)))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline void __hash_init(struct hlist_head *ht, unsigned int sz)
{
	unsigned int i;

	for (i = 0; i < sz; i++)
		INIT_HLIST_HEAD(&ht[i]);
}

#define hash_init(table) __hash_init(table, HASH_SIZE(table))
#define hash_add(table, node, key) \
	hlist_add_head(node, &table[hash_min(key, HASH_BITS(table))])
#define hash_del(node) hlist_del_init(node)
#define hash_for_each(name, bkt, obj, member)				\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < (int)HASH_SIZE(name); \
	     (bkt)++)							\
		hlist_for_each_entry(obj, &name[bkt], member)
#define hash_for_each_safe(name, bkt, tmp, obj, member)			\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < (int)HASH_SIZE(name); \
	     (bkt)++)							\
		hlist_for_each_entry_safe(obj, tmp, &name[bkt], member)
#define hash_for_each_possible(name, obj, member, key)			\
	hlist_for_each_entry(obj, &name[hash_min(key, HASH_BITS(name))], member)

#define hash_for_each_possible_safe(name, obj, tmp, member, key)	\
	hlist_for_each_entry_safe(obj, tmp, &name[hash_min(key, HASH_BITS(name))], member)
#define hash_hashed(node) (!hlist_unhashed(node))
#define DEFINE_READ_MOSTLY_HASHTABLE(name, bits) DEFINE_HASHTABLE(name, bits)

static inline bool __hash_empty(const struct hlist_head *ht, unsigned int sz)
{
	unsigned int i;

	for (i = 0; i < sz; i++)
		if (ht[i].first)
			return false;
	return true;
}
#define hash_empty(table) __hash_empty(table, HASH_SIZE(table))

/* The RCU forms: the sim's readers take the locks the writers take, or run
 * alone; a grace period has nothing to wait for. */
#define hash_add_rcu(table, node, key) hash_add(table, node, key)
#define hash_del_rcu(node) hash_del(node)
#define hash_for_each_rcu(name, bkt, obj, member) hash_for_each(name, bkt, obj, member)
#define hash_for_each_possible_rcu(name, obj, member, key, ...) \
	hash_for_each_possible(name, obj, member, key)

#endif

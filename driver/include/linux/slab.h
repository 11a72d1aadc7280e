/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the slab allocator.  Every allocation goes through shim/slab.c,
 * which accounts live objects (leak checks) and is where failslab hooks in.
 */
#ifndef SHIM_LINUX_SLAB_H
#define SHIM_LINUX_SLAB_H

#include <linux/types.h>
#include <stdint.h>

#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u
#define GFP_KERNEL_ACCOUNT GFP_KERNEL
#define __GFP_ZERO 0x100u
#define __GFP_NOWARN 0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_NOFAIL 0x8000u

/* what a zero-sized krealloc returns: freeable, never dereferenceable */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

void *shim_kmalloc(size_t size, gfp_t flags, const char *site);
void shim_kfree(const void *p);

#define SHIM_STR2(x) #x
#define SHIM_STR(x) SHIM_STR2(x)
#define SHIM_SITE __FILE__ ":" SHIM_STR(__LINE__)

/*
 * Sizes as the kernel's overflow.h computes them: an overflowing product
 * or sum saturates at SIZE_MAX, which no allocation satisfies (NULL).
 */
static inline size_t shim_size_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t shim_size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define size_mul(a, b) shim_size_mul(a, b)
#define size_add(a, b) shim_size_add(a, b)
#define array_size(a, b) shim_size_mul(a, b)
#define flex_array_size(p, member, n) shim_size_mul(n, sizeof(*(p)->member))
#define struct_size(p, member, n) \
	shim_size_add(sizeof(*(p)), shim_size_mul(n, sizeof(*(p)->member)))
#define struct_size_t(type, member, n) \
	shim_size_add(sizeof(type), shim_size_mul(n, sizeof(((type *)0)->member[0])))

/* The size-based family.  Every name ends in shim_kmalloc. */
#define kmalloc(size, flags) shim_kmalloc(size, flags, SHIM_SITE)
#define kzalloc(size, flags) shim_kmalloc(size, (flags) | __GFP_ZERO, SHIM_SITE)
#define kmalloc_array(n, size, flags) shim_kmalloc(shim_size_mul(n, size), flags, SHIM_SITE)
#define kcalloc(n, size, flags) \
	shim_kmalloc(shim_size_mul(n, size), (flags) | __GFP_ZERO, SHIM_SITE)
#define kmalloc_node(size, flags, node) kmalloc(size, flags)
#define kzalloc_node(size, flags, node) kzalloc(size, flags)
#define kcalloc_node(n, size, flags, node) kcalloc(n, size, flags)
/* kvmalloc: no vmalloc fallback in the sim; the slab path is the one
 * failslab reaches in the kernel too */
#define kvmalloc(size, flags) kmalloc(size, flags)
#define kvzalloc(size, flags) kzalloc(size, flags)
#define kvmalloc_array(n, size, flags) kmalloc_array(n, size, flags)
#define kvcalloc(n, size, flags) kcalloc(n, size, flags)
#define kvmalloc_node(size, flags, node) kmalloc(size, flags)
#define kvzalloc_node(size, flags, node) kzalloc(size, flags)
void *shim_kmemdup(const void *src, size_t len, gfp_t flags, const char *site);
void *shim_krealloc(const void *p, size_t size, gfp_t flags, const char *site);
#define kmemdup(src, len, flags) shim_kmemdup(src, len, flags, SHIM_SITE)
#define kvmemdup(src, len, flags) shim_kmemdup(src, len, flags, SHIM_SITE)
#define krealloc(p, size, flags) shim_krealloc(p, size, flags, SHIM_SITE)
#define krealloc_array(p, n, size, flags) shim_krealloc(p, shim_size_mul(n, size), flags, SHIM_SITE)
#define kvrealloc(p, size, flags) shim_krealloc(p, size, flags, SHIM_SITE)
/* The models' allocations name the kernel function they stand for. */
#define kzalloc_at(size, flags, site) shim_kmalloc(size, (flags) | __GFP_ZERO, site)
#define kfree(p) shim_kfree(p)
#define kvfree(p) shim_kfree(p)
#define kfree_sensitive(p) shim_kfree(p)
#define kvfree_sensitive(p, len) shim_kfree(p)

/*
 * The typed family (7.x): NAME(VAR_OR_TYPE[, COUNT or FAM, COUNT][, GFP]),
 * GFP defaulting to GFP_KERNEL; each is the size-based call of the same
 * prefix, so that failslab and the ledger see the same site.
 *   k[v]{m,z}alloc_obj(P)       one object of P's type
 *   k[v]{m,z}alloc_objs(P, N)   an array of N
 *   k[v]{m,z}alloc_flex(P, FAM, N)  P's type with N trailing FAM elements
 * The kernel also stores N in a __counted_by() counter where the compiler
 * can name it (__builtin_counted_by_ref); gcc 12 cannot, and a kernel
 * built with it does not either.
 */
#define SHIM_GFP_(dummy, gfp, ...) gfp
#define SHIM_GFP(...) SHIM_GFP_(, ##__VA_ARGS__, GFP_KERNEL)
#define shim_alloc_objs(alloc, gfp, T, n) ((T *)alloc(shim_size_mul(sizeof(T), n), gfp))
#define shim_alloc_flex(alloc, gfp, T, fam, n) ((T *)alloc(struct_size_t(T, fam, n), gfp))

#define kmalloc_obj(P, ...) shim_alloc_objs(kmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), 1)
#define kzalloc_obj(P, ...) shim_alloc_objs(kzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), 1)
#define kvmalloc_obj(P, ...) shim_alloc_objs(kvmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), 1)
#define kvzalloc_obj(P, ...) shim_alloc_objs(kvzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), 1)
#define kmalloc_objs(P, n, ...) shim_alloc_objs(kmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), n)
#define kzalloc_objs(P, n, ...) shim_alloc_objs(kzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), n)
#define kvmalloc_objs(P, n, ...) shim_alloc_objs(kvmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), n)
#define kvzalloc_objs(P, n, ...) shim_alloc_objs(kvzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), n)
#define kmalloc_flex(P, fam, n, ...) \
	shim_alloc_flex(kmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), fam, n)
#define kzalloc_flex(P, fam, n, ...) \
	shim_alloc_flex(kzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), fam, n)
#define kvmalloc_flex(P, fam, n, ...) \
	shim_alloc_flex(kvmalloc, SHIM_GFP(__VA_ARGS__), typeof(P), fam, n)
#define kvzalloc_flex(P, fam, n, ...) \
	shim_alloc_flex(kvzalloc, SHIM_GFP(__VA_ARGS__), typeof(P), fam, n)

/* __free(kfree) and friends (linux/cleanup.h) */
#include <linux/cleanup.h>
DEFINE_FREE(kfree, void *, if (!ZERO_OR_NULL_PTR(_T)) shim_kfree(_T))
DEFINE_FREE(kvfree, void *, if (!ZERO_OR_NULL_PTR(_T)) shim_kfree(_T))

#endif

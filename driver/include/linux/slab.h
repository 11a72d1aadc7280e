/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the slab allocator.  Every allocation goes through shim/slab.c,
 * which accounts live objects (leak checks) and is where failslab hooks in.
 */
#ifndef SHIM_LINUX_SLAB_H
#define SHIM_LINUX_SLAB_H

#include <linux/types.h>

#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u
#define GFP_KERNEL_ACCOUNT GFP_KERNEL
#define __GFP_ZERO 0x100u
#define __GFP_NOWARN 0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_NOFAIL 0x8000u

void *shim_kmalloc(size_t size, gfp_t flags, const char *site);
void shim_kfree(const void *p);

#define SHIM_STR2(x) #x
#define SHIM_STR(x) SHIM_STR2(x)
#define SHIM_SITE __FILE__ ":" SHIM_STR(__LINE__)

#define kmalloc(size, flags) shim_kmalloc(size, flags, SHIM_SITE)
#define kzalloc(size, flags) shim_kmalloc(size, (flags) | __GFP_ZERO, SHIM_SITE)
#define kcalloc(n, size, flags) shim_kmalloc((n) * (size), (flags) | __GFP_ZERO, SHIM_SITE)
#define kvzalloc(size, flags) kzalloc(size, flags)
/* The models' allocations name the kernel function they stand for. */
#define kzalloc_at(size, flags, site) shim_kmalloc(size, (flags) | __GFP_ZERO, site)
#define kfree(p) shim_kfree(p)
#define kvfree(p) shim_kfree(p)
#define kfree_sensitive(p) shim_kfree(p)

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* The allocator's ledger and its failure hook (shim/slab.c). */
#ifndef SIM_SLAB_H
#define SIM_SLAB_H

#include <stddef.h>

typedef bool (*shim_slab_fail_fn)(size_t size, unsigned int gfp, const char *site);
extern shim_slab_fail_fn shim_slab_should_fail;

/* The failslab decision alone, for an allocation the model makes
 * outside the ledger (the kernel's kmalloc-NN size classes). */
bool shim_slab_fault(size_t size, unsigned int gfp, const char *site);
unsigned long shim_slab_live(void);
/* the live object holding p: its start, size and allocation site */
bool shim_slab_find(const void *p, const void **base, size_t *size, const char **site);
/* a reference held by the harness: the object is not a leak while pinned */
void shim_slab_pin(const void *p, int delta);
unsigned long shim_slab_mark(void);
/* Reports every object allocated after mark `since` and still live. */
int shim_slab_report_leaks(unsigned long since, const char *context);

#endif

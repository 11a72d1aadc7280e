/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference ledger (shim/ref.c): every reference taken on a counted
 * object (a KVM, a vfio device or its registration, an eventfd context, a
 * module, a debug feature) is recorded with the stack that took it, and
 * dropped at the put.  A reference is the driver's when the function that
 * called the get is the driver's code; the models' own references are
 * recorded too, so that a put by the driver never drops a model's entry.
 *
 * At each teardown point the models ask the ledger what the driver still
 * holds there (the guest stopped, the vfio device's last close, the mdev
 * removed, rmmod), and each leftover becomes a finding "leak: NOUN held
 * after POINT" with an "acquired by:" section: the stack that took it.
 * Each leftover is reported once.
 *
 * Pins and GISC registrations have their own ledger with their queue's
 * history (sim/origin.h).
 */
#ifndef SIM_REF_H
#define SIM_REF_H

#include <stdbool.h>

enum sim_ref_kind {
	SIM_REF_KVM,		/* kvm_get_kvm / kvm_put_kvm */
	SIM_REF_VFIO_DEVICE,	/* vfio_alloc_device's reference / vfio_put_device */
	SIM_REF_VFIO_REG,	/* vfio_register_*_dev / vfio_unregister_group_dev */
	SIM_REF_EVENTFD,	/* eventfd_ctx_fdget / eventfd_ctx_put */
	SIM_REF_MODULE,		/* try_module_get / module_put */
	SIM_REF_DEBUG,		/* debug_register / debug_unregister */
	SIM_REF_KINDS
};

#define SIM_REF_ALL ((1u << SIM_REF_KINDS) - 1)
#define SIM_REF_BIT(kind) (1u << (kind))

/*
 * A reference of kind on obj, taken by the caller of the function that
 * calls this (the get: kvm_get_kvm and the like); caller is that
 * function's return address (__builtin_return_address(0)).  owner: the
 * object whose teardown the reference must not outlive; NULL for the
 * task's current scope (sim_ref_scope).
 */
void sim_ref_get(enum sim_ref_kind kind, const void *obj, const void *owner, const void *caller);
/* The put: drops the newest reference on obj taken by the same side
 * (driver or model) as the caller, else the newest one. */
void sim_ref_put(enum sim_ref_kind kind, const void *obj, const void *caller);
/* References the driver takes on this task from now on belong to owner
 * (a vfio device while the driver serves its file); gives back the
 * scope to restore.  The scope is the task's (struct task), not the
 * thread's: deterministic tasks share one thread. */
const void *sim_ref_scope(const void *owner);

/* The ledger's position now: what is taken after it is newer. */
unsigned long sim_ref_mark(void);
/*
 * The teardown check: reports each reference of the kinds in mask that
 * the driver still holds on obj (obj NULL: any), that belongs to owner
 * (owner NULL: any) and was taken after mark since (0: any), not
 * reported before; point ends the title ("the guest stopped"), context
 * heads the report, cause (NULL: none) ends it as a "cause:" line (what
 * the model knows of why).  Returns how many.
 */
int sim_ref_check(unsigned int mask, const void *obj, const void *owner, unsigned long since,
		  const char *point, const char *context, const char *cause);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: user copies.  The sim's "user" buffers are ordinary memory of the
 * VMM model; a copy from an address the VMM did not hand in fails with
 * bytes not copied, like a fault.
 */
#ifndef SHIM_LINUX_UACCESS_H
#define SHIM_LINUX_UACCESS_H

#include <linux/types.h>

unsigned long shim_copy_user(void *to, const void *from, unsigned long n, bool from_user);
#define copy_from_user(to, from, n) shim_copy_user(to, from, n, true)
#define copy_to_user(to, from, n) shim_copy_user(to, from, n, false)
#define get_user(x, ptr) \
	(shim_copy_user(&(x), ptr, sizeof(*(ptr)), true) ? -EFAULT : 0)

#endif

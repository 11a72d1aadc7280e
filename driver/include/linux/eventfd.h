/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: eventfd contexts over real eventfd(2) file descriptors of this
 * process (shim/eventfd.c), refcounted as the kernel does.
 */
#ifndef SHIM_LINUX_EVENTFD_H
#define SHIM_LINUX_EVENTFD_H

#include <linux/version.h>
#include <linux/types.h>

struct eventfd_ctx;

struct eventfd_ctx *eventfd_ctx_fdget(int fd);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
void eventfd_signal(struct eventfd_ctx *ctx);
#else
__u64 eventfd_signal(struct eventfd_ctx *ctx, __u64 n);
#endif

#endif

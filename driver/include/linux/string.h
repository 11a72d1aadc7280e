/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: string helpers; the C library supplies the standard ones. */
#ifndef SHIM_LINUX_STRING_H
#define SHIM_LINUX_STRING_H

#include <linux/kernel.h>
#include <linux/slab.h>
#include <string.h>

char *kstrndup(const char *s, size_t max, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: string helpers; the C library supplies the standard ones. */
#ifndef SHIM_LINUX_STRING_H
#define SHIM_LINUX_STRING_H

#include <linux/kernel.h>
#include <linux/slab.h>
#include <string.h>

char *shim_kstrndup(const char *s, size_t max, gfp_t gfp, const char *site);
#define kstrndup(s, max, gfp) shim_kstrndup(s, max, gfp, SHIM_SITE)
#define kstrdup(s, gfp) shim_kstrndup(s, SIZE_MAX, gfp, SHIM_SITE)

#endif

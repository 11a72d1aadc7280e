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
#define kstrdup_const(s, gfp) kstrdup(s, gfp)
#define kfree_const(p) kfree(p)

#ifdef SIM_DRIVER_UNIT
#include <sim/race.h>
/* what the C library copies and fills for the driver is the driver's
 * access (the lockset detector, sim/race.h) */
static inline void *sim_memcpy(void *d, const void *s, size_t n)
{
	sim_race_check(s, n, false);
	sim_race_check(d, n, true);
	return __builtin_memcpy(d, s, n);
}

static inline void *sim_memmove(void *d, const void *s, size_t n)
{
	sim_race_check(s, n, false);
	sim_race_check(d, n, true);
	return __builtin_memmove(d, s, n);
}

static inline void *sim_memset(void *d, int c, size_t n)
{
	sim_race_check(d, n, true);
	return __builtin_memset(d, c, n);
}
#define memcpy(d, s, n) sim_memcpy(d, s, n)
#define memmove(d, s, n) sim_memmove(d, s, n)
#define memset(d, c, n) sim_memset(d, c, n)
#endif

/* the rest of the family the show and store paths draw on */
#include <stdarg.h>
#include <sys/types.h>
ssize_t strscpy(char *dst, const char *src, size_t size);
#define strscpy_pad(dst, src, size) \
	({ memset(dst, 0, size); strscpy(dst, src, size); })
char *skip_spaces(const char *s);
char *strim(char *s);
#define strstrip(s) strim(s)
bool sysfs_streq(const char *a, const char *b);
static inline size_t str_has_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? n : 0;
}
#define strstarts(s, prefix) (str_has_prefix(s, prefix) != 0)
char *shim_kvasprintf(gfp_t gfp, const char *site, const char *fmt, va_list ap);
char *shim_kasprintf(gfp_t gfp, const char *site, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define kasprintf(gfp, ...) shim_kasprintf(gfp, SHIM_SITE, __VA_ARGS__)
#define kvasprintf(gfp, fmt, ap) shim_kvasprintf(gfp, SHIM_SITE, fmt, ap)
void *shim_memdup_user(const void __user *src, size_t len, bool nul, const char *site);
#define memdup_user(src, len) shim_memdup_user(src, len, false, SHIM_SITE)
#define memdup_user_nul(src, len) shim_memdup_user(src, len, true, SHIM_SITE)

#endif

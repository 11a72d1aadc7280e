/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim: the grab-bag of <linux/kernel.h>, <linux/printk.h>, <linux/bug.h>,
 * <linux/err.h> and <linux/kstrtox.h> as the driver reaches them.
 */
#ifndef SHIM_LINUX_KERNEL_H
#define SHIM_LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Kernel-internal errnos that never reach userspace as such. */
#define ERESTARTSYS 512
#define ENOTSUPP 524

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define HZ 100

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }

/* Kernel log (shim/log.c): lines in the kernel's format. */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

__printf(1, 2) int printk(const char *fmt, ...);
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { } while (0)
/* Rate limiting in the kernel keeps the log readable; the sim logs every line. */
#define pr_notice_ratelimited(fmt, ...) pr_notice(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) pr_warn(fmt, ##__VA_ARGS__)

/* WARN family: a kernel-format WARNING report, returning the condition. */
__printf(4, 5) void shim_warn(const char *file, int line, const char *func,
			      const char *fmt, ...);
#define WARN(cond, fmt, ...) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		shim_warn(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__); \
	unlikely(__c);							\
})
#define WARN_ON(cond) WARN(cond, "WARN_ON(%s)", #cond)
#define WARN_ONCE(cond, fmt, ...) ({					\
	static bool __warned;						\
	bool __c = !!(cond);						\
	if (unlikely(__c) && !__warned) {				\
		__warned = true;					\
		shim_warn(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__); \
	}								\
	unlikely(__c);							\
})
#define WARN_ON_ONCE(cond) WARN_ONCE(cond, "WARN_ON_ONCE(%s)", #cond)
void shim_bug(const char *file, int line) __attribute__((noreturn));
#define BUG() shim_bug(__FILE__, __LINE__)
#define BUG_ON(cond) do { if (unlikely(cond)) BUG(); } while (0)

/* kstrtox: the kernel's parsing rules (base 0: 0x hex, leading 0 octal). */
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtol(const char *s, unsigned int base, long *res);
int kstrtou8(const char *s, unsigned int base, u8 *res);
int kstrtou16(const char *s, unsigned int base, u16 *res);
int kstrtos8(const char *s, unsigned int base, s8 *res);
int kstrtos16(const char *s, unsigned int base, s16 *res);
#define kstrtou32(s, base, res) kstrtouint(s, base, res)
#define kstrtos32(s, base, res) kstrtoint(s, base, res)
#define kstrtou64(s, base, res) kstrtoull(s, base, (unsigned long long *)(res))
#define kstrtos64(s, base, res) kstrtoll(s, base, (long long *)(res))
int kstrtobool(const char *s, bool *res);
#define strtobool(s, res) kstrtobool(s, res)
int kstrtoul_from_user(const char __user *s, size_t count, unsigned int base, unsigned long *res);
int kstrtouint_from_user(const char __user *s, size_t count, unsigned int base, unsigned int *res);
int kstrtobool_from_user(const char __user *s, size_t count, bool *res);
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);

/* Byte order: the sim runs little-endian; __le values need no swapping. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline u32 le32_to_cpup(const __le32 *p) { return (u32)*p; }
static inline u16 le16_to_cpup(const __le16 *p) { return (u16)*p; }
#else
static inline u32 le32_to_cpup(const __le32 *p) { return __builtin_bswap32((u32)*p); }
static inline u16 le16_to_cpup(const __le16 *p) { return __builtin_bswap16((u16)*p); }
#endif

int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif

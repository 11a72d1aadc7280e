// SPDX-License-Identifier: GPL-2.0
/*
 * Small kernel library pieces with the kernel's semantics: number parsing
 * (kstrtox rules), UUID parsing, MSB-0 bit search, string duplication,
 * module references, the facility list, user copies and sysfs_emit.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/string.h>
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/uuid.h>
#include <linux/uaccess.h>
#include <linux/device.h>
#include <asm/facility.h>
#include <sim/ref.h>
#include <sim/report.h>

static const char *fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if (tolower((unsigned char)s[1]) == 'x' &&
			    isxdigit((unsigned char)s[2]))
				*base = 16;
			else
				*base = 8;
		} else {
			*base = 10;
		}
	}
	if (*base == 16 && s[0] == '0' && tolower((unsigned char)s[1]) == 'x')
		s += 2;
	return s;
}

/* Digits are parsed until the first non-digit; returns how many. */
static int parse_digits(const char *s, unsigned int base, unsigned long long *res,
			bool *overflow)
{
	unsigned long long v = 0;
	int n = 0;

	*overflow = false;
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (tolower(c) >= 'a' && tolower(c) <= 'f')
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			*overflow = true;
		v = v * base + d;
	}
	*res = v;
	return n;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v;
	bool overflow;
	int n;

	if (s[0] == '+')
		s++;
	s = fixup_radix(s, &base);
	n = parse_digits(s, base, &v, &overflow);
	if (n == 0)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int rc = kstrtoull(s, base, &v);

	if (!rc)
		*res = (unsigned long)v;
	return rc;
}

/* The rest of the kstrtox family, each a range check on kstrtoull/ll. */
int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int rc;

	if (s[0] == '-') {
		rc = kstrtoull(s + 1, base, &v);
		if (rc)
			return rc;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
		return 0;
	}
	rc = kstrtoull(s, base, &v);
	if (rc)
		return rc;
	if (v > LLONG_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

#define SHIM_KSTRTO_U(name, type, max)					\
int name(const char *s, unsigned int base, type *res)			\
{									\
	unsigned long long v;						\
	int rc = kstrtoull(s, base, &v);				\
									\
	if (rc)								\
		return rc;						\
	if (v > (max))							\
		return -ERANGE;						\
	*res = (type)v;							\
	return 0;							\
}
#define SHIM_KSTRTO_S(name, type, min, max)				\
int name(const char *s, unsigned int base, type *res)			\
{									\
	long long v;							\
	int rc = kstrtoll(s, base, &v);					\
									\
	if (rc)								\
		return rc;						\
	if (v < (min) || v > (max))					\
		return -ERANGE;						\
	*res = (type)v;							\
	return 0;							\
}
SHIM_KSTRTO_U(kstrtouint, unsigned int, UINT32_MAX)
SHIM_KSTRTO_S(kstrtoint, int, INT32_MIN, INT32_MAX)
SHIM_KSTRTO_U(kstrtou8, u8, UINT8_MAX)
SHIM_KSTRTO_U(kstrtou16, u16, UINT16_MAX)
SHIM_KSTRTO_S(kstrtol, long, LONG_MIN, LONG_MAX)
SHIM_KSTRTO_S(kstrtos8, s8, INT8_MIN, INT8_MAX)
SHIM_KSTRTO_S(kstrtos16, s16, INT16_MIN, INT16_MAX)

/* y/Y/1 true, n/N/0 false, "on"/"off"; what follows the first two is not read */
int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (tolower((unsigned char)s[1]) == 'n') {
			*res = true;
			return 0;
		}
		if (tolower((unsigned char)s[1]) == 'f') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/* the *_from_user forms copy at most a small buffer's worth first */
static int copy_number(char *buf, size_t size, const char __user *s, size_t count)
{
	count = count < size - 1 ? count : size - 1;
	if (copy_from_user(buf, s, count))
		return -EFAULT;
	buf[count] = 0;
	return 0;
}

int kstrtoul_from_user(const char __user *s, size_t count, unsigned int base, unsigned long *res)
{
	char buf[32];

	return copy_number(buf, sizeof(buf), s, count) ?: kstrtoul(buf, base, res);
}

int kstrtouint_from_user(const char __user *s, size_t count, unsigned int base, unsigned int *res)
{
	char buf[32];

	return copy_number(buf, sizeof(buf), s, count) ?: kstrtouint(buf, base, res);
}

int kstrtobool_from_user(const char __user *s, size_t count, bool *res)
{
	char buf[8];

	return copy_number(buf, sizeof(buf), s, count) ?: kstrtobool(buf, res);
}

/* String helpers of the show and store paths. */
ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (ssize_t)len;
}

char *skip_spaces(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return (char *)s;
}

char *strim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return skip_spaces(s);
}

/* equal, but for one trailing newline on either side */
bool sysfs_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	if (*a == *b)
		return true;
	if (*a == '\n' && a[1] == 0 && *b == 0)
		return true;
	return *b == '\n' && b[1] == 0 && *a == 0;
}

char *shim_kvasprintf(gfp_t gfp, const char *site, const char *fmt, va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	p = shim_kmalloc((size_t)n + 1, gfp, site);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *shim_kasprintf(gfp_t gfp, const char *site, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = shim_kvasprintf(gfp, site, fmt, ap);
	va_end(ap);
	return p;
}

void *shim_memdup_user(const void __user *src, size_t len, bool nul, const char *site)
{
	char *p = shim_kmalloc(len + nul, GFP_KERNEL, site);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		shim_kfree(p);
		return ERR_PTR(-EFAULT);
	}
	if (nul)
		p[len] = 0;
	return p;
}

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	unsigned long long v;
	bool overflow;
	int n;

	cp = fixup_radix(cp, &base);
	n = parse_digits(cp, base, &v, &overflow);
	if (endp)
		*endp = (char *)cp + n;
	return (unsigned long)v;
}

int guid_parse(const char *uuid, guid_t *u)
{
	static const int idx[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const int pos[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };
	int i;

	if (uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-')
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		const char *p = uuid + pos[i];
		unsigned int hi, lo;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return -EINVAL;
		hi = isdigit((unsigned char)p[0]) ? p[0] - '0' : tolower(p[0]) - 'a' + 10;
		lo = isdigit((unsigned char)p[1]) ? p[1] - '0' : tolower(p[1]) - 'a' + 10;
		u->b[idx[i]] = (u8)(hi << 4 | lo);
	}
	return 0;
}

char *shim_kstrndup(const char *s, size_t max, gfp_t gfp, const char *site)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = shim_kmalloc(len + 1, gfp, site);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = 0;
	}
	return buf;
}

/*
 * A word at a time: the driver walks its 256-bit masks on every store
 * (for_each_set_bit_inv over apm, aqm and adm), so a bit-by-bit loop was
 * a third of a store's cost.  Each word is read once, atomically as
 * test_bit reads it.  MSB-0: bit nr is bit (63 - nr % 64) of its word, so
 * the bits at or after an offset are the word's high bits from there down
 * and the first set one is its count of leading zeros.
 */
unsigned long find_next_bit_inv(const unsigned long *addr, unsigned long size,
				unsigned long offset)
{
	unsigned long w, bit;

	while (offset < size) {
		sim_uninit_check(&addr[BIT_WORD(offset)], 1);
		w = __atomic_load_n(&addr[BIT_WORD(offset)], __ATOMIC_RELAXED) &
		    (~0UL >> (offset % BITS_PER_LONG));
		if (w) {
			bit = offset - offset % BITS_PER_LONG + (unsigned long)__builtin_clzl(w);
			return bit < size ? bit : size;
		}
		offset += BITS_PER_LONG - offset % BITS_PER_LONG;
	}
	return size;
}

/* LSB-0: the bits at or after an offset are the low bits from there up. */
unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset)
{
	unsigned long w, bit;

	while (offset < size) {
		sim_uninit_check(&addr[BIT_WORD(offset)], 1);
		w = __atomic_load_n(&addr[BIT_WORD(offset)], __ATOMIC_RELAXED) &
		    (~0UL << (offset % BITS_PER_LONG));
		if (w) {
			bit = offset - offset % BITS_PER_LONG + (unsigned long)__builtin_ctzl(w);
			return bit < size ? bit : size;
		}
		offset += BITS_PER_LONG - offset % BITS_PER_LONG;
	}
	return size;
}

/* state: 0 live, 1 coming, 2 going, 3 not loaded */
struct module shim_vfio_ap_module = { .name = "vfio_ap", .state = 3 };

/*
 * The count holds a base of 1 while the module is loaded, as the kernel's
 * MODULE_REF_BASE: a get succeeds unless the count is 0, and rmmod stops
 * the module only by taking the count from exactly the base to 0.  So a
 * get racing an rmmod either keeps the module or fails, never both.
 */
bool try_module_get(struct module *m)
{
	int v;

	if (!m)
		return true;
	v = __atomic_load_n(&m->refcnt, __ATOMIC_SEQ_CST);
	do {
		if (v <= 0 || __atomic_load_n(&m->state, __ATOMIC_SEQ_CST) >= 2)
			return false;
	} while (!__atomic_compare_exchange_n(&m->refcnt, &v, v + 1, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	sim_ref_get(SIM_REF_MODULE, m, NULL, __builtin_return_address(0));
	return true;
}

void module_put(struct module *m)
{
	if (m)
		sim_ref_put(SIM_REF_MODULE, m, __builtin_return_address(0));
	if (m && __atomic_sub_fetch(&m->refcnt, 1, __ATOMIC_SEQ_CST) < 1)
		sim_report("WARNING in module_put", "module %s: refcount underflow\n", m->name);
}

bool shim_module_try_stop(struct module *m)
{
	int base = 1;

	return __atomic_compare_exchange_n(&m->refcnt, &base, 0, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

bool shim_test_facility(unsigned long nr)
{
	/* QCI (12), APFT (15) and AQIC (65) are installed on the simulated machine. */
	return nr == 12 || nr == 15 || nr == 65;
}

unsigned long shim_copy_user(void *to, const void *from, unsigned long n, bool from_user)
{
	(void)from_user;
	if (!to || !from)
		return n;
	memcpy(to, from, n);
	return 0;
}

static bool page_aligned(const char *buf)
{
	return ((uintptr_t)buf & (PAGE_SIZE - 1)) == 0;
}

int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (WARN(!buf || !page_aligned(buf), "invalid sysfs_emit: buf:%p\n", buf))
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	return n < (int)PAGE_SIZE ? n : (int)PAGE_SIZE - 1;
}

int sysfs_emit_at(char *buf, int at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (WARN(!buf || !page_aligned(buf) || at < 0 || at >= (int)PAGE_SIZE,
		 "invalid sysfs_emit_at: buf:%p at:%d\n", buf, at))
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf + at, PAGE_SIZE - at, fmt, ap);
	va_end(ap);
	return n < (int)PAGE_SIZE - at ? n : (int)PAGE_SIZE - at - 1;
}

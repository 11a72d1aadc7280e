// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's AP formats: 256-bit masks as apmask shows them, APQNs,
 * the mdev's matrix text.  Pure functions, no host (abi.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "abi.h"

int vap_mask_weight(const struct vap_mask *m)
{
	int i, n = 0;

	for (i = 0; i < VAP_BITS; i++)
		n += vap_mask_test(m, i);
	return n;
}

bool vap_mask_subset(const struct vap_mask *a, const struct vap_mask *b)
{
	size_t i;

	for (i = 0; i < VAP_LONGS; i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

int vap_mask_parse(const char *s, struct vap_mask *m)
{
	int bit = 0;

	memset(m, 0, sizeof(*m));
	while (isspace((unsigned char)*s))
		s++;
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	for (s += 2; isxdigit((unsigned char)*s); s++) {
		int v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		int k;

		if (bit >= VAP_BITS)
			return -EINVAL;
		/* the leftmost bit of the leftmost digit is number 0 */
		for (k = 0; k < 4; k++, bit++)
			if (v & (8 >> k))
				vap_mask_set(m, bit);
	}
	while (isspace((unsigned char)*s))
		s++;
	return *s || bit == 0 ? -EINVAL : 0;
}

void vap_mask_format(const struct vap_mask *m, char *buf, size_t len)
{
	int d, k;

	if (len < 67)
		return;
	buf[0] = '0';
	buf[1] = 'x';
	for (d = 0; d < VAP_BITS / 4; d++) {
		int v = 0;

		for (k = 0; k < 4; k++)
			if (vap_mask_test(m, d * 4 + k))
				v |= 8 >> k;
		buf[2 + d] = "0123456789abcdef"[v];
	}
	buf[2 + VAP_BITS / 4] = 0;
}

static int hexnum(const char *s, size_t n, int max)
{
	int v = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
		if (v > max)
			return -1;
	}
	return v;
}

int vap_apqn_parse(const char *s, int *adapter, int *domain)
{
	const char *dot = strchr(s, '.');
	size_t rest;

	if (!dot)
		return -EINVAL;
	rest = strcspn(dot + 1, " \t\n");
	if (dot[1 + rest] && !isspace((unsigned char)dot[1 + rest]))
		return -EINVAL;
	*adapter = hexnum(s, dot - s, 255);
	*domain = hexnum(dot + 1, rest, 255);
	return *adapter < 0 || *domain < 0 ? -EINVAL : 0;
}

int vap_matrix_parse(const char *text, struct vap_matrix *m)
{
	const char *p = text;

	memset(m, 0, sizeof(*m));
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *dot = memchr(p, '.', n);
		int a = -1, d = -1;

		if (n == 0) {
			p++;
			continue;
		}
		if (!dot)
			return -EINVAL;
		if (dot > p && (a = hexnum(p, dot - p, 255)) < 0)
			return -EINVAL;
		if (dot + 1 < p + n && (d = hexnum(dot + 1, p + n - dot - 1, 255)) < 0)
			return -EINVAL;
		if (a < 0 && d < 0)
			return -EINVAL;
		if (a >= 0)
			vap_mask_set(&m->apm, a);
		if (d >= 0)
			vap_mask_set(&m->aqm, d);
		p += n;
	}
	return 0;
}

bool vap_matrix_has(const struct vap_matrix *m, int adapter, int domain)
{
	return vap_mask_test(&m->apm, adapter) && vap_mask_test(&m->aqm, domain);
}

void vap_apqn_format(int adapter, int domain, char *buf, size_t len)
{
	snprintf(buf, len, "%02x.%04x", adapter & 0xff, domain & 0xffff);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's AP formats (masks, APQNs, matrices) and the helpers over
 * the mdev and AP-bus files, shared by both hosts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "internal.h"

#define LBITS (8 * sizeof(unsigned long))

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

int vap_mdev_create(struct vap_host *h, char *uuid)
{
	unsigned char r[16];
	int rc;

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -EIO;
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* variant 1 */
	snprintf(uuid, VAP_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
		 r[12], r[13], r[14], r[15]);
	rc = vap_write(h, VAP_TYPE_DIR "/create", uuid);
	if (rc)
		uuid[0] = 0;
	return rc;
}

int vap_mdev_remove(struct vap_host *h, const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/remove", uuid);
	return vap_write(h, path, "1");
}

static int assign(struct vap_host *h, const char *uuid, const char *op, const char *what, int id)
{
	char path[256];

	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/%s_%s", uuid, op, what);
	return vap_writef(h, path, "%d", id);
}

int vap_mdev_assign(struct vap_host *h, const char *uuid, const char *what, int id)
{
	return assign(h, uuid, "assign", what, id);
}

int vap_mdev_unassign(struct vap_host *h, const char *uuid, const char *what, int id)
{
	return assign(h, uuid, "unassign", what, id);
}

int vap_mdev_matrix(struct vap_host *h, const char *uuid, const char *attr, struct vap_matrix *m)
{
	/* a 256x256 matrix is 576 KiB of text: not on a task's stack, and
	 * not thread-local (the sim's deterministic tasks share one thread) */
	size_t len = 1 << 20;
	char path[256], *buf = malloc(len);
	ssize_t n;
	int rc;

	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/%s", uuid, attr);
	n = vap_read(h, path, buf, len);
	rc = n < 0 ? (int)n : vap_matrix_parse(buf, m);
	free(buf);
	return rc;
}

static bool is_uuid(const char *s)
{
	int i;

	for (i = 0; i < VAP_UUID_LEN; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return s[VAP_UUID_LEN] == 0;
}

int vap_mdev_list(struct vap_host *h, char ***uuids)
{
	char **names;
	int n = vap_list(h, VAP_MATRIX_DIR, &names), i, k = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (is_uuid(names[i]))
			names[k++] = names[i];
		else
			free(names[i]);
	}
	names[k] = NULL;
	*uuids = names;
	return k;
}

long vap_available_instances(struct vap_host *h)
{
	char buf[64];
	ssize_t n = vap_read(h, VAP_TYPE_DIR "/available_instances", buf, sizeof(buf));

	return n < 0 ? n : strtol(buf, NULL, 10);
}

bool vap_queue_bound(struct vap_host *h, int adapter, int domain)
{
	char path[128];

	snprintf(path, sizeof(path), VAP_DRV_DIR "/%02x.%04x", adapter, domain);
	return vap_exists(h, path);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers over the mdev and AP-bus files, shared by both hosts (the
 * formats they read are abi/'s).
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

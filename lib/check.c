// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle through the ABI, the same on both hosts: the mdevs' matrices
 * and the queues' bindings read from sysfs, the guests' reach from the
 * guests, and the kernel log scanned for the kernel's report formats.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* The first line of each report the kernel prints in these formats. */
static const char *const signatures[] = {
	"WARNING: possible circular locking dependency detected",
	"WARNING: possible recursive locking detected",
	"WARNING: bad unlock balance detected",
	"WARNING: lock held when returning to user space",
	"WARNING: lock held when returning from",
	"WARNING: lockdep_assert_held failed",
	"WARNING: held lock freed",
	"blocked for more than",
	"WARNING: CPU:",
	"kernel BUG at",
	"BUG: ",
	"general protection fault",
	"Unable to handle kernel",
	"list_add corruption",
	"list_del corruption",
	"refcount_t:",
	"kmemleak: ",
};

int vap_log_scan(const char *log, FILE *out)
{
	const char *p = log;
	int n = 0;

	while (p && *p) {
		size_t len = strcspn(p, "\n");
		size_t i;

		for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
			const char *hit = memmem(p, len, signatures[i], strlen(signatures[i]));

			if (hit) {
				n++;
				if (out)
					fprintf(out, "log: %.*s\n", (int)(len - (hit - p)), hit);
				break;
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return n;
}

static int finding(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int finding(FILE *out, const char *fmt, ...)
{
	va_list ap;

	if (out) {
		va_start(ap, fmt);
		vfprintf(out, fmt, ap);
		va_end(ap);
		fputc('\n', out);
	}
	return 1;
}

static bool bound_test(void *ctx, int a, int d)
{
	const unsigned char *bound = ctx;

	return bound[(a * VAP_BITS + d) / 8] >> ((a * VAP_BITS + d) % 8) & 1;
}

/* a violation as the oracle's line: its title, then the instance (the
 * sim reports the same under the same title: one finding) */
static void violation_line(void *arg, const char *title, const char *line)
{
	FILE *out = arg;

	if (out)
		fprintf(out, "%s: %s\n", title, line);
}

int vap_check(struct vap_host *h, size_t mark, FILE *out)
{
	unsigned char *bound;
	struct vap_matrix m[64], g;
	char **uuids;
	int n, i, a, d, bad = 0;
	size_t k;
	char *log;

	vap_settle(h);
	/* the queues bound to vfio_ap, listed once (not a lookup per APQN:
	 * a 256x256 host has 65536) */
	bound = calloc(1, VAP_BITS * VAP_BITS / 8);
	if (!bound)
		return finding(out, "oracle: out of memory");
	{
		char **names;
		int nq = vap_list(h, VAP_DRV_DIR, &names), q;

		for (q = 0; q < nq; q++)
			if (!vap_apqn_parse(names[q], &a, &d))
				bound[(a * VAP_BITS + d) / 8] |= (unsigned char)(1 << ((a * VAP_BITS + d) % 8));
		if (nq >= 0)
			vap_free_list(names);
	}
	n = vap_mdev_list(h, &uuids);
	if (n < 0) {
		free(bound);
		return finding(out, "oracle: cannot list %s: %s", VAP_MATRIX_DIR, strerror(-n));
	}
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		if (vap_mdev_matrix(h, uuids[i], "matrix", &m[i]) ||
		    vap_mdev_matrix(h, uuids[i], "guest_matrix", &g)) {
			bad += finding(out, "oracle: mdev %s: matrix or guest_matrix unreadable", uuids[i]);
			memset(&m[i], 0, sizeof(m[i]));
			continue;
		}
		bad += vap_inv_guest_within(uuids[i], &m[i], &g, NULL, violation_line, out);
		bad += vap_inv_guest_bound(uuids[i], &g, bound_test, bound, violation_line, out);
		/* a running guest reaches exactly its guest_matrix */
		for (k = 0; k < sizeof(h->guests) / sizeof(h->guests[0]); k++) {
			struct vap_matrix r;
			int rc;

			if (!h->guests[k].name[0] || strcmp(h->guests[k].uuid, uuids[i]))
				continue;
			rc = vap_guest_reach(h, h->guests[k].name, &r);
			if (rc != -EOPNOTSUPP)
				bad += vap_inv_guest_reach(h->guests[k].name, uuids[i], rc, &r, &g,
							   violation_line, out);
		}
	}
	bad += vap_inv_exclusive(n, uuids, m, violation_line, out);
	vap_free_list(uuids);
	free(bound);
	/* the host's own checks, then the kernel log */
	bad += backend_check(h, out);
	if (h->kind != VAP_SIM) {
		log = vap_log_since(h, mark);
		bad += vap_log_scan(log, out);
		free(log);
	}
	return bad;
}

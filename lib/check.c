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

/* The same APQNs (adapters x domains): an adapter without a domain
 * gives none, whatever the masks say. */
static bool same_apqns(const struct vap_matrix *x, const struct vap_matrix *y)
{
	int a, d;

	for (a = 0; a < VAP_BITS; a++)
		for (d = 0; d < VAP_BITS; d++)
			if (vap_matrix_has(x, a, d) != vap_matrix_has(y, a, d))
				return false;
	return true;
}

static bool bound_test(const unsigned char *bound, int a, int d)
{
	return bound[(a * VAP_BITS + d) / 8] >> ((a * VAP_BITS + d) % 8) & 1;
}

int vap_check(struct vap_host *h, size_t mark, FILE *out)
{
	unsigned char *bound;
	struct vap_matrix m[64], g;
	char **uuids;
	int n, i, j, a, d, bad = 0;
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
		/* consistency: guest_matrix within matrix */
		if (!vap_mask_subset(&g.apm, &m[i].apm) || !vap_mask_subset(&g.aqm, &m[i].aqm))
			bad += finding(out, "consistency: mdev %s: guest_matrix not within matrix", uuids[i]);
		/* isolation: everything the guest may be given is bound to vfio_ap */
		for (a = 0; a < VAP_BITS; a++) {
			if (!vap_mask_test(&g.apm, a))
				continue;
			for (d = 0; d < VAP_BITS; d++)
				if (vap_mask_test(&g.aqm, d) && !bound_test(bound, a, d))
					bad += finding(out, "isolation: mdev %s: guest_matrix has %02x.%04x, not bound to vfio_ap",
						       uuids[i], a, d);
		}
		/* a running guest reaches exactly its guest_matrix */
		for (k = 0; k < sizeof(h->guests) / sizeof(h->guests[0]); k++) {
			struct vap_matrix r;
			int rc;

			if (!h->guests[k].name[0] || strcmp(h->guests[k].uuid, uuids[i]))
				continue;
			rc = vap_guest_reach(h, h->guests[k].name, &r);
			if (rc == -EOPNOTSUPP)
				continue;
			if (rc || !same_apqns(&r, &g))
			{
				char ga[67], gq[67], ra[67], rq[67];

				vap_mask_format(&g.apm, ga, sizeof(ga));
				vap_mask_format(&g.aqm, gq, sizeof(gq));
				vap_mask_format(&r.apm, ra, sizeof(ra));
				vap_mask_format(&r.aqm, rq, sizeof(rq));
				bad += finding(out, "consistency: guest %s reaches other APQNs than guest_matrix of %s (rc %d): guest_matrix apm %.10s aqm %.10s, reached apm %.10s aqm %.10s",
					       h->guests[k].name, uuids[i], rc, ga, gq, ra, rq);
			}
		}
	}
	/* exclusivity: no APQN in two mdevs */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			for (a = 0; a < VAP_BITS; a++) {
				if (!vap_mask_test(&m[i].apm, a) || !vap_mask_test(&m[j].apm, a))
					continue;
				for (d = 0; d < VAP_BITS; d++)
					if (vap_mask_test(&m[i].aqm, d) && vap_mask_test(&m[j].aqm, d))
						bad += finding(out, "exclusivity: %02x.%04x in mdevs %s and %s",
							       a, d, uuids[i], uuids[j]);
			}
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

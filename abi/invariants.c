// SPDX-License-Identifier: GPL-2.0
/*
 * The invariants of DESIGN.md that every host must keep, as pure
 * functions over what the host answered (abi.h): lib/'s oracle calls them
 * on what it read through sysfs, the simulated host on what its own
 * sysfs answers, each with its own way to report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "abi.h"

static int violation(vap_violation_fn fn, void *arg, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int violation(vap_violation_fn fn, void *arg, const char *title, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fn(arg, title, line);
	return 1;
}

int vap_inv_guest_within(const char *uuid, const struct vap_matrix *matrix,
			 const struct vap_matrix *guest, const struct vap_matrix *cfg,
			 vap_violation_fn fn, void *arg)
{
	int i, bad = 0;

	for (i = 0; i < VAP_BITS; i++) {
		if (vap_mask_test(&guest->apm, i) &&
		    (!vap_mask_test(&matrix->apm, i) || (cfg && !vap_mask_test(&cfg->apm, i))))
			bad += violation(fn, arg, VAP_INV_GUEST_ADAPTER,
					 "mdev %s: adapter %02x in guest_matrix but not in %s",
					 uuid, i, !vap_mask_test(&matrix->apm, i) ? "matrix" : "the host configuration");
		if (vap_mask_test(&guest->aqm, i) &&
		    (!vap_mask_test(&matrix->aqm, i) || (cfg && !vap_mask_test(&cfg->aqm, i))))
			bad += violation(fn, arg, VAP_INV_GUEST_DOMAIN,
					 "mdev %s: domain %04x in guest_matrix but not in %s",
					 uuid, i, !vap_mask_test(&matrix->aqm, i) ? "matrix" : "the host configuration");
	}
	return bad;
}

int vap_inv_guest_bound(const char *uuid, const struct vap_matrix *guest,
			bool (*bound)(void *ctx, int adapter, int domain), void *ctx,
			vap_violation_fn fn, void *arg)
{
	int a, d, bad = 0;

	for (a = 0; a < VAP_BITS; a++) {
		if (!vap_mask_test(&guest->apm, a))
			continue;
		for (d = 0; d < VAP_BITS; d++)
			if (vap_mask_test(&guest->aqm, d) && !bound(ctx, a, d))
				bad += violation(fn, arg, VAP_INV_UNBOUND,
						 "mdev %s: %02x.%04x in guest_matrix but its queue is not bound to vfio_ap",
						 uuid, a, d);
	}
	return bad;
}

/* the first APQN two matrices share: true with it */
static bool shared_apqn(const struct vap_matrix *x, const struct vap_matrix *y, int *a, int *d)
{
	for (*a = 0; *a < VAP_BITS; (*a)++) {
		if (!vap_mask_test(&x->apm, *a) || !vap_mask_test(&y->apm, *a))
			continue;
		for (*d = 0; *d < VAP_BITS; (*d)++)
			if (vap_mask_test(&x->aqm, *d) && vap_mask_test(&y->aqm, *d))
				return true;
	}
	return false;
}

int vap_inv_exclusive(int n, char *const *uuids, const struct vap_matrix *m,
		      vap_violation_fn fn, void *arg)
{
	int i, j, a, d, bad = 0;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (shared_apqn(&m[i], &m[j], &a, &d))
				bad += violation(fn, arg, VAP_INV_SHARED,
						 "mdevs %s and %s share APQN %02x.%04x",
						 uuids[i], uuids[j], a, d);
	return bad;
}

/* The same APQNs (adapters x domains): an adapter without a domain gives
 * none, whatever the masks say. */
static bool same_apqns(const struct vap_matrix *x, const struct vap_matrix *y)
{
	int a, d;

	for (a = 0; a < VAP_BITS; a++)
		for (d = 0; d < VAP_BITS; d++)
			if (vap_matrix_has(x, a, d) != vap_matrix_has(y, a, d))
				return false;
	return true;
}

int vap_inv_guest_reach(const char *guest, const char *uuid, int rc,
			const struct vap_matrix *reach, const struct vap_matrix *guest_matrix,
			vap_violation_fn fn, void *arg)
{
	char ga[67], gq[67], ra[67], rq[67];

	if (!rc && same_apqns(reach, guest_matrix))
		return 0;
	vap_mask_format(&guest_matrix->apm, ga, sizeof(ga));
	vap_mask_format(&guest_matrix->aqm, gq, sizeof(gq));
	vap_mask_format(&reach->apm, ra, sizeof(ra));
	vap_mask_format(&reach->aqm, rq, sizeof(rq));
	return violation(fn, arg, VAP_INV_REACH,
			 "guest %s reaches other APQNs than guest_matrix of %s (rc %d): guest_matrix apm %.10s aqm %.10s, reached apm %.10s aqm %.10s",
			 guest, uuid, rc, ga, gq, ra, rq);
}

const char *vap_inv_title_of(const char *line)
{
	static const char *const titles[] = {
		VAP_INV_GUEST_ADAPTER, VAP_INV_GUEST_DOMAIN, VAP_INV_UNBOUND, VAP_INV_SHARED, VAP_INV_REACH,
	};
	size_t i, n;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		n = strlen(titles[i]);
		if (!strncmp(line, titles[i], n) && line[n] == ':')
			return titles[i];
	}
	return NULL;
}

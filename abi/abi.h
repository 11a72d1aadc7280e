/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bottom floor, shared by lib/ (both hosts) and the simulated host
 * (driver/sim): the kernel's AP formats (formats.c) and the invariants
 * every host must keep, as pure functions over what a host answers
 * (invariants.c).  No host, no I/O: the callers read, these judge.
 */
#ifndef VAP_ABI_H
#define VAP_ABI_H

#include <stdbool.h>
#include <stddef.h>

#define VAP_BITS 256
#define VAP_LONGS (VAP_BITS / (8 * sizeof(unsigned long)))

/* A 256-bit mask in the AP bus's numbering (bit 0 = adapter/domain 0). */
struct vap_mask {
	unsigned long w[VAP_LONGS];
};

struct vap_matrix {
	struct vap_mask apm, aqm, adm;
};

static inline void vap_mask_set(struct vap_mask *m, int i)
{
	m->w[i / (8 * sizeof(long))] |= 1UL << (i % (8 * sizeof(long)));
}

static inline bool vap_mask_test(const struct vap_mask *m, int i)
{
	return m->w[i / (8 * sizeof(long))] >> (i % (8 * sizeof(long))) & 1;
}

int vap_mask_weight(const struct vap_mask *m);
bool vap_mask_subset(const struct vap_mask *a, const struct vap_mask *b);
/* The kernel's "0x" + 64 hex digits form (apmask, aqmask, ap_masks):
 * the leftmost bit is number 0. */
int vap_mask_parse(const char *s, struct vap_mask *m);
void vap_mask_format(const struct vap_mask *m, char *buf, size_t len);

/* "aa.dddd" (hex): an APQN; -EINVAL unless both parts are in range. */
int vap_apqn_parse(const char *s, int *adapter, int *domain);
/* the same form, as the AP bus names a queue (8 bytes with the NUL) */
void vap_apqn_format(int adapter, int domain, char *buf, size_t len);
/*
 * The mdev's matrix/guest_matrix format: one line per APQN ("aa.dddd"),
 * or "aa." lines (adapters without domains) and ".dddd" lines (domains
 * without adapters).  Fills apm and aqm; an empty text is an empty matrix.
 */
int vap_matrix_parse(const char *text, struct vap_matrix *m);
/* The APQNs of a matrix: adapters x domains. */
bool vap_matrix_has(const struct vap_matrix *m, int adapter, int domain);

/* ------------------------------------------------------ the invariants */

/*
 * A violated invariant goes to fn with a title that is the same for
 * every instance (a campaign counts a kind once; known issues match it)
 * and a line that names the instance.  Each check returns the number of
 * violations it found.  The titles are the suite's one set:
 */
#define VAP_INV_GUEST_ADAPTER "consistency: an adapter in guest_matrix but not in matrix and host configuration"
#define VAP_INV_GUEST_DOMAIN "consistency: a domain in guest_matrix but not in matrix and host configuration"
#define VAP_INV_UNBOUND "isolation: an APQN in guest_matrix whose queue is not bound to vfio_ap"
#define VAP_INV_SHARED "exclusivity: two mdevs share an APQN"
#define VAP_INV_REACH "isolation: a guest reaches other APQNs than its guest_matrix"

typedef void (*vap_violation_fn)(void *arg, const char *title, const char *line);
/* a report line "TITLE: instance": its title, or NULL for none of these */
const char *vap_inv_title_of(const char *line);

/* guest_matrix within matrix, and within the host's configuration cfg
 * (its apm and aqm; NULL where the caller cannot know it) */
int vap_inv_guest_within(const char *uuid, const struct vap_matrix *matrix,
			 const struct vap_matrix *guest, const struct vap_matrix *cfg,
			 vap_violation_fn fn, void *arg);
/* every queue of guest_matrix is bound to vfio_ap: bound(ctx, a, d) */
int vap_inv_guest_bound(const char *uuid, const struct vap_matrix *guest,
			bool (*bound)(void *ctx, int adapter, int domain), void *ctx,
			vap_violation_fn fn, void *arg);
/* no APQN in two of the n mdevs' matrices */
int vap_inv_exclusive(int n, char *const *uuids, const struct vap_matrix *m,
		      vap_violation_fn fn, void *arg);
/* a running guest reaches exactly the APQNs of its mdev's guest_matrix
 * (rc: what reading the guest's reach answered, 0 or -errno) */
int vap_inv_guest_reach(const char *guest, const char *uuid, int rc,
			const struct vap_matrix *reach, const struct vap_matrix *guest_matrix,
			vap_violation_fn fn, void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every vfio_ap selftest program shares: the fixture that opens the
 * host (VFIO_AP_HOST=sim|linux), the allowlist gate for destructive tests
 * on a real host, the choice of adapters and domains to work on, and the
 * oracle run at teardown.
 */
#ifndef VAP_SELFTEST_COMMON_H
#define VAP_SELFTEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "vfio_ap.h"

/* Two adapters and two domains the test may take for vfio_ap: on the sim
 * any; on a real host only allowlisted ones that exist. */
struct vap_pick {
	int a[2], d[2];
};

static inline int vap_pick_queues(struct vap_host *h, const struct vap_allow *allow,
				  struct vap_pick *p)
{
	struct vap_mask seen_a = { 0 }, seen_d = { 0 };
	char **names;
	int n, i, na = 0, nd = 0, a, d;

	n = vap_list(h, "/sys/bus/ap/devices", &names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (vap_apqn_parse(names[i], &a, &d))
			continue;
		if (!vap_mask_test(&allow->adapters, a) || !vap_mask_test(&allow->domains, d))
			continue;
		vap_mask_set(&seen_a, a);
		vap_mask_set(&seen_d, d);
	}
	vap_free_list(names);
	for (i = 0; i < VAP_BITS && (na < 2 || nd < 2); i++) {
		if (na < 2 && vap_mask_test(&seen_a, i))
			p->a[na++] = i;
		if (nd < 2 && vap_mask_test(&seen_d, i))
			p->d[nd++] = i;
	}
	return na == 2 && nd == 2 ? 0 : -ENODEV;
}

/* Releases the picked adapters and domains from the default driver (both
 * masks take "-N" one at a time, as an administrator would). */
static inline int vap_release(struct vap_host *h, const struct vap_pick *p)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		rc = vap_writef(h, "/sys/bus/ap/apmask", "-%d", p->a[i]);
		if (rc)
			return rc;
		rc = vap_writef(h, "/sys/bus/ap/aqmask", "-%d", p->d[i]);
		if (rc)
			return rc;
	}
	vap_settle(h);
	return 0;
}

/*
 * The fixture every program uses: `self->h` the host, `self->p` the queues,
 * `self->mark` the kernel log position at setup.  On a real host the
 * journal is on (VFIO_AP_JOURNAL, default /var/tmp/vfio-ap-stress.journal)
 * and every change is undone at the end.
 */
#define VAP_FIXTURE(name)							\
FIXTURE(name) {								\
	struct vap_host *h;						\
	bool skip;							\
	struct vap_pick p;						\
	size_t mark;							\
	char uuid[VAP_UUID_LEN + 1];					\
};									\
FIXTURE_SETUP(name)							\
{									\
	struct vap_allow allow;						\
	char err[512];							\
	int rc;								\
									\
	self->skip = true;						\
	self->h = vap_open(NULL, err, sizeof(err));			\
	if (!self->h)							\
		SKIP(return, "no host: %s", err);			\
	if (vap_kind(self->h) == VAP_LINUX) {				\
		rc = vap_allowlist(&allow, err, sizeof(err));		\
		if (rc == 0)						\
			SKIP(return, "destructive test on a real host: set VFIO_AP_TEST_APQNS=\"adapters=LIST domains=LIST\" (or VFIO_AP_TEST_CONFIG=FILE) to the adapters and domains it may take"); \
		ASSERT_EQ(0, vap_journal_open(self->h, vap_journal_path())); \
	} else {							\
		memset(&allow, 0xff, sizeof(allow));			\
	}								\
	if (vap_pick_queues(self->h, &allow, &self->p))			\
		SKIP(return, "fewer than two allowed adapters and domains on this host"); \
	self->mark = vap_log_mark(self->h);				\
	self->uuid[0] = 0;						\
	self->skip = false;						\
	ASSERT_EQ(0, vap_release(self->h, &self->p));			\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	if (!self->h)							\
		return;							\
	if (self->skip) {						\
		vap_close(self->h);					\
		return;							\
	}								\
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));		\
	if (self->uuid[0])						\
		vap_mdev_remove(self->h, self->uuid);			\
	if (vap_kind(self->h) == VAP_LINUX)				\
		vap_restore(self->h, vap_journal_path(), NULL);		\
	vap_close(self->h);						\
}

/*
 * A test of the fixture: its body does not run when the setup skipped
 * (older kselftest harnesses run the body after a SKIP in the setup).
 */
#define VAP_TEST(fixture, name)						\
static void vap_##fixture##_##name(struct __test_metadata *_metadata,	\
				    FIXTURE_DATA(fixture) *self);	\
TEST_F(fixture, name)							\
{									\
	if (!self->skip)						\
		vap_##fixture##_##name(_metadata, self);		\
}									\
static void vap_##fixture##_##name(struct __test_metadata *_metadata,	\
				    FIXTURE_DATA(fixture) *self)

/*
 * Bad input stops a program before any test runs and before anything is
 * touched: one line naming the problem, exit status 2.
 */
__attribute__((constructor)) static void vap_check_environment(void)
{
	const char *host = getenv("VFIO_AP_HOST");
	struct vap_allow allow;
	char err[512];

	if (host && *host && strcmp(host, "sim") && strcmp(host, "linux")) {
		fprintf(stderr, "VFIO_AP_HOST='%s': expected sim or linux\n", host);
		exit(2);
	}
	if (vap_sim_config_check(err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	if (vap_allowlist(&allow, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
}

/* fail-nth on the calling thread: the Nth fault site it reaches fails.
 * -ENOENT where the kernel lacks fault injection. */
static inline int vap_fail_nth(struct vap_host *h, int n)
{
	return vap_writef(h, "/proc/thread-self/fail-nth", "%d", n);
}

#define SKIP_IF_NO_GUESTS(rc) do {					\
	if ((rc) == -EOPNOTSUPP)					\
		SKIP(return, "this host cannot run guests (the linux backend's KVM guests are not written yet)"); \
} while (0)

#endif

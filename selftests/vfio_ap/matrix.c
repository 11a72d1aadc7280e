// SPDX-License-Identifier: GPL-2.0
/*
 * Matrix assignment and the guest_matrix filtering rules: an APQN counts
 * for the guest only when its queue is bound to vfio_ap and in the host's
 * configuration; assignments refused as the kernel refuses them leave the
 * matrix as it was; a failed allocation leaves it as it was too.
 */
#include "common.h"

VAP_FIXTURE(matrix)

static void mdev_with(struct __test_metadata *_metadata, FIXTURE_DATA(matrix) *self)
{
	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
}

VAP_TEST(matrix, assign_and_unassign)
{
	struct vap_matrix m;
	int a = self->p.a[0], d = self->p.d[0];

	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_TRUE(vap_matrix_has(&m, a, d));
	EXPECT_EQ(1, vap_mask_weight(&m.apm));
	EXPECT_EQ(1, vap_mask_weight(&m.aqm));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_TRUE(vap_matrix_has(&m, a, d));
	EXPECT_EQ(1, vap_mask_weight(&m.apm));
	EXPECT_EQ(1, vap_mask_weight(&m.aqm));
	ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_EQ(0, vap_mask_weight(&m.apm));
	EXPECT_FALSE(vap_matrix_has(&m, a, d));
}

/* A queue is vfio_ap's as soon as its adapter or its domain is released
 * from the default drivers; an APQN whose queue the default driver owns
 * cannot be assigned. */
VAP_TEST(matrix, owned_by_default_driver)
{
	struct vap_matrix m;
	char buf[64];
	int a = self->p.a[0], d = self->p.d[0];

	/* released by the fixture: vfio_ap probed and bound the queue */
	EXPECT_TRUE(vap_queue_bound(self->h, a, d));
	if (vap_kind(self->h) == VAP_SIM) {
		/* every other queue of the sim has its default driver: the bus
		 * reports all of its queues bound */
		ASSERT_LT(0, vap_read(self->h, "/sys/bus/ap/bindings", buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "(complete)"));
	}
	mdev_with(_metadata, self);
	/* a queue is the default driver's only when both its adapter and
	 * its domain are in apmask and aqmask: with the domain given back
	 * the adapter still keeps it for vfio_ap; with both, it goes */
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/aqmask", "+%d", d));
	vap_settle(self->h);
	EXPECT_TRUE(vap_queue_bound(self->h, a, d));
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", a));
	vap_settle(self->h);
	EXPECT_FALSE(vap_queue_bound(self->h, a, d));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	EXPECT_EQ(-EADDRNOTAVAIL, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_EQ(0, vap_mask_weight(&m.apm));
}

/* Values the kernel refuses, each with its errno; nothing changes. */
VAP_TEST(matrix, bad_values)
{
	char path[256];
	struct vap_matrix m;

	mdev_with(_metadata, self);
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/assign_adapter", self->uuid);
	EXPECT_EQ(-EINVAL, vap_write(self->h, path, "three"));
	EXPECT_EQ(-ERANGE, vap_write(self->h, path, "99999999999999999999999"));
	EXPECT_EQ(-ENODEV, vap_mdev_assign(self->h, self->uuid, "adapter", 256));
	EXPECT_EQ(-ENODEV, vap_mdev_assign(self->h, self->uuid, "domain", 256));
	EXPECT_EQ(-EINVAL, vap_write(self->h, VAP_TYPE_DIR "/create", "not-a-uuid"));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_EQ(0, vap_mask_weight(&m.apm));
	EXPECT_EQ(0, vap_mask_weight(&m.aqm));
}

/* Two mdevs cannot share an APQN. */
VAP_TEST(matrix, exclusive)
{
	char other[VAP_UUID_LEN + 1];
	int a = self->p.a[0], d = self->p.d[0];

	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	ASSERT_EQ(0, vap_mdev_create(self->h, other));
	ASSERT_EQ(0, vap_mdev_assign(self->h, other, "domain", d));
	EXPECT_EQ(-EADDRINUSE, vap_mdev_assign(self->h, other, "adapter", a));
	EXPECT_EQ(0, vap_mdev_remove(self->h, other));
}

/*
 * A domain outside the host's AP configuration (on the sim one past the
 * domains it configures; on a real host an allowlisted domain no queue
 * has) may be assigned once aqmask releases it: matrix shows it, but
 * guest_matrix and the guest do not, as the kernel filters the guest's
 * APCB by the configuration.
 */
VAP_TEST(matrix, domain_outside_configuration)
{
	struct vap_mask configured = { 0 };
	struct vap_allow allow;
	struct vap_matrix m, r;
	char err[512], buf[32], **names;
	int a = self->p.a[0], d = self->p.d[0], out = -1, max, n, i, qa, qd, rc;
	bool guest;

	if (vap_kind(self->h) == VAP_SIM)
		memset(&allow, 0xff, sizeof(allow));
	else
		ASSERT_EQ(1, vap_allowlist(&allow, err, sizeof(err)));
	ASSERT_LT(0, vap_read(self->h, "/sys/bus/ap/ap_max_domain_id", buf, sizeof(buf)));
	max = atoi(buf);
	n = vap_list(self->h, "/sys/bus/ap/devices", &names);
	ASSERT_LE(0, n);
	for (i = 0; i < n; i++)
		if (!vap_apqn_parse(names[i], &qa, &qd))
			vap_mask_set(&configured, qd);
	vap_free_list(names);
	for (i = 0; i <= max && i < VAP_BITS && out < 0; i++)
		if (vap_mask_test(&allow.domains, i) && !vap_mask_test(&configured, i))
			out = i;
	if (out < 0)
		SKIP(return, "no allowed domain outside this host's AP configuration");

	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	rc = vap_guest_start(self->h, "g1", self->uuid, 3);
	if (rc != -EOPNOTSUPP)
		ASSERT_EQ(0, rc);
	guest = rc == 0;
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/aqmask", "-%d", out));
	vap_settle(self->h);
	EXPECT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", out));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_TRUE(vap_matrix_has(&m, a, out));
	EXPECT_TRUE(vap_matrix_has(&m, a, d));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_FALSE(vap_mask_test(&m.aqm, out));
	EXPECT_TRUE(vap_matrix_has(&m, a, d));
	EXPECT_EQ(1, vap_mask_weight(&m.aqm));
	if (guest) {
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
		EXPECT_FALSE(vap_mask_test(&r.aqm, out));
		EXPECT_TRUE(vap_matrix_has(&r, a, d));
		EXPECT_EQ(1, vap_mask_weight(&r.aqm));
	}
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	if (guest)
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* A guest reaches what guest_matrix shows, and follows a new assignment. */
VAP_TEST(matrix, guest_follows_assignment)
{
	struct vap_matrix r;
	int rc;

	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	rc = vap_guest_start(self->h, "g1", self->uuid, 2);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	EXPECT_TRUE(vap_matrix_has(&r, self->p.a[0], self->p.d[0]));
	EXPECT_EQ(1, vap_mask_weight(&r.aqm));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[1]));
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	EXPECT_TRUE(vap_matrix_has(&r, self->p.a[0], self->p.d[1]));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* The AP configuration change eventfd (7.x drivers): every change of the
 * running guest's APCB is signalled once to the VMM that registered it. */
VAP_TEST(matrix, guest_told_of_changes)
{
	unsigned long n0, n;
	int rc;

	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	rc = vap_guest_start(self->h, "g1", self->uuid, 1);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	rc = vap_guest_cfg_signals(self->h, "g1", &n0);
	if (rc == -EOPNOTSUPP) {
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
		SKIP(return, "this vfio_ap has no AP configuration change eventfd");
	}
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[1]));
	ASSERT_EQ(0, vap_guest_cfg_signals(self->h, "g1", &n));
	EXPECT_EQ(n0 + 1, n);
	ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "domain", self->p.d[1]));
	ASSERT_EQ(0, vap_guest_cfg_signals(self->h, "g1", &n));
	EXPECT_EQ(n0 + 2, n);
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* Allocation failure: fail-nth on the assignment's write fails it with
 * ENOMEM and leaves the matrix as it was. */
VAP_TEST(matrix, assign_under_fail_nth)
{
	struct vap_matrix m;
	int n, rc, failed = 0;

	if (vap_write(self->h, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N"))
		SKIP(return, "no failslab on this kernel (CONFIG_FAILSLAB, debugfs)");
	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	for (n = 1; n < 100; n++) {
		char left[16];

		if (vap_fail_nth(self->h, n))
			SKIP(return, "no fail-nth on this kernel (CONFIG_FAULT_INJECTION)");
		rc = vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]);
		vap_read(self->h, "/proc/thread-self/fail-nth", left, sizeof(left));
		vap_fail_nth(self->h, 0);
		if (atoi(left)) {
			/* no fault site left: the write went through */
			ASSERT_EQ(0, rc);
			break;
		}
		failed++;
		EXPECT_EQ(-ENOMEM, rc);
		ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
		EXPECT_EQ(0, vap_mask_weight(&m.apm));
	}
	EXPECT_GE(failed, 1);
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_TRUE(vap_matrix_has(&m, self->p.a[0], self->p.d[0]));
}

/* A queue's status follows it from vfio_ap into an mdev and a guest. */
VAP_TEST(matrix, queue_status)
{
	char path[128], buf[64];
	int a = self->p.a[0], d = self->p.d[0], rc;

	snprintf(path, sizeof(path), "/sys/bus/ap/devices/%02x.%04x/status", a, d);
	if (vap_read(self->h, path, buf, sizeof(buf)) == -ENOENT)
		SKIP(return, "this kernel's vfio_ap has no queue status attribute");
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	EXPECT_STREQ("unassigned\n", buf);
	mdev_with(_metadata, self);
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	EXPECT_STREQ("assigned\n", buf);
	rc = vap_guest_start(self->h, "g1", self->uuid, 1);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	EXPECT_STREQ("in use\n", buf);
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

TEST_HARNESS_MAIN

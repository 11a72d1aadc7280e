// SPDX-License-Identifier: GPL-2.0
/*
 * AP configuration changes with a guest attached: an adapter or a domain
 * taken out of the host's configuration leaves the guest's view (and
 * guest_matrix) while the assignment stays in matrix; put back, it returns.
 */
#include "common.h"

VAP_FIXTURE(hwconfig)

static void setup_mdev(struct __test_metadata *_metadata, FIXTURE_DATA(hwconfig) *self)
{
	int i;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[i]));
		ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[i]));
	}
}

static void out_and_back(struct __test_metadata *_metadata, FIXTURE_DATA(hwconfig) *self,
			 bool adapter)
{
	int id = adapter ? self->p.a[1] : self->p.d[1], keep = adapter ? self->p.a[0] : self->p.d[0];
	struct vap_matrix m, r;
	char path[64];
	bool guest;
	int rc, i;

	setup_mdev(_metadata, self);
	rc = vap_guest_start(self->h, "g1", self->uuid, 2);
	if (rc != -EOPNOTSUPP)
		ASSERT_EQ(0, rc);
	guest = rc == 0;
	rc = vap_ap_config(self->h, adapter, id, false);
	if (rc == -EOPNOTSUPP) {
		if (guest)
			vap_guest_stop(self->h, "g1");
		SKIP(return, "this host cannot change its AP configuration from here");
	}
	ASSERT_EQ(0, rc);
	vap_settle(self->h);
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "matrix", &m));
	EXPECT_TRUE(vap_mask_test(adapter ? &m.apm : &m.aqm, id));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_FALSE(vap_mask_test(adapter ? &m.apm : &m.aqm, id));
	EXPECT_TRUE(vap_mask_test(adapter ? &m.apm : &m.aqm, keep));
	if (guest) {
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
		EXPECT_FALSE(vap_mask_test(adapter ? &r.apm : &r.aqm, id));
		EXPECT_TRUE(vap_matrix_has(&r, self->p.a[0], self->p.d[0]));
	}
	if (vap_kind(self->h) == VAP_SIM) {
		/* out of the configuration, its queues leave the bus (on a
		 * real host a deconfigured adapter's may stay, config 0) */
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/sys/bus/ap/devices/%02x.%04x",
				 adapter ? id : self->p.a[i], adapter ? self->p.d[i] : id);
			EXPECT_FALSE(vap_exists(self->h, path));
		}
	}
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	ASSERT_EQ(0, vap_ap_config(self->h, adapter, id, true));
	vap_settle(self->h);
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_TRUE(vap_mask_test(adapter ? &m.apm : &m.aqm, id));
	if (guest) {
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
		EXPECT_TRUE(vap_matrix_has(&r, self->p.a[1], self->p.d[1]));
		EXPECT_TRUE(vap_matrix_has(&r, self->p.a[0], self->p.d[0]));
		/* and exactly guest_matrix again */
		EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
	}
}

VAP_TEST(hwconfig, adapter_out_and_back)
{
	out_and_back(_metadata, self, true);
}

VAP_TEST(hwconfig, domain_out_and_back)
{
	out_and_back(_metadata, self, false);
}

/* An adapter coming back into the configuration while allocations fail
 * (fail-nth over every queue probe of the rescan): the invariants hold
 * after each, and the last round brings every queue back. */
VAP_TEST(hwconfig, adapter_back_under_fail_nth)
{
	int a = self->p.a[1], n, rc, failed = 0;
	struct vap_matrix m;

	if (vap_write(self->h, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N"))
		SKIP(return, "no failslab on this kernel (CONFIG_FAILSLAB, debugfs)");
	setup_mdev(_metadata, self);
	for (n = 1; n < 1000; n++) {
		char left[16];

		rc = vap_ap_config(self->h, true, a, false);
		if (rc == -EOPNOTSUPP)
			SKIP(return, "this host cannot change its AP configuration from here");
		ASSERT_EQ(0, rc);
		if (vap_fail_nth(self->h, n))
			SKIP(return, "no fail-nth on this kernel (CONFIG_FAULT_INJECTION)");
		rc = vap_ap_config(self->h, true, a, true);
		vap_read(self->h, "/proc/thread-self/fail-nth", left, sizeof(left));
		vap_fail_nth(self->h, 0);
		ASSERT_EQ(0, rc);
		EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
		if (atoi(left))
			break;
		failed++;
	}
	EXPECT_GE(failed, 2);
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	EXPECT_TRUE(vap_matrix_has(&m, a, self->p.d[1]));
}

/* Control domains: assigned and shown in the kernel's %04x lines. */
VAP_TEST(hwconfig, control_domains)
{
	char path[256], buf[256], want[16];

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "control_domain", self->p.d[0]));
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/control_domains", self->uuid);
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%04x\n", self->p.d[0]);
	EXPECT_STREQ(want, buf);
	EXPECT_EQ(-ENODEV, vap_mdev_assign(self->h, self->uuid, "control_domain", 256));
	ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "control_domain", self->p.d[0]));
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
}

TEST_HARNESS_MAIN

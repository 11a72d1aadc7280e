// SPDX-License-Identifier: GPL-2.0
/*
 * mdev lifecycle: create and remove with available_instances kept, remove
 * while a guest runs (the kernel asks the VMM to let go, or on 6.1 waits
 * for it), module unload refused while mdevs hold it, and create under
 * allocation failure: ENOMEM and nothing left behind.
 */
#include <pthread.h>
#include "common.h"

VAP_FIXTURE(mdev)

VAP_TEST(mdev, create_remove_instances)
{
	char path[256];
	long before = vap_available_instances(self->h);

	ASSERT_GT(before, 0);
	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	EXPECT_EQ(before - 1, vap_available_instances(self->h));
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s", self->uuid);
	EXPECT_TRUE(vap_exists(self->h, path));
	/* the same UUID twice */
	EXPECT_EQ(-EEXIST, vap_write(self->h, VAP_TYPE_DIR "/create", self->uuid));
	ASSERT_EQ(0, vap_mdev_remove(self->h, self->uuid));
	EXPECT_FALSE(vap_exists(self->h, path));
	EXPECT_EQ(before, vap_available_instances(self->h));
	self->uuid[0] = 0;
}

struct remover {
	struct vap_host *h;
	const char *uuid;
	int rc;
	volatile int done;
};

static void *remove_fn(void *p)
{
	struct remover *r = p;

	r->rc = vap_mdev_remove(r->h, r->uuid);
	r->done = 1;
	return NULL;
}

/* Removing the mdev of a running guest: 6.2 and later ask the VMM to let
 * go (the request callback) and the remove completes with the guest
 * running; 6.1 waits until the guest stops.  Either way the mdev ends up
 * gone and the guest without APQNs. */
VAP_TEST(mdev, remove_with_guest)
{
	struct remover r = { self->h, self->uuid, 0, 0 };
	struct vap_matrix m;
	char path[256];
	pthread_t t;
	int rc, i;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	rc = vap_guest_start(self->h, "g1", self->uuid, 2);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &m));
	EXPECT_TRUE(vap_matrix_has(&m, self->p.a[0], self->p.d[0]));
	ASSERT_EQ(0, pthread_create(&t, NULL, remove_fn, &r));
	for (i = 0; i < 200 && !r.done; i++)
		usleep(10000);
	if (r.done) {
		ASSERT_EQ(0, r.rc);
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &m));
		EXPECT_EQ(0, vap_mask_weight(&m.apm));
	}
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
	pthread_join(t, NULL);
	EXPECT_EQ(0, r.rc);
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s", self->uuid);
	EXPECT_FALSE(vap_exists(self->h, path));
	self->uuid[0] = 0;
}

/* Unloading vfio_ap removes its mdevs, but not while a guest has one open
 * (the open device holds the module); loaded again, the type is back. */
VAP_TEST(mdev, module_reload)
{
	char path[256];
	long before = vap_available_instances(self->h);
	int rc;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	rc = vap_guest_start(self->h, "g1", self->uuid, 1);
	if (rc != -EOPNOTSUPP) {
		ASSERT_EQ(0, rc);
		rc = vap_rmmod(self->h);
		if (rc == -EOPNOTSUPP)
			SKIP(return, "module load/unload is not possible on this host");
		EXPECT_EQ(-EBUSY, rc);
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
	}
	rc = vap_rmmod(self->h);
	if (rc == -EOPNOTSUPP)
		SKIP(return, "module load/unload is not possible on this host");
	ASSERT_EQ(0, rc);
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s", self->uuid);
	EXPECT_FALSE(vap_exists(self->h, path));
	EXPECT_FALSE(vap_exists(self->h, VAP_TYPE_DIR));
	self->uuid[0] = 0;
	ASSERT_EQ(0, vap_modprobe(self->h));
	vap_settle(self->h);
	EXPECT_EQ(before, vap_available_instances(self->h));
	/* the masks still give the queues to vfio_ap */
	EXPECT_TRUE(vap_queue_bound(self->h, self->p.a[0], self->p.d[0]));
}

/* failslab: every fault site of one create in turn (fail-nth), each
 * failure an ENOMEM with no mdev and no instance used. */
VAP_TEST(mdev, create_under_fail_nth)
{
	long before = vap_available_instances(self->h);
	char uuid[VAP_UUID_LEN + 1] = "aaaaaaaa-0000-4000-8000-000000000001";
	char **list;
	int n, rc, failed = 0;

	if (vap_write(self->h, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N"))
		SKIP(return, "no failslab on this kernel (CONFIG_FAILSLAB, debugfs)");
	for (n = 1; n < 100; n++) {
		char left[16];

		if (vap_fail_nth(self->h, n))
			SKIP(return, "no fail-nth on this kernel (CONFIG_FAULT_INJECTION)");
		rc = vap_write(self->h, VAP_TYPE_DIR "/create", uuid);
		vap_read(self->h, "/proc/thread-self/fail-nth", left, sizeof(left));
		vap_fail_nth(self->h, 0);
		if (atoi(left)) {
			ASSERT_EQ(0, rc);
			snprintf(self->uuid, sizeof(self->uuid), "%s", uuid);
			break;
		}
		failed++;
		EXPECT_EQ(-ENOMEM, rc);
		EXPECT_EQ(before, vap_available_instances(self->h));
		ASSERT_LE(0, vap_mdev_list(self->h, &list));
		EXPECT_EQ(NULL, list[0]);
		vap_free_list(list);
	}
	/* the write buffer, the mdev, the vfio device, at least */
	EXPECT_GE(failed, 3);
	EXPECT_EQ(before - 1, vap_available_instances(self->h));
}

/* fail_function on the driver's vfio registration: the create fails with
 * the injected errno, and after unloading the driver nothing it allocated
 * is left (the teardown's check reads the sim's leak ledger). */
VAP_TEST(mdev, create_under_fail_function)
{
	char **list;
	long before = vap_available_instances(self->h);
	int rc;

	rc = vap_write(self->h, "/sys/kernel/debug/fail_function/inject", "vfio_register_emulated_iommu_dev");
	if (rc)
		SKIP(return, "vfio_register_emulated_iommu_dev is not injectable here (%s)", strerror(-rc));
	ASSERT_EQ(0, vap_write(self->h, "/sys/kernel/debug/fail_function/vfio_register_emulated_iommu_dev/retval",
			       "0xfffffffffffffff4"));
	ASSERT_EQ(0, vap_write(self->h, "/sys/kernel/debug/fail_function/probability", "100"));
	ASSERT_EQ(0, vap_write(self->h, "/sys/kernel/debug/fail_function/times", "1"));
	EXPECT_EQ(-ENOMEM, vap_write(self->h, VAP_TYPE_DIR "/create", "aaaaaaaa-0000-4000-8000-000000000002"));
	ASSERT_EQ(0, vap_write(self->h, "/sys/kernel/debug/fail_function/inject", ""));
	EXPECT_EQ(before, vap_available_instances(self->h));
	ASSERT_LE(0, vap_mdev_list(self->h, &list));
	EXPECT_EQ(NULL, list[0]);
	vap_free_list(list);
	rc = vap_rmmod(self->h);
	if (rc == -EOPNOTSUPP)
		return;
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_modprobe(self->h));
}

TEST_HARNESS_MAIN

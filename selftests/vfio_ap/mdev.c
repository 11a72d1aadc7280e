// SPDX-License-Identifier: GPL-2.0
/*
 * mdev lifecycle: create and remove with available_instances kept, remove
 * while a guest runs (the kernel asks the VMM to let go, or on 6.1 waits
 * for it), module unload refused while mdevs hold it, and create under
 * allocation failure: ENOMEM and nothing left behind (fail-nth,
 * fail_function, and on the sim failslab's own attributes).
 */
#include <pthread.h>
#include <sys/utsname.h>
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

/*
 * Whether the driver asks the VMM to let go of a device being removed
 * (the request callback, 6.2+): the device of the running guest offers
 * the request IRQ (VFIO_AP_REQ_IRQ_INDEX, the first) to its VMM.  Where
 * the host cannot ask the device, the kernel's release decides.  1 or 0,
 * -1 when neither tells.
 */
static int has_request_callback(struct vap_host *h, const char *guest)
{
	struct vap_ioctl_args a = { 0 };
	struct utsname u;
	const char *rel;
	int major, minor;

	if (!vap_guest_ioctl(h, guest, VAP_GET_INFO, &a))
		return a.num_irqs > 0;
	if (vap_kind(h) == VAP_SIM) {
		rel = vap_sim_kernel();
	} else {
		if (uname(&u))
			return -1;
		rel = u.release;
	}
	if (sscanf(rel, "%d.%d", &major, &minor) != 2)
		return -1;
	return major > 6 || (major == 6 && minor >= 2);
}

/* An mdev with one queue and its running guest, on a driver with (or
 * without) the request callback: NULL, or why the test cannot run. */
static const char *guest_on_mdev(struct __test_metadata *_metadata, FIXTURE_DATA(mdev) *self,
				 bool want_request)
{
	struct vap_matrix m;
	int rc;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	rc = vap_guest_start(self->h, "g1", self->uuid, 2);
	if (rc == -EOPNOTSUPP)
		return "this host cannot run guests (the linux backend's KVM guests are not written yet)";
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &m));
	EXPECT_TRUE(vap_matrix_has(&m, self->p.a[0], self->p.d[0]));
	rc = has_request_callback(self->h, "g1");
	if (rc < 0 || rc != want_request) {
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
		if (rc < 0)
			return "cannot tell whether this vfio_ap has the request callback";
		return want_request ? "this vfio_ap has no request callback (before 6.2)"
				    : "this vfio_ap has the request callback (6.2+)";
	}
	return NULL;
}

/* Removing the mdev of a running guest, 6.2+: the vfio core calls the
 * driver's request callback, which signals the VMM's request eventfd; the
 * VMM lets go, and the remove completes with the guest still running,
 * the mdev gone and the guest left without APQNs. */
VAP_TEST(mdev, remove_with_guest_request)
{
	struct remover r = { self->h, self->uuid, 0, 0 };
	struct vap_matrix m;
	const char *skip;
	char path[256], *log;
	pthread_t t;
	int i;

	skip = guest_on_mdev(_metadata, self, true);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, pthread_create(&t, NULL, remove_fn, &r));
	/* no deadline but the program's: a slow machine (qemu) takes long */
	for (i = 0; i < 6000 && !r.done; i++)
		usleep(10000);
	EXPECT_TRUE(r.done);
	if (r.done) {
		EXPECT_EQ(0, r.rc);
		snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s", self->uuid);
		EXPECT_FALSE(vap_exists(self->h, path));
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &m));
		EXPECT_EQ(0, vap_mask_weight(&m.apm));
		EXPECT_EQ(0, vap_mask_weight(&m.aqm));
		if (vap_kind(self->h) == VAP_SIM) {
			/* the sim's VMM says what reached it */
			log = vap_log_since(self->h, self->mark);
			ASSERT_NE(NULL, log);
			EXPECT_NE(NULL, strstr(log, "device request received"));
			free(log);
		}
	}
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
	pthread_join(t, NULL);
	self->uuid[0] = 0;
}

/* Removing the mdev of a running guest, 6.1 (no request callback): the
 * remove waits, the guest keeping its queue, until the VMM closes the
 * device; stopping the guest completes it and the mdev is gone. */
VAP_TEST(mdev, remove_with_guest_waits)
{
	struct remover r = { self->h, self->uuid, 0, 0 };
	struct vap_matrix m;
	const char *skip;
	char path[256];
	pthread_t t;
	int i;

	skip = guest_on_mdev(_metadata, self, false);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, pthread_create(&t, NULL, remove_fn, &r));
	for (i = 0; i < 100 && !r.done; i++)
		usleep(10000);
	/* still waiting for the VMM, and the guest still has its queue */
	EXPECT_FALSE(r.done);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &m));
	EXPECT_TRUE(vap_matrix_has(&m, self->p.a[0], self->p.d[0]));
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

/*
 * failslab's own attributes (debugfs) over mdev create, as the kernel's
 * fault injection defines them.  The attributes are global: on a real
 * host they would fail allocations of every task (and this program's
 * journal writes would spend the budget), so these run on the sim only.
 */
#define FAILSLAB "/sys/kernel/debug/failslab/"

static bool failslab_here(FIXTURE_DATA(mdev) *self)
{
	return vap_kind(self->h) == VAP_SIM && vap_exists(self->h, FAILSLAB "times");
}

/* the attribute reads as want */
static void expect_attr(struct __test_metadata *_metadata, FIXTURE_DATA(mdev) *self,
			const char *attr, const char *want)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), FAILSLAB "%s", attr);
	ASSERT_LE(0, vap_read(self->h, path, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

/* No mdev left and no instance used after a failed create. */
static void expect_nothing_left(struct __test_metadata *_metadata, FIXTURE_DATA(mdev) *self,
				long before)
{
	char **list;

	EXPECT_EQ(before, vap_available_instances(self->h));
	ASSERT_LE(0, vap_mdev_list(self->h, &list));
	EXPECT_EQ(NULL, list[0]);
	vap_free_list(list);
}

/* The driver unloaded (its allocations still live are reported: the
 * teardown's check reads them) and loaded again for the oracle. */
static void unload_reload(struct __test_metadata *_metadata, FIXTURE_DATA(mdev) *self)
{
	ASSERT_EQ(0, vap_rmmod(self->h));
	ASSERT_EQ(0, vap_modprobe(self->h));
	vap_settle(self->h);
}

/* ignore-gfp-wait (Y by default) exempts the GFP_KERNEL allocations the
 * create path makes; off, times=1 fails the first (ENOMEM, nothing left)
 * and counts down to 0, after which the same create succeeds. */
VAP_TEST(mdev, failslab_ignore_gfp_wait)
{
	const char *uuid = "bbbbbbbb-0000-4000-8000-000000000001";
	long before = vap_available_instances(self->h);

	if (!failslab_here(self))
		SKIP(return, "failslab's global attributes are driven on the sim only");
	expect_attr(_metadata, self, "ignore-gfp-wait", "Y\n");
	expect_attr(_metadata, self, "times", "1\n");
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "100"));
	/* exempt: nothing on the path is a fault site, nothing is spent */
	ASSERT_EQ(0, vap_write(self->h, VAP_TYPE_DIR "/create", uuid));
	ASSERT_EQ(0, vap_mdev_remove(self->h, uuid));
	expect_attr(_metadata, self, "times", "1\n");
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "ignore-gfp-wait", "N"));
	EXPECT_EQ(-ENOMEM, vap_write(self->h, VAP_TYPE_DIR "/create", uuid));
	expect_attr(_metadata, self, "times", "0\n");
	expect_nothing_left(_metadata, self, before);
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	/* the budget spent: the same create goes through */
	ASSERT_EQ(0, vap_write(self->h, VAP_TYPE_DIR "/create", uuid));
	ASSERT_EQ(0, vap_mdev_remove(self->h, uuid));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "0"));
	unload_reload(_metadata, self);
}

/* space: allocations are let through until they have used that many bytes;
 * 200 covers the write buffer and create_store's copy of the UUID (64
 * bytes each), then the mdev itself fails, and the report says where
 * and how much space was left. */
VAP_TEST(mdev, failslab_space)
{
	long before = vap_available_instances(self->h);
	char *log;

	if (!failslab_here(self))
		SKIP(return, "failslab's global attributes are driven on the sim only");
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "100"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "times", "1"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "space", "200"));
	EXPECT_EQ(-ENOMEM, vap_write(self->h, VAP_TYPE_DIR "/create",
				     "bbbbbbbb-0000-4000-8000-000000000002"));
	log = vap_log_since(self->h, self->mark);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "name failslab, interval 1, probability 100, space 72, times 1"));
	EXPECT_NE(NULL, strstr(log, "failslab: drivers/vfio/mdev/mdev_core.c:mdev_device_create"));
	free(log);
	expect_nothing_left(_metadata, self, before);
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "0"));
	unload_reload(_metadata, self);
}

/* interval=2 with times=-1: every second allocation fails, without end;
 * task-filter: only a task with make-it-fail set sees failures; values
 * the attributes cannot parse are refused (EINVAL). */
VAP_TEST(mdev, failslab_interval_task_filter)
{
	const char *uuid = "bbbbbbbb-0000-4000-8000-000000000003";
	char path[256];
	long before = vap_available_instances(self->h);

	if (!failslab_here(self))
		SKIP(return, "failslab's global attributes are driven on the sim only");
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "100"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "times", "-1"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "interval", "2"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "verbose", "0"));
	EXPECT_EQ(-ENOMEM, vap_write(self->h, VAP_TYPE_DIR "/create", uuid));
	expect_nothing_left(_metadata, self, before);
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "interval", "1"));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "task-filter", "Y"));
	/* this task has no make-it-fail: nothing fails */
	ASSERT_EQ(0, vap_write(self->h, VAP_TYPE_DIR "/create", uuid));
	snprintf(self->uuid, sizeof(self->uuid), "%s", uuid);
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/assign_adapter", uuid);
	ASSERT_EQ(0, vap_write(self->h, "/proc/thread-self/make-it-fail", "1"));
	EXPECT_EQ(-ENOMEM, vap_writef(self->h, path, "%d", self->p.a[0]));
	ASSERT_EQ(0, vap_write(self->h, "/proc/thread-self/make-it-fail", "0"));
	EXPECT_EQ(0, vap_writef(self->h, path, "%d", self->p.a[0]));
	ASSERT_EQ(0, vap_write(self->h, FAILSLAB "probability", "0"));
	ASSERT_EQ(0, vap_mdev_remove(self->h, uuid));
	self->uuid[0] = 0;
	EXPECT_EQ(-EINVAL, vap_write(self->h, FAILSLAB "probability", "ten"));
	EXPECT_EQ(-EINVAL, vap_write(self->h, FAILSLAB "ignore-gfp-wait", "maybe"));
	expect_attr(_metadata, self, "probability", "0\n");
	expect_attr(_metadata, self, "ignore-gfp-wait", "N\n");
	unload_reload(_metadata, self);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Dynamic update of a running guest's APCB when queues come and go: a
 * queue unbound from vfio_ap (driver unbind, or apmask giving the adapter
 * back) is unplugged from the guest at once, a queue bound again is
 * plugged back; the oracle runs after every step.
 */
#include <pthread.h>
#include <sys/wait.h>
#include "common.h"

struct race {
	struct vap_host *h;
	const char *apqn;
	int rc;
};

static void *race_unbind(void *p)
{
	struct race *r = p;

	r->rc = vap_write(r->h, VAP_DRV_DIR "/unbind", r->apqn);
	return NULL;
}

VAP_FIXTURE(dynamic)

static int start(struct __test_metadata *_metadata, FIXTURE_DATA(dynamic) *self)
{
	int i, rc;

	rc = vap_mdev_create(self->h, self->uuid);
	if (rc)
		return rc;
	for (i = 0; i < 2; i++) {
		rc = vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[i]);
		rc = rc ? rc : vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[i]);
		if (rc)
			return rc;
	}
	return vap_guest_start(self->h, "g1", self->uuid, 2);
}

/* every APQN of the picked adapters and domains in m (the guest's reach
 * or guest_matrix), but those of adapter `gone` (-1: none) */
static void expect_apqns(struct __test_metadata *_metadata, FIXTURE_DATA(dynamic) *self,
			 const struct vap_matrix *m, int gone)
{
	int i, k;

	for (i = 0; i < 2; i++)
		for (k = 0; k < 2; k++)
			EXPECT_EQ(self->p.a[i] != gone,
				  vap_matrix_has(m, self->p.a[i], self->p.d[k]));
	EXPECT_EQ(gone < 0 ? 2 : 1, vap_mask_weight(&m->apm));
}

VAP_TEST(dynamic, unbind_and_bind)
{
	char apqn[16];
	struct vap_matrix r;
	int a = self->p.a[0], d = self->p.d[0], rc;

	rc = start(_metadata, self);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	expect_apqns(_metadata, self, &r, -1);
	vap_apqn_format(a, d, apqn, sizeof(apqn));
	ASSERT_EQ(0, vap_write(self->h, VAP_DRV_DIR "/unbind", apqn));
	/* the whole adapter goes from the guest and from guest_matrix (the
	 * kernel unplugs by adapter), the other stays */
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	expect_apqns(_metadata, self, &r, a);
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &r));
	expect_apqns(_metadata, self, &r, a);
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	/* bound again, the adapter is plugged back in */
	ASSERT_EQ(0, vap_write(self->h, VAP_DRV_DIR "/bind", apqn));
	vap_settle(self->h);
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	expect_apqns(_metadata, self, &r, -1);
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* A queue the default driver owns (its adapter and its domain both in the
 * masks) cannot be bound to vfio_ap: the driver core answers EBUSY for a
 * queue that has its driver; nothing changes for the running guest. */
VAP_TEST(dynamic, bind_default_queue_refused)
{
	int a = self->p.a[0], d = self->p.d[0], b = self->p.a[1], e = self->p.d[1], rc;
	char apqn[16], path[128];
	struct vap_matrix r;
	bool guest;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d));
	rc = vap_guest_start(self->h, "g1", self->uuid, 2);
	if (rc != -EOPNOTSUPP)
		ASSERT_EQ(0, rc);
	guest = rc == 0;
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/aqmask", "+%d", e));
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", b));
	vap_settle(self->h);
	ASSERT_FALSE(vap_queue_bound(self->h, b, e));
	vap_apqn_format(b, e, apqn, sizeof(apqn));
	rc = vap_write(self->h, VAP_DRV_DIR "/bind", apqn);
	snprintf(path, sizeof(path), "/sys/bus/ap/devices/%s/driver", apqn);
	if (vap_exists(self->h, path)) {
		EXPECT_EQ(-EBUSY, rc);
	} else {
		/* no default driver loaded: vfio_ap's probe refuses it */
		EXPECT_NE(0, rc);
	}
	EXPECT_FALSE(vap_queue_bound(self->h, b, e));
	if (guest) {
		ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
		EXPECT_TRUE(vap_matrix_has(&r, a, d));
		EXPECT_EQ(1, vap_mask_weight(&r.apm));
		EXPECT_EQ(1, vap_mask_weight(&r.aqm));
	}
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	if (guest)
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

VAP_TEST(dynamic, apmask_in_use_refused)
{
	struct vap_matrix r;
	int rc;

	rc = start(_metadata, self);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	/* a queue goes back to the default driver when both its adapter
	 * and its domain are in the masks: the domain first (no queue
	 * moves yet), then the adapter, refused while assigned */
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/aqmask", "+%d", self->p.d[0]));
	vap_settle(self->h);
	/* the adapters still released keep every queue: the guest as it was */
	ASSERT_EQ(0, vap_guest_reach(self->h, "g1", &r));
	expect_apqns(_metadata, self, &r, -1);
	EXPECT_EQ(-EBUSY, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", self->p.a[0]));
	EXPECT_TRUE(vap_queue_bound(self->h, self->p.a[0], self->p.d[0]));
	/* unassigned, it may go */
	ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "adapter", self->p.a[0]));
	EXPECT_EQ(0, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", self->p.a[0]));
	EXPECT_FALSE(vap_queue_bound(self->h, self->p.a[0], self->p.d[0]));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* Guest teardown racing a queue removal: both finish, nothing is left. */
VAP_TEST(dynamic, stop_racing_unbind)
{
	char apqn[16];
	pid_t pid;
	int rc;

	rc = start(_metadata, self);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	vap_apqn_format(self->p.a[1], self->p.d[1], apqn, sizeof(apqn));
	if (vap_kind(self->h) == VAP_SIM) {
		/* the sim is this process: race from a thread of it */
		struct race arg = { self->h, apqn, 0 };
		pthread_t t;

		ASSERT_EQ(0, pthread_create(&t, NULL, race_unbind, &arg));
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
		pthread_join(t, NULL);
		EXPECT_EQ(0, arg.rc);
	} else {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(vap_write(self->h, VAP_DRV_DIR "/unbind", apqn) ? 1 : 0);
		EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
		EXPECT_EQ(pid, waitpid(pid, &rc, 0));
		EXPECT_EQ(0, rc);
	}
	EXPECT_FALSE(vap_queue_bound(self->h, self->p.a[1], self->p.d[1]));
}

/* fail-nth over handing an adapter to vfio_ap: each queue probe's
 * allocation fails in turn; the bus carries on without that queue, and
 * the invariants hold after every step. */
VAP_TEST(dynamic, apmask_under_fail_nth)
{
	int a = self->p.a[1], n, rc, failed = 0;

	if (vap_write(self->h, "/sys/kernel/debug/failslab/ignore-gfp-wait", "N"))
		SKIP(return, "no failslab on this kernel (CONFIG_FAILSLAB, debugfs)");
	ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", a));
	for (n = 1; n < 1000; n++) {
		char left[16];

		if (vap_fail_nth(self->h, n))
			SKIP(return, "no fail-nth on this kernel (CONFIG_FAULT_INJECTION)");
		rc = vap_writef(self->h, "/sys/bus/ap/apmask", "-%d", a);
		vap_read(self->h, "/proc/thread-self/fail-nth", left, sizeof(left));
		vap_fail_nth(self->h, 0);
		EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
		if (atoi(left))
			break;
		failed++;
		/* the write buffer fails the write; a failed probe does not */
		if (n == 1)
			EXPECT_EQ(-ENOMEM, rc);
		ASSERT_EQ(0, vap_writef(self->h, "/sys/bus/ap/apmask", "+%d", a));
	}
	EXPECT_EQ(0, rc);
	EXPECT_GE(failed, 2);
}

/*
 * Shared state read and changed from two tasks at once (this process's
 * thread on the sim, a second thread on a real host too): on the sim the
 * lockset detector checks that one lock guards each location the two
 * touch, whatever the interleaving; then this task goes on, so that a
 * change follows the sharing.  On a real host, plain concurrency checks.
 */
struct reader {
	struct vap_host *h;
	char path[256];
	int rc;
};

static void *read_twice(void *p)
{
	struct reader *r = p;
	char buf[4096];
	int i;

	for (i = 0; i < 2; i++)
		if (vap_read(r->h, r->path, buf, sizeof(buf)) < 0)
			r->rc = -1;
	return NULL;
}

struct toggler {
	struct vap_host *h;
	int a, rc;
};

/* the adapter to the default driver and back: the first asks vfio_ap
 * whether any mdev uses its queues (the in-use check walks the mdevs) */
static void *toggle_adapter(void *p)
{
	struct toggler *t = p;
	int i;

	for (i = 0; i < 2 && !t->rc; i++) {
		t->rc = vap_writef(t->h, "/sys/bus/ap/apmask", "+%d", t->a);
		t->rc = t->rc ? t->rc : vap_writef(t->h, "/sys/bus/ap/apmask", "-%d", t->a);
	}
	return NULL;
}

VAP_TEST(dynamic, control_domains_read_beside_unassign)
{
	struct reader r = { self->h, "", 0 };
	char buf[4096], want[8];
	pthread_t t;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "control_domain", self->p.d[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "control_domain", self->p.d[1]));
	snprintf(r.path, sizeof(r.path), VAP_MATRIX_DIR "/%s/control_domains", self->uuid);
	ASSERT_EQ(0, pthread_create(&t, NULL, read_twice, &r));
	EXPECT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "control_domain", self->p.d[0]));
	pthread_join(t, NULL);
	EXPECT_EQ(0, r.rc);
	snprintf(want, sizeof(want), "%04x", self->p.d[1]);
	ASSERT_LT(0, vap_read(self->h, r.path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, want));
	EXPECT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "control_domain", self->p.d[1]));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
}

VAP_TEST(dynamic, in_use_check_beside_create)
{
	struct toggler tg = { self->h, self->p.a[1], 0 };
	char uuid2[VAP_UUID_LEN + 1];
	pthread_t t;
	int i;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", self->p.a[0]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[0]));
	ASSERT_EQ(0, pthread_create(&t, NULL, toggle_adapter, &tg));
	for (i = 0; i < 2; i++) {
		if (i == 1)
			pthread_join(t, NULL);
		ASSERT_EQ(0, vap_mdev_create(self->h, uuid2));
		EXPECT_EQ(0, vap_mdev_remove(self->h, uuid2));
	}
	EXPECT_EQ(0, tg.rc);
	EXPECT_TRUE(vap_queue_bound(self->h, self->p.a[1], self->p.d[0]));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
}

TEST_HARNESS_MAIN

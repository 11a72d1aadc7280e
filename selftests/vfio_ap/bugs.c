// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducers of driver bugs still in mainline (KNOWN-ISSUES.md), in the
 * form a maintainer runs them: each test performs the bug's trigger
 * through the host's own interfaces and FAILS while the bug is there, so
 * a fixed kernel passes it.  Not part of run_tests (a kernel with the
 * bugs fails them by design); on a real host, with the allowlist:
 *
 *   VFIO_AP_HOST=linux VFIO_AP_TEST_APQNS="adapters=.. domains=.." ./bugs
 *
 * A sanitizer (KASAN) or race detector (KCSAN) kernel turns the silent
 * ones into reports; what each needs is said at its test.  On the sim
 * every report counts, the known driver bugs included: make check runs
 * this program against each kernel's driver (every test whose bug that
 * driver has fails) and against the driver with driver/fixes/ applied
 * (every test passes).
 */
#include <pthread.h>
#include "common.h"

VAP_FIXTURE(bugs)

/*
 * Every report since the test began, the known driver bugs included
 * (vap_check excuses those on the sim; a real host's kernel log has no
 * such list): one line each on stderr, their number returned.
 */
static int all_reports(FIXTURE_DATA(bugs) *self)
{
	struct vap_finding *f;
	int n = vap_check(self->h, self->mark, stderr), k, i;

	k = vap_findings(self->h, &f);
	for (i = 0; i < k; i++) {
		if (!f[i].known)
			continue;	/* vap_check counted it */
		fprintf(stderr, "known %s: %s\n", f[i].known, f[i].title);
		n++;
	}
	if (k >= 0)
		vap_findings_free(f, k);
	return n;
}

/*
 * KI-6: a queue unlinked from an mdev while its adapter is filtered out of
 * the guest's APCB keeps its pointer to the mdev; once the mdev is gone,
 * removing the queue from vfio_ap reads the freed mdev
 * (get_update_locks_for_queue).  Root and sysfs alone; a KASAN kernel
 * reports the use after free, a kernel without it may go on silently
 * (or crash on the freed mdev's lock).
 */
VAP_TEST(bugs, ki6_queue_outlives_mdev)
{
	int a = self->p.a[0], d0 = self->p.d[0], d1 = self->p.d[1];
	struct vap_matrix m;
	char q0[16], q1[16];

	vap_apqn_format(a, d0, q0, sizeof(q0));
	vap_apqn_format(a, d1, q1, sizeof(q1));
	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d0));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d1));
	/* one queue of the adapter leaves vfio_ap: the adapter leaves the APCB */
	ASSERT_EQ(0, vap_write(self->h, VAP_DRV_DIR "/unbind", q1));
	ASSERT_EQ(0, vap_mdev_matrix(self->h, self->uuid, "guest_matrix", &m));
	ASSERT_FALSE(vap_mask_test(&m.apm, a));
	/* the other queue is unlinked without a reset: it keeps the mdev */
	ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_remove(self->h, self->uuid));
	self->uuid[0] = 0;
	/* the use after free, if the bug is there */
	ASSERT_EQ(0, vap_write(self->h, VAP_DRV_DIR "/unbind", q0));
	EXPECT_EQ(0, all_reports(self));
	vap_write(self->h, VAP_DRV_DIR "/bind", q0);
	vap_write(self->h, VAP_DRV_DIR "/bind", q1);
}

/*
 * KI-14: a module load that fails after vfio_ap_init registered the s390
 * debug feature leaves it registered.  The failure: fail_function on
 * ap_driver_register (a real kernel injects only functions on its
 * error-injection list: the test skips where it cannot).  On a real host
 * the area left behind shows as /sys/kernel/debug/s390dbf/vfio_ap with
 * the module not loaded.
 */
VAP_TEST(bugs, ki14_failed_load_keeps_debug_area)
{
	bool left;
	int rc;

	rc = vap_rmmod(self->h);
	if (rc == -EOPNOTSUPP)
		SKIP(return, "this host cannot unload vfio_ap from here");
	ASSERT_EQ(0, rc);
	if (vap_write(self->h, "/sys/kernel/debug/fail_function/inject", "ap_driver_register")) {
		ASSERT_EQ(0, vap_modprobe(self->h));
		SKIP(return, "fail_function cannot fail ap_driver_register on this kernel");
	}
	vap_writef(self->h, "/sys/kernel/debug/fail_function/probability", "%d", 100);
	vap_writef(self->h, "/sys/kernel/debug/fail_function/times", "%d", 1);
	rc = vap_modprobe(self->h);
	vap_write(self->h, "/sys/kernel/debug/fail_function/inject", "");
	EXPECT_NE(0, rc);
	left = vap_kind(self->h) == VAP_LINUX && vap_exists(self->h, "/sys/kernel/debug/s390dbf/vfio_ap");
	EXPECT_FALSE(left);
	/* loaded again, for the oracle (it reads the matrix device) */
	ASSERT_EQ(0, vap_modprobe(self->h));
	EXPECT_EQ(0, all_reports(self));
	vap_release(self->h, &self->p);
}

/*
 * A guest's PQAP(AQIC) story on queue a.d0 of an mdev with adapter a and
 * domains d0, d1: the guest (its vCPUs issuing no AQIC of their own)
 * enables interrupts, perhaps disables them, and stops; on the way the
 * machine may answer one instruction with a code of its own, a queue of
 * the adapter may leave vfio_ap first, the adapter may be unassigned
 * before the stop.  Needs a guest that issues PQAP and a machine whose
 * answers can be chosen: the sim has both; a real host skips until the
 * linux backend runs guests.
 */
struct pqap_case {
	const char *insn;	/* the machine answers the next INSN ... */
	int code, times;	/* ... with CODE, TIMES times (insn NULL: never) */
	bool at_disable;	/* the answer meets the disable (else the enable) */
	bool filter;		/* a.d1 leaves vfio_ap before the enable */
	bool unassign;		/* adapter a unassigned before the stop */
};

static void pqap_case(struct __test_metadata *_metadata, FIXTURE_DATA(bugs) *self,
		      const struct pqap_case *c)
{
	int a = self->p.a[0], d0 = self->p.d[0], d1 = self->p.d[1], rc, i;
	char q1[16];

	vap_apqn_format(a, d1, q1, sizeof(q1));
	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d0));
	ASSERT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", d1));
	rc = vap_guest_start_opts(self->h, "g1", self->uuid, 1, false);
	SKIP_IF_NO_GUESTS(rc);
	ASSERT_EQ(0, rc);
	/* the reset vfio_ap gave the queues when it took them completes */
	vap_settle(self->h);
	vap_sleep_ms(self->h, 100);
	if (c->filter) {
		/* the adapter leaves the guest's APCB; the guest asks anyway */
		ASSERT_EQ(0, vap_write(self->h, VAP_DRV_DIR "/unbind", q1));
		vap_settle(self->h);
	}
	for (i = 0; i < (c->at_disable ? 2 : 1); i++) {	/* the enable, the disable */
		if (c->insn && c->at_disable == (i == 1)) {
			rc = vap_ap_inject(self->h, c->insn, a, d0, c->code, c->times, 0);
			if (rc == -EOPNOTSUPP) {
				vap_guest_stop(self->h, "g1");
				SKIP(return, "this host cannot choose the machine's answers");
			}
			ASSERT_EQ(0, rc);
		}
		ASSERT_LE(0, vap_guest_pqap(self->h, "g1", 0, a, d0, i == 0, 0));
	}
	if (c->unassign)
		ASSERT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "adapter", a));
	ASSERT_EQ(0, vap_guest_stop(self->h, "g1"));
	EXPECT_EQ(0, all_reports(self));
	if (c->filter)
		vap_write(self->h, VAP_DRV_DIR "/bind", q1);
}

/* KI-1: an enable the machine refuses (reset in progress, 02) leaves the
 * notification byte's page pinned and the guest ISC registered: the
 * guest's stop leaks both */
VAP_TEST(bugs, ki1_refused_enable_leaks)
{
	pqap_case(_metadata, self, &(struct pqap_case){ .insn = "aqic", .code = 0x02, .times = 1 });
}

/* KI-16: an enable on a queue assigned and bound but filtered out of the
 * guest's APCB (another queue of the adapter left vfio_ap) is accepted;
 * unassigning the adapter resets only the APCB's queues, so the guest's
 * stop leaks the pin and the GISC registration */
VAP_TEST(bugs, ki16_enable_outside_apcb)
{
	pqap_case(_metadata, self, &(struct pqap_case){ .filter = true, .unassign = true });
}

/* KI-2, KI-4, KI-9: WARNs on legitimate machine states met by the
 * guest's disable (a real machine gives them when a queue is
 * deconfigured, checkstopped or slow at that moment) */

/* KI-2: the disable answered "not available" (01) */
VAP_TEST(bugs, ki2_disable_not_available_warns)
{
	pqap_case(_metadata, self,
		  &(struct pqap_case){ .insn = "aqic", .code = 0x01, .times = 1, .at_disable = true });
}

/* KI-4: six busy answers (05) to the disable; the resources of the
 * unconfirmed disable are released */
VAP_TEST(bugs, ki4_disable_busy_warns)
{
	pqap_case(_metadata, self,
		  &(struct pqap_case){ .insn = "aqic", .code = 0x05, .times = 6, .at_disable = true });
}

/* KI-9: the wait for the interrupt bit to clear meets TAPQ's answer
 * "deconfigured" (03) */
VAP_TEST(bugs, ki9_irqclear_deconfigured_warns)
{
	pqap_case(_metadata, self,
		  &(struct pqap_case){ .insn = "tapq", .code = 0x03, .times = 1, .at_disable = true });
}

struct churn {
	struct vap_host *h;
	volatile int stop;
	int rounds;
	const char *uuid;	/* ki18: the mdev whose ap_config is read */
};

/* until the other thread has done `n` rounds (10 s at most) */
static void wait_rounds(struct churn *c, int n)
{
	int i;

	for (i = 0; i < 10000 && __atomic_load_n(&c->rounds, __ATOMIC_ACQUIRE) < n; i++)
		usleep(1000);
}

/* mdevs created and removed until told to stop */
static void *create_remove(void *arg)
{
	struct churn *c = arg;
	char uuid[VAP_UUID_LEN + 1];

	while (!c->stop) {
		uuid[0] = 0;
		if (!vap_mdev_create(c->h, uuid))
			vap_mdev_remove(c->h, uuid);
		__atomic_add_fetch(&c->rounds, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * KI-17: an mdev's probe reads the host's AP configuration information
 * with no lock while a configuration change copies the new information
 * over it under guests_lock.  mdevs created and removed on one thread
 * while the other takes an adapter out of the configuration and puts it
 * back.  On a real host a KCSAN kernel reports the data race (without
 * KCSAN: nothing visible, the test passes); the sim's lockset detector
 * reports it from the lock sets, whatever the timing.
 */
VAP_TEST(bugs, ki17_probe_reads_config_unlocked)
{
	struct churn c = { .h = self->h };
	pthread_t t;
	int i, rc = 0;

	ASSERT_EQ(0, pthread_create(&t, NULL, create_remove, &c));
	wait_rounds(&c, 1);
	for (i = 0; i < 4 && !rc; i++) {
		rc = vap_ap_config(self->h, true, self->p.a[1], false);
		if (!rc)
			rc = vap_ap_config(self->h, true, self->p.a[1], true);
		vap_settle(self->h);
	}
	wait_rounds(&c, __atomic_load_n(&c.rounds, __ATOMIC_ACQUIRE) + 1);
	c.stop = 1;
	pthread_join(t, NULL);
	if (rc == -EOPNOTSUPP)
		SKIP(return, "this host cannot change its AP configuration from here");
	ASSERT_EQ(0, rc);
	EXPECT_EQ(0, all_reports(self));
}

/* the mdev's ap_config read until told to stop */
static void *read_ap_config(void *arg)
{
	struct churn *c = arg;
	char path[128], buf[8192];

	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/ap_config", c->uuid);
	while (!c->stop) {
		vap_read(c->h, path, buf, sizeof(buf));
		__atomic_add_fetch(&c->rounds, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * KI-18: ap_config prints the mdev's three masks with no lock while an
 * assignment changes them under mdevs_lock (6.12 and later: the
 * attribute exists from 6.x on).  A KCSAN kernel reports the race on a
 * real host; the sim's lockset detector from the lock sets.
 */
VAP_TEST(bugs, ki18_ap_config_read_unlocked)
{
	struct churn c = { .h = self->h };
	char path[128];
	pthread_t t;
	int i;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/ap_config", self->uuid);
	if (!vap_exists(self->h, path))
		SKIP(return, "this driver has no ap_config attribute");
	c.uuid = self->uuid;
	ASSERT_EQ(0, pthread_create(&t, NULL, read_ap_config, &c));
	/* the reads overlap the assignments: one before, more during */
	wait_rounds(&c, 1);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, vap_mdev_assign(self->h, self->uuid, "domain", self->p.d[i % 2]));
		EXPECT_EQ(0, vap_mdev_unassign(self->h, self->uuid, "domain", self->p.d[i % 2]));
	}
	wait_rounds(&c, __atomic_load_n(&c.rounds, __ATOMIC_ACQUIRE) + 1);
	c.stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, all_reports(self));
}

TEST_HARNESS_MAIN

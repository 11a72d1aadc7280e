// SPDX-License-Identifier: GPL-2.0
/*
 * Every input judged by the kernel's own answers: each value of
 * lib/values.c written to the attribute it is for (an mdev's assign_*,
 * unassign_* and ap_config, the bus's apmask and aqmask, the vfio_ap
 * driver's bind and unbind) must get the errno the driver's source gives
 * in that state, and a refused write must change nothing (the mdev's
 * matrix, ap_config and the bus's masks read back as before); an
 * accepted one is undone before the next.  On a real host the bus masks
 * would hand every adapter to vfio_ap: those tests run on the sim only.
 */
#include "common.h"

VAP_FIXTURE(inputs)

/* The file read into buf (0), as the state to compare after a write. */
static int snapshot(struct vap_host *h, const char *path, char *buf, size_t len)
{
	ssize_t n = vap_read(h, path, buf, len - 1);

	if (n < 0)
		return (int)n;
	/* the sim answers the file's whole length: what fits was copied */
	buf[(size_t)n < len - 1 ? (size_t)n : len - 1] = 0;
	return 0;
}

/* The maximum id of adapters (or domains) the bus reports. */
static int max_id(struct vap_host *h, bool adapter)
{
	char buf[32];

	if (snapshot(h, adapter ? "/sys/bus/ap/ap_max_adapter_id" : "/sys/bus/ap/ap_max_domain_id",
		     buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/*
 * Writes every value of `in` to path; `state` is the file whose text must
 * not change on a refused write, `undo` puts an accepted one back
 * (NULL: write the state's text back).  Returns the number of wrong answers
 * (a state that cannot be read counts as one).
 */
static int drive(struct __test_metadata *_metadata, struct vap_host *h, enum vap_input in,
		 const char *path, const char *state, const struct vap_values_ctx *c,
		 void (*undo)(struct vap_host *h, const char *uuid, const char *what, int id),
		 const char *uuid, const char *what)
{
	static char before[8192], after[8192];
	const struct vap_value *v;
	int bad = 0;

	for (v = vap_values(in); v->text; v++) {
		char *text = vap_value_text(v, c), why[512];
		int rc;

		if (!text)
			continue;	/* not on this host (a bit past 255) */
		if (snapshot(h, state, before, sizeof(before))) {
			TH_LOG("%s: cannot read", state);
			free(text);
			bad++;
			continue;
		}
		rc = vap_write(h, path, text);
		vap_settle(h);
		if (vap_value_judge(v, rc, why, sizeof(why))) {
			TH_LOG("%s: %s", path, why);
			bad++;
		}
		if (rc) {
			if (!snapshot(h, state, after, sizeof(after)) && strcmp(before, after)) {
				TH_LOG("%s: '%.40s' refused, yet %s changed", path, v->text, state);
				bad++;
			}
		} else if (undo) {
			/* the id the value named: the maximum, or the released one */
			undo(h, uuid, what, strstr(v->text, "{max}") ? c->max : c->id);
		} else {
			before[strcspn(before, "\n")] = 0;
			EXPECT_EQ(0, vap_write(h, path, before));
		}
		free(text);
	}
	return bad;
}

static void unassign(struct vap_host *h, const char *uuid, const char *what, int id)
{
	vap_mdev_unassign(h, uuid, what, id);
}

static void nothing_to_undo(struct vap_host *h, const char *uuid, const char *what, int id)
{
	/* an accepted unassignment of a free id, a bind: nothing changed */
	(void)h;
	(void)uuid;
	(void)what;
	(void)id;
}

/* assign_* and unassign_* of adapters, domains and control domains */
VAP_TEST(inputs, ids)
{
	static const char *const what[] = { "adapter", "domain", "control_domain" };
	char path[256], state[256];
	int i, k, bad = 0;

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	snprintf(state, sizeof(state), VAP_MATRIX_DIR "/%s/matrix", self->uuid);
	for (i = 0; i < 3; i++) {
		struct vap_values_ctx c = {
			.id = i == 0 ? self->p.a[0] : self->p.d[0],
			.max = max_id(self->h, i == 0),
		};

		ASSERT_LE(0, c.max);
		if (i == 2)
			snprintf(state, sizeof(state), VAP_MATRIX_DIR "/%s/control_domains",
				 self->uuid);
		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/%sassign_%s", self->uuid,
				 k ? "un" : "", what[i]);
			bad += drive(_metadata, self->h, VAP_IN_ID, path, state, &c,
				     k ? nothing_to_undo : unassign, self->uuid, what[i]);
		}
	}
	EXPECT_EQ(0, bad);
}

/* ap_config, where the driver has it (6.12+) */
VAP_TEST(inputs, ap_config)
{
	struct vap_values_ctx c = { .a = self->p.a[0], .d = self->p.d[0] };
	char path[256];

	ASSERT_EQ(0, vap_mdev_create(self->h, self->uuid));
	snprintf(path, sizeof(path), VAP_MATRIX_DIR "/%s/ap_config", self->uuid);
	if (!vap_exists(self->h, path))
		SKIP(return, "the driver has no ap_config (before 6.12)");
	c.max = max_id(self->h, true);
	ASSERT_LE(0, c.max);
	EXPECT_EQ(0, drive(_metadata, self->h, VAP_IN_AP_CONFIG, path, path, &c, NULL, NULL, NULL));
}

/* the bus's apmask and aqmask (sim only: see above) */
VAP_TEST(inputs, bus_masks)
{
	static const char *const files[] = { "/sys/bus/ap/apmask", "/sys/bus/ap/aqmask" };
	static char cur[128];
	int i, bad = 0;

	if (vap_kind(self->h) != VAP_SIM)
		SKIP(return, "the bus masks' values would give every adapter to vfio_ap");
	for (i = 0; i < 2; i++) {
		struct vap_values_ctx c = { .id = i ? self->p.d[0] : self->p.a[0], .cur = cur };

		ASSERT_EQ(0, snapshot(self->h, files[i], cur, sizeof(cur)));
		cur[strcspn(cur, "\n")] = 0;
		bad += drive(_metadata, self->h, VAP_IN_BUS_MASK, files[i], files[i], &c, NULL,
			     NULL, NULL);
	}
	EXPECT_EQ(0, bad);
}

/* the vfio_ap driver's bind and unbind */
VAP_TEST(inputs, bind)
{
	struct vap_values_ctx c = { 0 };
	int bad;

	bad = drive(_metadata, self->h, VAP_IN_BIND, VAP_DRV_DIR "/bind", "/sys/bus/ap/apmask",
		    &c, nothing_to_undo, NULL, NULL);
	bad += drive(_metadata, self->h, VAP_IN_BIND, VAP_DRV_DIR "/unbind", "/sys/bus/ap/apmask",
		     &c, nothing_to_undo, NULL, NULL);
	EXPECT_EQ(0, bad);
}

/* An mdev with one queue and a running guest (1 when the host runs none). */
static int guest_on_queue(struct __test_metadata *_metadata, FIXTURE_DATA(inputs) *self,
			  char *uuid, int a, int d)
{
	int rc;

	if (vap_mdev_create(self->h, uuid) || vap_mdev_assign(self->h, uuid, "adapter", a) ||
	    vap_mdev_assign(self->h, uuid, "domain", d))
		return -1;
	rc = vap_guest_start(self->h, "g1", uuid, 2);
	EXPECT_TRUE(rc == 0 || rc == -EOPNOTSUPP);
	return rc == -EOPNOTSUPP ? 1 : rc;
}

/*
 * The VMM unmaps the guest's memory while a vCPU (not vCPU 0) has
 * interrupts enabled with the notification byte inside it, not on its
 * first page: the driver's dma_unmap must disable them and let the page
 * go.  The whole memory goes, or (6.1, KI-13) the host reports why not;
 * anything but a known driver bug fails the oracle.
 */
VAP_TEST(inputs, dma_unmap)
{
	const unsigned long long mem = 64ULL << 20;
	long n;
	int rc;

	rc = guest_on_queue(_metadata, self, self->uuid, self->p.a[0], self->p.d[0]);
	if (rc == 1)
		SKIP(return, "this host cannot run guests (the linux backend's KVM guests are not written yet)");
	ASSERT_EQ(0, rc);
	rc = vap_guest_pqap(self->h, "g1", 1, self->p.a[0], self->p.d[0], true, 0x30010);
	/* 07: the guest's own AQIC traffic enabled the queue first */
	EXPECT_TRUE(rc == 0 || rc == 7);
	n = vap_guest_dma_unmap(self->h, "g1", 0, mem);
	if (n != -EBUSY) {
		EXPECT_EQ((long)mem, n);
		EXPECT_EQ(0, vap_guest_pinned(self->h, "g1"));
		EXPECT_EQ(0, vap_guest_dma_map(self->h, "g1", 0, mem));
	}
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/*
 * The guest's PQAP(AQIC) on a queue of an adapter it was not given: the
 * driver has no queue for it and answers the guest itself, "not
 * available", with no AQIC reaching the queue.  Where the answer in the
 * guest's register can be read (an s390x build of the sim) the host
 * checks it against the architecture; vap_check reports a wrong one.
 */
VAP_TEST(inputs, pqap_outside_configuration)
{
	int rc;

	rc = guest_on_queue(_metadata, self, self->uuid, self->p.a[0], self->p.d[0]);
	if (rc == 1)
		SKIP(return, "this host cannot run guests (the linux backend's KVM guests are not written yet)");
	ASSERT_EQ(0, rc);
	EXPECT_EQ(0x100, vap_guest_pqap(self->h, "g1", 0, self->p.a[1], self->p.d[0], true, 0));
	EXPECT_EQ(0x100, vap_guest_pqap(self->h, "g1", 0, self->p.a[1], self->p.d[0], false, 0));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
}

/* A second mdev opened for the guest's VM is refused (EPERM), and the
 * refusal leaves nothing behind. */
VAP_TEST(inputs, second_mdev)
{
	char other[VAP_UUID_LEN + 1];
	int rc;

	rc = guest_on_queue(_metadata, self, self->uuid, self->p.a[0], self->p.d[0]);
	if (rc == 1)
		SKIP(return, "this host cannot run guests (the linux backend's KVM guests are not written yet)");
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, vap_mdev_create(self->h, other));
	ASSERT_EQ(0, vap_mdev_assign(self->h, other, "adapter", self->p.a[1]));
	ASSERT_EQ(0, vap_mdev_assign(self->h, other, "domain", self->p.d[1]));
	EXPECT_EQ(-EPERM, vap_guest_attach_second(self->h, "g1", other));
	EXPECT_EQ(0, vap_check(self->h, self->mark, stderr));
	EXPECT_EQ(0, vap_guest_stop(self->h, "g1"));
	EXPECT_EQ(0, vap_mdev_remove(self->h, other));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The bottom floor's own tests: the formats parse what the kernel prints
 * and refuse what it would not print; each invariant reports a violation
 * planted in what a host answered, under its title, and nothing in a
 * state that keeps it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "abi.h"

TEST(mask_parse_and_format)
{
	struct vap_mask m;
	char text[67], buf[67];

	memset(text, '0', sizeof(text));
	text[0] = '0', text[1] = 'x', text[66] = 0;
	text[2] = '8';		/* bit 0: the leftmost */
	text[65] = '1';		/* bit 255: the rightmost */
	ASSERT_EQ(0, vap_mask_parse(text, &m));
	EXPECT_TRUE(vap_mask_test(&m, 0));
	EXPECT_TRUE(vap_mask_test(&m, 255));
	EXPECT_EQ(2, vap_mask_weight(&m));
	vap_mask_format(&m, buf, sizeof(buf));
	EXPECT_STREQ(text, buf);
	/* the kernel's own form has a newline */
	EXPECT_EQ(0, vap_mask_parse("0x4\n", &m));
	EXPECT_TRUE(vap_mask_test(&m, 1));
}

TEST(mask_refused)
{
	struct vap_mask m;
	char long_mask[80];

	EXPECT_EQ(-EINVAL, vap_mask_parse("8000", &m));
	EXPECT_EQ(-EINVAL, vap_mask_parse("0x", &m));
	EXPECT_EQ(-EINVAL, vap_mask_parse("0x12g", &m));
	memset(long_mask, 'f', sizeof(long_mask));
	long_mask[0] = '0', long_mask[1] = 'x', long_mask[2 + 65] = 0;	/* 260 bits */
	EXPECT_EQ(-EINVAL, vap_mask_parse(long_mask, &m));
}

TEST(apqn_parse_and_format)
{
	char buf[16];
	int a, d;

	ASSERT_EQ(0, vap_apqn_parse("03.0005", &a, &d));
	EXPECT_EQ(3, a);
	EXPECT_EQ(5, d);
	ASSERT_EQ(0, vap_apqn_parse("ff.00ff\n", &a, &d));
	EXPECT_EQ(255, a);
	EXPECT_EQ(255, d);
	EXPECT_EQ(-EINVAL, vap_apqn_parse("100.0001", &a, &d));
	EXPECT_EQ(-EINVAL, vap_apqn_parse("03.0100", &a, &d));
	EXPECT_EQ(-EINVAL, vap_apqn_parse("030005", &a, &d));
	EXPECT_EQ(-EINVAL, vap_apqn_parse(".0005", &a, &d));
	vap_apqn_format(3, 5, buf, sizeof(buf));
	EXPECT_STREQ("03.0005", buf);
	vap_apqn_format(255, 255, buf, sizeof(buf));
	EXPECT_STREQ("ff.00ff", buf);
}

TEST(matrix_text)
{
	struct vap_matrix m;

	ASSERT_EQ(0, vap_matrix_parse("03.0005\n03.0006\n", &m));
	EXPECT_TRUE(vap_matrix_has(&m, 3, 5));
	EXPECT_TRUE(vap_matrix_has(&m, 3, 6));
	EXPECT_EQ(1, vap_mask_weight(&m.apm));
	EXPECT_EQ(2, vap_mask_weight(&m.aqm));
	/* adapters without domains: no APQN, and no line read as another's
	 * domain */
	ASSERT_EQ(0, vap_matrix_parse("00.\n02.\n", &m));
	EXPECT_EQ(2, vap_mask_weight(&m.apm));
	EXPECT_EQ(0, vap_mask_weight(&m.aqm));
	EXPECT_FALSE(vap_matrix_has(&m, 0, 2));
	ASSERT_EQ(0, vap_matrix_parse(".0005\n", &m));
	EXPECT_EQ(0, vap_mask_weight(&m.apm));
	EXPECT_TRUE(vap_mask_test(&m.aqm, 5));
	ASSERT_EQ(0, vap_matrix_parse("", &m));
	EXPECT_EQ(0, vap_mask_weight(&m.apm));
	EXPECT_EQ(-EINVAL, vap_matrix_parse("zz.0001\n", &m));
	EXPECT_EQ(-EINVAL, vap_matrix_parse("03.0005\n.\n", &m));
	EXPECT_EQ(-EINVAL, vap_matrix_parse("0305\n", &m));
}

/* the violations a check reported: their titles and lines */
struct seen {
	int n;
	char title[8][128], line[8][512];
};

static void collect(void *arg, const char *title, const char *line)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->title[s->n], sizeof(s->title[0]), "%s", title);
		snprintf(s->line[s->n], sizeof(s->line[0]), "%s", line);
	}
	s->n++;
}

static void matrix_of(struct vap_matrix *m, const char *text)
{
	if (vap_matrix_parse(text, m))
		memset(m, 0xff, sizeof(*m));	/* a test's typo shows as a failure */
}

TEST(guest_within_matrix_and_configuration)
{
	struct vap_matrix matrix, guest, cfg;
	struct seen s = { 0 };

	matrix_of(&matrix, "03.0005\n03.0006\n");
	matrix_of(&guest, "03.0005\n");
	EXPECT_EQ(0, vap_inv_guest_within("u1", &matrix, &guest, NULL, collect, &s));
	EXPECT_EQ(0, s.n);
	/* an adapter the matrix lacks */
	matrix_of(&guest, "04.0005\n");
	EXPECT_EQ(1, vap_inv_guest_within("u1", &matrix, &guest, NULL, collect, &s));
	ASSERT_EQ(1, s.n);
	EXPECT_STREQ(VAP_INV_GUEST_ADAPTER, s.title[0]);
	EXPECT_NE(NULL, strstr(s.line[0], "mdev u1: adapter 04"));
	/* a domain in the matrix but out of the host's configuration */
	matrix_of(&guest, "03.0006\n");
	matrix_of(&cfg, "03.0005\n");
	s.n = 0;
	EXPECT_EQ(1, vap_inv_guest_within("u1", &matrix, &guest, &cfg, collect, &s));
	EXPECT_STREQ(VAP_INV_GUEST_DOMAIN, s.title[0]);
	EXPECT_NE(NULL, strstr(s.line[0], "host configuration"));
}

static bool bound_but_0305(void *ctx, int a, int d)
{
	return !(a == 3 && d == 5);
}

TEST(guest_queues_bound)
{
	struct vap_matrix guest;
	struct seen s = { 0 };

	matrix_of(&guest, "03.0006\n04.0006\n");
	EXPECT_EQ(0, vap_inv_guest_bound("u1", &guest, bound_but_0305, NULL, collect, &s));
	matrix_of(&guest, "03.0005\n03.0006\n");
	EXPECT_EQ(1, vap_inv_guest_bound("u1", &guest, bound_but_0305, NULL, collect, &s));
	ASSERT_EQ(1, s.n);
	EXPECT_STREQ(VAP_INV_UNBOUND, s.title[0]);
	EXPECT_NE(NULL, strstr(s.line[0], "03.0005"));
}

TEST(no_apqn_in_two_mdevs)
{
	struct vap_matrix m[3];
	char *uuids[3] = { "u1", "u2", "u3" };
	struct seen s = { 0 };

	matrix_of(&m[0], "03.0005\n");
	matrix_of(&m[1], "03.0006\n04.0006\n");
	matrix_of(&m[2], "05.0005\n");
	EXPECT_EQ(0, vap_inv_exclusive(3, uuids, m, collect, &s));
	/* a shared adapter alone is no shared APQN; a shared pair is */
	matrix_of(&m[2], "04.0006\n");
	EXPECT_EQ(1, vap_inv_exclusive(3, uuids, m, collect, &s));
	ASSERT_EQ(1, s.n);
	EXPECT_STREQ(VAP_INV_SHARED, s.title[0]);
	EXPECT_NE(NULL, strstr(s.line[0], "u2 and u3 share APQN 04.0006"));
}

TEST(guest_reaches_its_matrix)
{
	struct vap_matrix reach, gm;
	struct seen s = { 0 };

	matrix_of(&gm, "03.0005\n");
	matrix_of(&reach, "03.0005\n");
	EXPECT_EQ(0, vap_inv_guest_reach("g1", "u1", 0, &reach, &gm, collect, &s));
	/* masks that differ but give the same APQNs (none) are the same reach */
	matrix_of(&reach, "03.\n04.\n");
	matrix_of(&gm, "05.\n.0009\n");
	gm.apm = reach.apm;
	memset(&gm.aqm, 0, sizeof(gm.aqm));
	matrix_of(&reach, ".0007\n");
	EXPECT_EQ(0, vap_inv_guest_reach("g1", "u1", 0, &reach, &gm, collect, &s));
	matrix_of(&gm, "03.0005\n");
	matrix_of(&reach, "03.0005\n03.0006\n");
	EXPECT_EQ(1, vap_inv_guest_reach("g1", "u1", 0, &reach, &gm, collect, &s));
	EXPECT_EQ(1, vap_inv_guest_reach("g1", "u1", -EIO, &gm, &gm, collect, &s));
	ASSERT_EQ(2, s.n);
	EXPECT_STREQ(VAP_INV_REACH, s.title[0]);
	EXPECT_NE(NULL, strstr(s.line[1], "rc -5"));
}

TEST(title_of_a_report_line)
{
	char line[256];

	snprintf(line, sizeof(line), "%s: mdev u1: 03.0005 ...", VAP_INV_UNBOUND);
	EXPECT_STREQ(VAP_INV_UNBOUND, vap_inv_title_of(line));
	snprintf(line, sizeof(line), "%s: mdevs a and b", VAP_INV_SHARED);
	EXPECT_STREQ(VAP_INV_SHARED, vap_inv_title_of(line));
	EXPECT_EQ(NULL, vap_inv_title_of("isolation: something else"));
	/* a title without its instance is no report line */
	EXPECT_EQ(NULL, vap_inv_title_of(VAP_INV_SHARED));
}

TEST_HARNESS_MAIN

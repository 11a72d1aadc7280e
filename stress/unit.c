// SPDX-License-Identifier: GPL-2.0
/*
 * The option table's own tests: what a case's replay argv says parses
 * back into the same case, for both tools; bad values are refused.
 */
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "options.h"

/* parses the words of a (NULL-terminated) argv: the parse's answer */
static int parse(struct tool_opts *o, unsigned int tool, const char *const *words)
{
	char *argv[64];
	int argc = 0;

	while (words[argc] && argc < 63) {
		argv[argc] = (char *)words[argc];
		argc++;
	}
	argv[argc] = NULL;
	tool_opts_init(o);
	return tool_opts_parse(o, tool, "unit", argc, argv);
}

/* the replay's words as an argv (pointing into the JSON array) */
static int words_of(struct json_object *a, const char **w, int max)
{
	int n = 0;

	for (size_t i = 0; i < json_object_array_length(a) && n < max - 1; i++)
		w[n++] = json_object_get_string(json_object_array_get_idx(a, i));
	w[n] = NULL;
	return n;
}

static bool has_word(struct json_object *a, const char *w)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), w))
			return true;
	return false;
}

TEST(stress_replay_parses_back)
{
	static const char *const args[] = {
		"vfio-ap-stress", "--seed", "7", "--ops", "300", "--threads", "3", "--config", "8x32",
		"--guests", "2", "--vcpus", "3", "--mix", "bind=9,pqap=0", "--deterministic", "pct",
		"--fault", "failslab:10:1", "--timeout", "42", "--seeds", "5", "--quiet", NULL,
	};
	static struct tool_opts o, r;
	const char *w[64];
	struct json_object *a;

	ASSERT_EQ(0, parse(&o, OPT_STRESS, args));
	a = tool_opts_replay(&o, OPT_STRESS, "vfio-ap-stress");
	/* the host always: the default is the machine's */
	EXPECT_TRUE(has_word(a, "--host"));
	words_of(a, w, 64);
	ASSERT_EQ(0, parse(&r, OPT_STRESS, w));
	EXPECT_EQ(o.p.seed, r.p.seed);
	EXPECT_EQ(o.p.ops, r.p.ops);
	EXPECT_EQ(o.p.threads, r.p.threads);
	EXPECT_STREQ(o.p.config, r.p.config);
	EXPECT_EQ(o.p.guests, r.p.guests);
	EXPECT_EQ(o.p.vcpus, r.p.vcpus);
	EXPECT_EQ(0, memcmp(o.p.weights, r.p.weights, sizeof(o.p.weights)));
	EXPECT_STREQ(o.p.det, r.p.det);
	EXPECT_STREQ(o.p.fault, r.p.fault);
	EXPECT_STREQ(o.host, r.host);
	EXPECT_EQ(42, r.cp.timeout);
	/* a replay is one case: no --seeds, no --quiet */
	EXPECT_EQ(0, r.seeds);
	EXPECT_FALSE(r.cp.quiet);
	json_object_put(a);
}

TEST(fault_replays)
{
	static const char *const args[] = {
		"vfio-ap-fault", "--seed", "3", "--deterministic", "random", "--timeout", "60", NULL,
	};
	static struct tool_opts o, c;
	struct json_object *a;
	const char *w[64];

	ASSERT_EQ(0, parse(&o, OPT_FAULT, args));
	/* a stress-based case replays with vfio-ap-stress and the fault */
	c = o;
	c.p.fault = "ap:zapq:04:30";
	a = tool_opts_replay(&c, OPT_STRESS, "vfio-ap-stress");
	EXPECT_TRUE(has_word(a, "--timeout"));
	EXPECT_TRUE(has_word(a, "ap:zapq:04:30"));
	EXPECT_FALSE(has_word(a, "--campaign"));
	words_of(a, w, 64);
	ASSERT_EQ(0, parse(&c, OPT_STRESS, w));
	EXPECT_EQ(3, c.p.seed);
	json_object_put(a);
	/* a sweep replays with vfio-ap-fault: its campaign, its operation,
	 * the seed, and nothing vfio-ap-fault does not take */
	c = o;
	c.campaign = "fail-nth";
	c.only = "mdev create";
	a = tool_opts_replay(&c, OPT_FAULT, "vfio-ap-fault");
	EXPECT_TRUE(has_word(a, "mdev create"));
	EXPECT_TRUE(has_word(a, "--seed"));
	EXPECT_FALSE(has_word(a, "--mix"));
	words_of(a, w, 64);
	ASSERT_EQ(0, parse(&c, OPT_FAULT, w));
	EXPECT_STREQ("fail-nth", c.campaign);
	EXPECT_STREQ("random", c.p.det);
	json_object_put(a);
}

TEST(bad_values_refused)
{
	static const char *const bad[][3] = {
		{ "--threads", "0" }, { "--threads", "17" }, { "--config", "0x16" }, { "--config", "4y16" },
		{ "--host", "elsewhere" }, { "--deterministic", "maybe" }, { "--seed", "-1" },
		{ "--seeds", "0" }, { "--duration", "5x" }, { "--shard", "4/4" }, { "--mix", "nope=1" },
		{ "--fault", "nope" }, { "--guests", "17" }, { "--timeout", "0" },
	};
	static struct tool_opts o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { "unit", bad[i][0], bad[i][1], NULL };

		EXPECT_EQ(2, parse(&o, OPT_STRESS, args)) {
			TH_LOG("%s %s accepted", bad[i][0], bad[i][1]);
		}
	}
	/* an option of the other tool */
	{
		const char *args[] = { "unit", "--campaign", "all", NULL };

		EXPECT_EQ(2, parse(&o, OPT_STRESS, args));
	}
}

TEST_HARNESS_MAIN

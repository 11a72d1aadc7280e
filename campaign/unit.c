// SPDX-License-Identifier: GPL-2.0
/*
 * The campaign layer's own tests: the JSON accessors give the default for
 * anything that is not what was asked for, and the escapes keep the
 * results files well-formed whatever a kernel log holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "json.h"

/* what f(s) writes, as a string (static: one at a time) */
static const char *written(void (*f)(FILE *, const char *), const char *s)
{
	static char *buf;
	size_t len = 0;
	FILE *m;

	free(buf);
	buf = NULL;
	m = open_memstream(&buf, &len);
	f(m, s);
	fclose(m);
	return buf;
}

TEST(accessors_tolerate_anything)
{
	struct json_object *o = json_tokener_parse("{\"s\": \"x\", \"n\": 3, \"d\": 2.5, \"a\": [1, 2], \"z\": null}");
	double v;

	ASSERT_NE(NULL, o);
	EXPECT_STREQ("x", jstr(o, "s", "dflt"));
	EXPECT_STREQ("dflt", jstr(o, "n", "dflt"));
	EXPECT_STREQ("dflt", jstr(o, "missing", "dflt"));
	EXPECT_STREQ("dflt", jstr(NULL, "s", "dflt"));
	EXPECT_EQ(3, jnum_or(o, "n", -1));
	EXPECT_EQ(2.5, jnum_or(o, "d", -1));
	EXPECT_EQ(-1, jnum_or(o, "s", -1));
	EXPECT_FALSE(jnum(o, "z", &v));
	EXPECT_EQ(NULL, jget(o, "z"));
	EXPECT_EQ(2, alen(jarr(o, "a")));
	EXPECT_EQ(0, alen(jarr(o, "s")));
	EXPECT_EQ(NULL, jobj(o, "a"));
	/* a member of something that is no object */
	EXPECT_EQ(NULL, jget(jarr(o, "a"), "s"));
	json_object_put(o);
}

TEST(markup_escape_keeps_markup_well_formed)
{
	EXPECT_STREQ("&lt;a href=&quot;x&quot;&gt; &amp; &#39;y&#39;", written(markup_escape, "<a href=\"x\"> & 'y'"));
	/* UTF-8 kept; bytes of no valid sequence, control characters and
	 * overlong forms as '?' */
	EXPECT_STREQ("caf\xc3\xa9 \xe2\x80\xa6", written(markup_escape, "caf\xc3\xa9 \xe2\x80\xa6"));
	EXPECT_STREQ("a?b", written(markup_escape, "a\xff" "b"));
	EXPECT_STREQ("a?b", written(markup_escape, "a\x01" "b"));
	EXPECT_STREQ("??", written(markup_escape, "\xc0\xaf"));
	EXPECT_STREQ("???", written(markup_escape, "\xed\xa0\x80"));	/* a surrogate */
	EXPECT_STREQ("line\n\ttab", written(markup_escape, "line\r\n\ttab"));
}

TEST(shell_word_quotes_what_needs_it)
{
	EXPECT_STREQ("--seed", written(shell_word, "--seed"));
	EXPECT_STREQ("/a/b-c_d.e=f:g,h+i@j%k", written(shell_word, "/a/b-c_d.e=f:g,h+i@j%k"));
	EXPECT_STREQ("'a b'", written(shell_word, "a b"));
	EXPECT_STREQ("'it'\\''s'", written(shell_word, "it's"));
	EXPECT_STREQ("''", written(shell_word, ""));
	EXPECT_STREQ("'$(x)'", written(shell_word, "$(x)"));
}

TEST_HARNESS_MAIN

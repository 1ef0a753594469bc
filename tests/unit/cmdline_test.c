/* Tests of lib/cmdline.c. */
#include "lib/cmdline.h"
#include "tests/unit/harness.h"

TEST(cmdline, values_and_flags)
{
	char v[16];

	EXPECT_TRUE(cmdline_get("log=debug smp quiet", "log", v, sizeof(v)));
	EXPECT_STREQ(v, "debug");
	EXPECT_TRUE(cmdline_get("log=debug smp quiet", "smp", v, sizeof(v)));
	EXPECT_STREQ(v, "");
	EXPECT_FALSE(cmdline_get("log=debug", "lo", v, sizeof(v)));
	EXPECT_FALSE(cmdline_get("logx=1", "log", v, sizeof(v)));
	EXPECT_TRUE(cmdline_has("  a  b=1\tc ", "c"));
	EXPECT_FALSE(cmdline_has("", "a"));
	EXPECT_FALSE(cmdline_has(NULL, "a"));
}

TEST(cmdline, last_wins_and_truncates)
{
	char v[4];

	EXPECT_TRUE(cmdline_get("x=1 x=234567", "x", v, sizeof(v)));
	EXPECT_STREQ(v, "234");
	EXPECT_TRUE(cmdline_get("x==", "x", v, sizeof(v)));
	EXPECT_STREQ(v, "=");
}

/* Tests of lib/format.c: every conversion compared with the host C library's snprintf. */
/* Deliberately malformed formats below test the formatter, not the compiler. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#include <stdio.h>

#include "lib/format.h"
#include "tests/unit/harness.h"

#define CHECK_FMT(...)                                                              \
	do {                                                                        \
		char mine[128], ref[128];                                           \
		int n1 = format_snprintf(mine, sizeof(mine), __VA_ARGS__);          \
		int n2 = snprintf(ref, sizeof(ref), __VA_ARGS__);                   \
		EXPECT_STREQ(mine, ref);                                            \
		EXPECT_EQ(n1, n2);                                                  \
	} while (0)

TEST(format, integers)
{
	CHECK_FMT("%d %i %u", -42, 7, 4000000000u);
	CHECK_FMT("%ld %lld %lu", -1L, -9223372036854775807LL - 1, 18446744073709551615UL);
	CHECK_FMT("%hhd %hd %hhu", 300, 70000, 255);
	CHECK_FMT("%zu %zx %td %jd", (size_t)12345, (size_t)0xabc, (ptrdiff_t)-5, (intmax_t)-77);
	CHECK_FMT("%x %X %#x %#X %o %#o", 0xdeadbeef, 0xabc, 0x1f, 0x1f, 8, 8);
	CHECK_FMT("%#x %#o", 0, 0);
	CHECK_FMT("%llx", 0xffffffffffffffffULL);
	CHECK_FMT("%+d % d %+d", 5, 5, -5);
}

TEST(format, width_precision)
{
	CHECK_FMT("[%5d][%-5d][%05d][%-05d]", 42, 42, 42, 42);
	CHECK_FMT("[%016lx][%8.3d][%.0d][%.0x]", 0x1234UL, 7, 0, 0);
	CHECK_FMT("[%*d][%-*d][%.*d]", 6, 1, 6, 1, 4, 3);
	CHECK_FMT("[%*d]", -6, 9);
	CHECK_FMT("[%05d][%+05d][% 05d]", -42, 42, 42);
	CHECK_FMT("[%#010x]", 0xbeef);
}

TEST(format, strings_chars_pointers)
{
	CHECK_FMT("[%s][%10s][%-10s][%.2s][%c][%3c][%-3c]", "abc", "right", "left", "trunc", 'x', 'y', 'z');
	CHECK_FMT("100%% sure");
	CHECK_FMT("%p", (void *)0x1000);
	CHECK_FMT("[%.*s]", 3, "abcdef");
}

TEST(format, truncation)
{
	char buf[8];
	int n = format_snprintf(buf, sizeof(buf), "%s", "0123456789");

	EXPECT_EQ(n, 10);
	EXPECT_STREQ(buf, "0123456");
	n = format_snprintf(buf, 0, "%d", 12345);
	EXPECT_EQ(n, 5);
	n = format_snprintf(buf, 1, "%d", 12345);
	EXPECT_EQ(n, 5);
	EXPECT_EQ(buf[0], '\0');
}

TEST(format, null_string_and_unknown)
{
	char buf[32];
	const char *volatile nothing = NULL;

	format_snprintf(buf, sizeof(buf), "%s", nothing);
	EXPECT_STREQ(buf, "(null)");
	format_snprintf(buf, sizeof(buf), "a%qb");
	EXPECT_STREQ(buf, "a%qb");
	format_snprintf(buf, sizeof(buf), "end%");
	EXPECT_STREQ(buf, "end%");
}

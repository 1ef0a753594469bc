/* Tests of kernel/libc/strto.c against the host C library's strtol family. */
#include <stdlib.h>

#include "kernel/libc/strto.h"
#include "tests/unit/harness.h"
#include <errno.h>

static const char *const inputs[] = {
    "0",
    "42",
    "  -17",
    "+9",
    "0x1F",
    "0X1f",
    "017",
    "08",
    "0x",
    "0xg",
    "-0x10",
    "z",
    "",
    "   ",
    "123abc",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999",
    "-1",
    "\t\n 7",
};
static const int bases[] = {0, 2, 8, 10, 16, 36};

TEST(libc_strto, matches_host_for_every_input_and_base)
{
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			char *e1 = NULL, *e2 = NULL;
			int err1, err2;
			long l1, l2;
			unsigned long long u1, u2;

			errno = 0;
			l1 = klibc_strtol(inputs[i], &e1, bases[b]);
			err1 = errno;
			errno = 0;
			l2 = strtol(inputs[i], &e2, bases[b]);
			err2 = errno;
			EXPECT_EQ(l1, l2);
			EXPECT_EQ(e1 - inputs[i], e2 - inputs[i]);
			EXPECT_EQ(err1, err2);

			errno = 0;
			u1 = klibc_strtoull(inputs[i], &e1, bases[b]);
			err1 = errno;
			errno = 0;
			u2 = strtoull(inputs[i], &e2, bases[b]);
			err2 = errno;
			EXPECT_EQ(u1, u2);
			EXPECT_EQ(e1 - inputs[i], e2 - inputs[i]);
			EXPECT_EQ(err1, err2);
		}
	}
}

TEST(libc_strto, bad_base_and_atoi)
{
	char *end = NULL;

	errno = 0;
	EXPECT_EQ(klibc_strtoul("12", &end, 1), 0);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(klibc_strtoul("12", NULL, 37), 0);
	EXPECT_EQ(klibc_atoi("-321"), -321);
	EXPECT_EQ(klibc_strtoul("-1", NULL, 10), (unsigned long)-1);
}

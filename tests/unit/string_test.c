/* Tests of kernel/libc/string.c (built under the klibc_ prefix on the host). */
#include "kernel/libc/string.h"
#include "tests/unit/harness.h"

TEST(klibc, memcpy_memmove_memset)
{
	uint8_t a[64], b[64];

	for (unsigned i = 0; i < 64; i++) {
		a[i] = (uint8_t)i;
	}
	klibc_memset(b, 0xaa, sizeof(b));
	klibc_memcpy(b + 3, a + 1, 50);
	EXPECT_EQ(b[2], 0xaa);
	EXPECT_EQ(b[3], 1);
	EXPECT_EQ(b[52], 50);
	EXPECT_EQ(b[53], 0xaa);
	klibc_memmove(a + 4, a, 32); /* overlapping forward */
	EXPECT_EQ(a[4], 0);
	EXPECT_EQ(a[35], 31);
	klibc_memmove(a, a + 4, 32); /* overlapping backward */
	EXPECT_EQ(a[0], 0);
	EXPECT_EQ(a[31], 31);
	EXPECT_EQ(klibc_memcmp("abc", "abd", 3), -1);
	EXPECT_EQ(klibc_memcmp("abc", "abc", 3), 0);
	klibc_memzero_explicit(a, sizeof(a));
	EXPECT_EQ(a[63], 0);
}

TEST(klibc, strings)
{
	EXPECT_EQ(klibc_strlen("hello"), 5);
	EXPECT_EQ(klibc_strnlen("hello", 3), 3);
	EXPECT_TRUE(klibc_strcmp("a", "b") < 0);
	EXPECT_EQ(klibc_strcmp("same", "same"), 0);
	EXPECT_EQ(klibc_strncmp("abcx", "abcy", 3), 0);
	EXPECT_TRUE(klibc_strncmp("abcx", "abcy", 4) < 0);
	EXPECT_TRUE(klibc_strchr("abc", 'c') != NULL);
	EXPECT_TRUE(klibc_strchr("abc", 'z') == NULL);
	EXPECT_TRUE(klibc_strchr("abc", '\0') != NULL);
	EXPECT_STREQ(klibc_strstr("hello world", "o w"), "o world");
	EXPECT_TRUE(klibc_strstr("hello", "xyz") == NULL);
	EXPECT_STREQ(klibc_strstr("abc", ""), "abc");
	EXPECT_STREQ(klibc_strstr("", ""), "");
}

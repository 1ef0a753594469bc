/* Tests of the string functions the glibc-ABI shim added to kernel/libc/string.c. */
#include "kernel/libc/string.h"
#include "tests/unit/harness.h"
#include <string.h>

TEST(libc_string, search_functions_match_host)
{
	static const char *const s[] = {"", "a", "hello, world", "abcabc", "x=1;y=2"};
	static const char *const sets[] = {"", "a", "lo", ",;=", "xyz"};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		for (size_t j = 0; j < sizeof(sets) / sizeof(sets[0]); j++) {
			EXPECT_EQ(klibc_strspn(s[i], sets[j]), strspn(s[i], sets[j]));
			EXPECT_EQ(klibc_strcspn(s[i], sets[j]), strcspn(s[i], sets[j]));
			EXPECT_TRUE(klibc_strpbrk(s[i], sets[j]) == strpbrk(s[i], sets[j]));
		}
		for (int c = 0; c < 128; c++) {
			EXPECT_TRUE(klibc_strrchr(s[i], c) == strrchr(s[i], c));
			EXPECT_TRUE(klibc_memchr(s[i], c, strlen(s[i])) ==
				    memchr(s[i], c, strlen(s[i])));
		}
	}
}

TEST(libc_string, copies)
{
	char buf[16];

	memset(buf, 'z', sizeof(buf));
	EXPECT_TRUE(klibc_strcpy(buf, "abc") == buf);
	EXPECT_STREQ(buf, "abc");
	klibc_strcat(buf, "def");
	EXPECT_STREQ(buf, "abcdef");
	memset(buf, 'z', sizeof(buf));
	klibc_strncpy(buf, "ab", 5);
	EXPECT_MEMEQ(buf, "ab\0\0\0z", 6);
	klibc_strncpy(buf, "abcdef", 3);
	EXPECT_MEMEQ(buf, "abc\0", 4);
	klibc_explicit_bzero(buf, sizeof(buf));
	EXPECT_EQ(buf[15], 0);
}

TEST(libc_string, strtok)
{
	char a[] = "  one,two;;three ";
	char *save = NULL;

	EXPECT_STREQ(klibc_strtok(a, " ,;"), "one");
	EXPECT_STREQ(klibc_strtok(NULL, " ,;"), "two");
	EXPECT_STREQ(klibc_strtok(NULL, " ,;"), "three");
	EXPECT_TRUE(klibc_strtok(NULL, " ,;") == NULL);
	char b[] = ";;";
	EXPECT_TRUE(klibc_strtok_r(b, ";", &save) == NULL);
}

/* Tests of kernel/libc/ctype.c: the shim's tables must equal glibc's "C"-locale tables. */
#include "kernel/libc/ctype.h"
#include "tests/unit/harness.h"
#include <ctype.h>
#include <locale.h>

TEST(libc_ctype, class_table_equals_glibc_c_locale)
{
	const unsigned short *ours = *klibc___ctype_b_loc();
	const unsigned short *glibc = *__ctype_b_loc();

	setlocale(LC_ALL, "C");
	for (int c = -128; c < 256; c++) {
		EXPECT_EQ(ours[c], glibc[c]);
	}
	EXPECT_EQ(ours['a'] & CTYPE_XDIGIT, CTYPE_XDIGIT);
	EXPECT_EQ(ours[-1], 0); /* EOF */
}

TEST(libc_ctype, case_tables_equal_glibc)
{
	const int32_t *lower = *klibc___ctype_tolower_loc();
	const int32_t *upper = *klibc___ctype_toupper_loc();

	for (int c = -128; c < 256; c++) {
		EXPECT_EQ(lower[c], (*__ctype_tolower_loc())[c]);
		EXPECT_EQ(upper[c], (*__ctype_toupper_loc())[c]);
	}
	EXPECT_EQ(klibc_tolower('Q'), 'q');
	EXPECT_EQ(klibc_toupper('q'), 'Q');
	EXPECT_EQ(klibc_toupper(1000), 1000);
}

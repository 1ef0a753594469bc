/*
 * Minimal host unit-test harness: TEST(suite, name) registers a test at load time,
 * EXPECT_* record a failure and go on, ASSERT_* record a failure and leave the test.
 * harness.c runs every test (or those matching argv[1]) and prints one line per test,
 * then "N passed, N failed". Built with ASan and UBSan.
 */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct unit_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool unit_current_failed(void);
/**
 * unit_dies - run @fn in a child process; true if the child was killed by SIGABRT (a host
 * panic() or CHECK()) and, unless @text is NULL, printed @text on stderr first. A child
 * that returns from @fn exits 0, so "it went on" reads as false.
 */
bool unit_dies(void (*fn)(void), const char *text);

#define TEST(suite, name)                                                   \
	static void unit_fn_##suite##_##name(void);                         \
	static struct unit_test unit_desc_##suite##_##name = {              \
		#suite, #name, unit_fn_##suite##_##name, NULL};             \
	__attribute__((constructor)) static void unit_reg_##suite##_##name(void) \
	{                                                                   \
		unit_register(&unit_desc_##suite##_##name);                 \
	}                                                                   \
	static void unit_fn_##suite##_##name(void)

#define UNIT_CMP_(a, op, b, ret)                                            \
	do {                                                                \
		uint64_t unit_a_ = (uint64_t)(a), unit_b_ = (uint64_t)(b);   \
		if (!(unit_a_ op unit_b_)) {                                \
			unit_fail(__FILE__, __LINE__,                       \
				  "%s %s %s (0x%" PRIx64 " vs 0x%" PRIx64 ")", \
				  #a, #op, #b, unit_a_, unit_b_);           \
			ret;                                                \
		}                                                           \
	} while (0)

#define EXPECT_EQ(a, b) UNIT_CMP_(a, ==, b, (void)0)
#define EXPECT_NE(a, b) UNIT_CMP_(a, !=, b, (void)0)
#define EXPECT_LT(a, b) UNIT_CMP_(a, <, b, (void)0)
#define EXPECT_LE(a, b) UNIT_CMP_(a, <=, b, (void)0)
#define EXPECT_GE(a, b) UNIT_CMP_(a, >=, b, (void)0)
#define EXPECT_TRUE(c)  UNIT_CMP_(!!(c), ==, 1, (void)0)
#define EXPECT_FALSE(c) UNIT_CMP_(!!(c), ==, 0, (void)0)
#define ASSERT_EQ(a, b) UNIT_CMP_(a, ==, b, return)
#define ASSERT_NE(a, b) UNIT_CMP_(a, !=, b, return)
#define ASSERT_TRUE(c)  UNIT_CMP_(!!(c), ==, 1, return)
#define ASSERT_FALSE(c) UNIT_CMP_(!!(c), ==, 0, return)

#define EXPECT_STREQ(a, b)                                                  \
	do {                                                                \
		const char *unit_sa_ = (a), *unit_sb_ = (b);                \
		if (strcmp(unit_sa_, unit_sb_) != 0) {                      \
			unit_fail(__FILE__, __LINE__, "%s == %s (\"%s\" vs \"%s\")", \
				  #a, #b, unit_sa_, unit_sb_);              \
		}                                                           \
	} while (0)

#define EXPECT_MEMEQ(a, b, n)                                               \
	do {                                                                \
		if (memcmp((a), (b), (n)) != 0) {                           \
			unit_fail(__FILE__, __LINE__, "memcmp(%s, %s, %s) != 0", \
				  #a, #b, #n);                              \
		}                                                           \
	} while (0)

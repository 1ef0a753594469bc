/*
 * In-kernel test framework: KTEST(suite, name) places a descriptor in the .svsm_tests
 * section; the test kernel runs them all after boot, prints
 * "[svsm-test] suite.name PASS|FAIL" per test and "N passed, N failed", then reports
 * through isa-debug-exit. KEXPECT* record a failure and continue.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KTEST(suite, name)                                                           \
	static void ktest_fn_##suite##_##name(void);                                 \
	static const struct ktest ktest_desc_##suite##_##name                        \
		__attribute__((used, section(".svsm_tests"), aligned(8))) = {        \
			#suite, #name, ktest_fn_##suite##_##name};                   \
	static void ktest_fn_##suite##_##name(void)

void ktest_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b);

#define KEXPECT(cond)                                                                \
	do {                                                                         \
		if (!(cond)) {                                                       \
			ktest_fail(__FILE__, __LINE__, #cond, 0, 0);                 \
		}                                                                    \
	} while (0)

#define KEXPECT_EQ(a, b)                                                             \
	do {                                                                         \
		uint64_t ka_ = (uint64_t)(a), kb_ = (uint64_t)(b);                   \
		if (ka_ != kb_) {                                                    \
			ktest_fail(__FILE__, __LINE__, #a " == " #b, ka_, kb_);      \
		}                                                                    \
	} while (0)

#define KASSERT(cond)                                                                \
	do {                                                                         \
		if (!(cond)) {                                                       \
			ktest_fail(__FILE__, __LINE__, #cond, 0, 0);                 \
			return;                                                      \
		}                                                                    \
	} while (0)

/** ktest_count - number of registered tests (0 in the production kernel). */
unsigned ktest_count(void);
/** ktest_run_all - run tests whose "suite.name" contains @filter (NULL = all). */
unsigned ktest_run_all(const char *filter);

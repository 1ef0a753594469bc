/* Runner of the in-kernel tests (see ktest.h). Runs on the BSP; tests run one at a time. */
#include "kernel/lib/ktest.h"

#include <string.h>

#include "kernel/lib/log.h"
#include "lib/format.h"

extern const struct ktest __start_svsm_tests[], __stop_svsm_tests[];

static bool current_failed;

void ktest_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b)
{
	log_raw("  %s:%d: %s (%#lx vs %#lx)\n", file, line, expr, a, b);
	current_failed = true;
}

unsigned ktest_count(void)
{
	return (unsigned)(__stop_svsm_tests - __start_svsm_tests);
}

static bool matches(const struct ktest *t, const char *filter)
{
	char full[128];
	size_t n, f;

	if (filter == NULL || filter[0] == '\0') {
		return true;
	}
	format_snprintf(full, sizeof(full), "%s.%s", t->suite, t->name);
	n = strlen(full);
	f = strlen(filter);
	for (size_t i = 0; i + f <= n; i++) {
		if (memcmp(full + i, filter, f) == 0) {
			return true;
		}
	}
	return false;
}

unsigned ktest_run_all(const char *filter)
{
	unsigned passed = 0, failed = 0;

	for (const struct ktest *t = __start_svsm_tests; t < __stop_svsm_tests; t++) {
		if (!matches(t, filter)) {
			continue;
		}
		current_failed = false;
		t->fn();
		log_raw("[svsm-test] %s.%s %s\n", t->suite, t->name, current_failed ? "FAIL" : "PASS");
		if (current_failed) {
			failed++;
		} else {
			passed++;
		}
	}
	log_raw("%u passed, %u failed\n", passed, failed);
	return failed;
}

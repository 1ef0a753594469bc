/*
 * Exit statistics (exit_stats.h): one relaxed atomic counter per reason, shared by every
 * vCPU; no lock, the counters only grow (exit_stats_reset is for tests).
 */
#include "kernel/vcpu/exit_stats.h"

#include "kernel/lib/log.h"

#define HW_EXIT_INTR  0x60 /* SVM exit codes, the same on native and SNP */
#define HW_EXIT_NMI   0x61
#define HW_EXIT_VINTR 0x64

static uint64_t counters[EXIT_STAT_COUNT];

static const char *const names[EXIT_STAT_COUNT] = {
	[EXIT_STAT_NONE] = "none",	       [EXIT_STAT_SVSM_CALL] = "svsm_call",
	[EXIT_STAT_IO] = "io",		       [EXIT_STAT_MMIO] = "mmio",
	[EXIT_STAT_MSR] = "msr",	       [EXIT_STAT_CPUID] = "cpuid",
	[EXIT_STAT_HLT] = "hlt",	       [EXIT_STAT_INTR_WINDOW] = "intr_window",
	[EXIT_STAT_INVD] = "invd",	       [EXIT_STAT_UD] = "ud",
	[EXIT_STAT_SHUTDOWN] = "shutdown",     [EXIT_STAT_STOP] = "stop",
	[EXIT_STAT_UNKNOWN] = "unknown",       [EXIT_STAT_INTR] = "intr",
	[EXIT_STAT_NMI] = "nmi",	       [EXIT_STAT_VINTR] = "vintr",
};

static enum exit_stat classify(const struct vm_exit *e)
{
	if (e->kind != VM_EXIT_NONE) {
		/* enum exit_stat follows enum vm_exit_kind up to EXIT_STAT_UNKNOWN. */
		return (unsigned)e->kind <= VM_EXIT_UNKNOWN ? (enum exit_stat)e->kind
							    : EXIT_STAT_UNKNOWN;
	}
	switch (e->hw_code) {
	case HW_EXIT_INTR:
		return EXIT_STAT_INTR;
	case HW_EXIT_NMI:
		return EXIT_STAT_NMI;
	case HW_EXIT_VINTR:
		return EXIT_STAT_VINTR;
	default:
		return EXIT_STAT_NONE;
	}
}

void exit_stats_count(const struct vm_exit *e)
{
	__atomic_add_fetch(&counters[classify(e)], 1, __ATOMIC_RELAXED);
}

uint64_t exit_stats_get(enum exit_stat stat)
{
	return (unsigned)stat < EXIT_STAT_COUNT ? __atomic_load_n(&counters[stat], __ATOMIC_RELAXED)
						: 0;
}

const char *exit_stats_name(enum exit_stat stat)
{
	return (unsigned)stat < EXIT_STAT_COUNT ? names[stat] : "?";
}

void exit_stats_print(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < EXIT_STAT_COUNT; i++) {
		uint64_t n = exit_stats_get((enum exit_stat)i);

		if (n != 0) {
			pr_info("svsm-exits %s %lu\n", names[i], (unsigned long)n);
			total += n;
		}
	}
	pr_info("svsm-exits total %lu\n", (unsigned long)total);
}

void exit_stats_reset(void)
{
	for (unsigned i = 0; i < EXIT_STAT_COUNT; i++) {
		__atomic_store_n(&counters[i], 0, __ATOMIC_RELAXED);
	}
}

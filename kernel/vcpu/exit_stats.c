/*
 * Exit statistics (exit_stats.h): one relaxed atomic counter per reason and one per port
 * for port I/O, shared by every vCPU; no lock, the counters only grow (exit_stats_reset is for tests).
 */
#include "kernel/vcpu/exit_stats.h"

#include <stddef.h>

#include "kernel/lib/log.h"

#define HW_EXIT_INTR  0x60 /* SVM exit codes, the same on native and SNP */
#define HW_EXIT_NMI   0x61
#define HW_EXIT_VINTR 0x64

#define TOP_PORTS 6

static uint64_t counters[EXIT_STAT_COUNT];
static void (*device_report)(void); /* exit_stats_set_device_report() */
static uint32_t port_counts[0x10000]; /* port I/O exits by port: where an OS guest's go */

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
	if (e->kind == VM_EXIT_IO) {
		__atomic_add_fetch(&port_counts[e->u.io.port], 1, __ATOMIC_RELAXED);
	}
}

/* The ports with the most exits, largest first, as "svsm-exits io_port_0xNNN <count>". */
static void print_top_ports(void)
{
	uint32_t printed_below = UINT32_MAX;

	for (unsigned k = 0; k < TOP_PORTS; k++) {
		uint32_t best = 0;
		unsigned best_port = 0;

		for (unsigned port = 0; port < 0x10000; port++) {
			uint32_t n = __atomic_load_n(&port_counts[port], __ATOMIC_RELAXED);

			if (n > best && n < printed_below) {
				best = n;
				best_port = port;
			}
		}
		if (best == 0) {
			return;
		}
		pr_info("svsm-exits io_port_%#x %u\n", best_port, best);
		printed_below = best; /* ties below the first are merged: a summary, not a table */
	}
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
	print_top_ports();
	pr_info("svsm-exits total %lu\n", (unsigned long)total);
	if (device_report != NULL) {
		device_report();
	}
}

void exit_stats_set_device_report(void (*fn)(void))
{
	device_report = fn;
}

void exit_stats_reset(void)
{
	for (unsigned i = 0; i < EXIT_STAT_COUNT; i++) {
		__atomic_store_n(&counters[i], 0, __ATOMIC_RELAXED);
	}
	for (unsigned port = 0; port < 0x10000; port++) {
		__atomic_store_n(&port_counts[port], 0, __ATOMIC_RELAXED);
	}
}

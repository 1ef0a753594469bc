/*
 * Exit statistics: how many exits of each kind every vCPU of the guest took, counted by
 * the exit dispatcher (exit.c) and printed when the guest powers off, resets or stops, in
 * a machine-readable format (docs/paravisor.md "Ports and power").
 */
#pragma once

#include <stdint.h>

#include "kernel/platform/vm_exit.h"

/* enum exit_stat - one counter: the vm_exit kinds, VM_EXIT_NONE split by its cause. */
enum exit_stat {
	EXIT_STAT_NONE = 0,   /* VM_EXIT_NONE with another hardware code */
	EXIT_STAT_SVSM_CALL,
	EXIT_STAT_IO,
	EXIT_STAT_MMIO,
	EXIT_STAT_MSR,
	EXIT_STAT_CPUID,
	EXIT_STAT_HLT,
	EXIT_STAT_INTR_WINDOW,
	EXIT_STAT_INVD,
	EXIT_STAT_UD,
	EXIT_STAT_SHUTDOWN,
	EXIT_STAT_STOP,
	EXIT_STAT_UNKNOWN,
	EXIT_STAT_INTR,       /* VM_EXIT_NONE: a host interrupt (SVM exit 0x60) */
	EXIT_STAT_NMI,        /* VM_EXIT_NONE: an NMI (0x61) */
	EXIT_STAT_VINTR,      /* VM_EXIT_NONE: a virtual interrupt window (0x64) */
	EXIT_STAT_COUNT,
};

/** exit_stats_count - count one exit (any CPU, atomic). */
void exit_stats_count(const struct vm_exit *e);
/** exit_stats_get - the counter of @stat. */
uint64_t exit_stats_get(enum exit_stat stat);
/** exit_stats_name - the reason as printed ("io", "cpuid", ...). */
const char *exit_stats_name(enum exit_stat stat);
/**
 * exit_stats_print - one line "svsm-exits <reason> <count>" per non-zero reason, in
 * enum order, then "svsm-exits total <count>".
 */
void exit_stats_print(void);
/**
 * exit_stats_set_device_report - @fn prints a device's own statistics after the exit lines
 * (the TPM CRB device's per-command times). One device; set-up time only.
 */
void exit_stats_set_device_report(void (*fn)(void));
/** exit_stats_reset - zero every counter (host unit tests). */
void exit_stats_reset(void);

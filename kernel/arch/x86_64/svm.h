/*
 * AMD SVM (AMD-V) primitives: per-CPU enablement (EFER.SVME, host save area), the world
 * switch, and FPU/SSE state switching around it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/vmcb.h"
#include "svsm/err.h"

/** struct fpu_area - FXSAVE image (512 bytes, 16-byte aligned). */
struct fpu_area {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

/** svm_supported - CPUID says SVM and nested paging are available and not disabled. */
bool svm_supported(const char **why);
/** svm_cpu_init - enable SVM on this CPU (EFER.SVME, VM_HSAVE_PA, host VMSAVE area). */
enum svsm_err svm_cpu_init(void) SVSM_MUST_CHECK;
/** svm_asid_count - number of ASIDs (CPUID 0x8000000a EBX). */
uint32_t svm_asid_count(void);

/**
 * svm_run - enter the guest described by @vmcb_pa with @gprs and @fpu, return on #VMEXIT.
 * Host FS/GS/TR/LDTR/syscall MSRs are preserved with VMSAVE/VMLOAD; runs with GIF clear
 * around the switch and interrupts disabled.
 */
void svm_run(uint64_t vmcb_pa, struct guest_gprs *gprs, struct fpu_area *fpu);

/** fpu_init_state - a clean FXSAVE image for a new vCPU. */
void fpu_init_state(struct fpu_area *fpu);

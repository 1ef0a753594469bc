/*
 * AMD SVM (AMD-V) primitives: per-CPU enablement (EFER.SVME, host save area), the world
 * switch, and FPU/SSE state switching around it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/vmcb.h"
#include "svsm/err.h"

/**
 * struct vcpu_fpu - a vCPU's vector state: an XSAVE area (FXSAVE format without XSAVE)
 * from xsave_area_alloc(), and the XCR0 the guest runs with (VMRUN does not switch it).
 */
struct vcpu_fpu {
	void *area;
	uint64_t xcr0;
};

/** svm_supported - CPUID says SVM and nested paging are available and not disabled. */
bool svm_supported(const char **why);
/** svm_cpu_init - enable SVM on this CPU (EFER.SVME, VM_HSAVE_PA, host VMSAVE area). */
enum svsm_err svm_cpu_init(void) SVSM_MUST_CHECK;
/** svm_asid_count - number of ASIDs (CPUID 0x8000000a EBX). */
uint32_t svm_asid_count(void);

/**
 * svm_run - enter the guest described by @vmcb_pa with @gprs and @fpu, return on #VMEXIT.
 * Host FS/GS/TR/LDTR/syscall MSRs are preserved with VMSAVE/VMLOAD; runs with GIF clear
 * around the switch and interrupts disabled. The guest's vector state and XCR0 are loaded
 * if they are not already live and stay live after the exit (see svm_fpu_release()).
 */
void svm_run(uint64_t vmcb_pa, struct guest_gprs *gprs, struct vcpu_fpu *fpu);

/**
 * svm_fpu_release - save the vector state of the guest live on this CPU, if any, and give
 * the vector unit to the SVSM (its XCR0, init state). Before any SVSM vector code runs.
 */
void svm_fpu_release(void);
/** svm_fpu_live - @fpu is the vector state live on this CPU (its XCR0 is in hardware). */
bool svm_fpu_live(const struct vcpu_fpu *fpu);

/** vcpu_fpu_init - vector state of a new vCPU (architectural init state, XCR0 = x87). */
enum svsm_err vcpu_fpu_init(struct vcpu_fpu *fpu) SVSM_MUST_CHECK;
void vcpu_fpu_free(struct vcpu_fpu *fpu);

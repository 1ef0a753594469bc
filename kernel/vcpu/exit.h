/*
 * The exit dispatcher and the emulation it calls in kernel/vcpu/: one struct vm_exit in,
 * what the vCPU loop does next out. Runs on the CPU that owns the vCPU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/platform/vm_exit.h"

struct vcpu;

/** enum vcpu_next - what the vCPU loop does after an exit. */
enum vcpu_next {
	VCPU_NEXT_RUN = 0, /* enter the guest again */
	VCPU_NEXT_HALT,    /* wait for an interrupt, then enter again */
	VCPU_NEXT_STOP,    /* this vCPU's run ends */
};

/**
 * vcpu_exit_dispatch - handle @e of @v: SVSM calls to protocols/ (vcpu_handle_call), port
 * I/O and MMIO to the device bus (devices/), MSRs to vcpu_msr_exit(), CPUID to
 * vcpu_cpuid_exit(); completes or faults the exiting instruction.
 */
enum vcpu_next vcpu_exit_dispatch(struct vcpu *v, const struct vm_exit *e);

/** vcpu_msr_exit - emulate RDMSR/WRMSR (vcpu/msr.c): complete it or inject #GP. */
void vcpu_msr_exit(struct vcpu *v, const struct vm_exit *e);
/** vcpu_cpuid_exit - emulate CPUID (vcpu/cpuid.c). */
void vcpu_cpuid_exit(struct vcpu *v, const struct vm_exit *e);
/** vcpu_mmio_exit - emulate an access to a GPA a device owns (vcpu/mmio.c). */
enum vcpu_next vcpu_mmio_exit(struct vcpu *v, const struct vm_exit *e);
/** vcpu_complete - the exiting instruction is done: advance RIP past it. */
void vcpu_complete(struct vcpu *v, const struct vm_exit *e);
/** vcpu_exit_invd_count - INVD/WBINVD exits emulated so far (all vCPUs). */
uint64_t vcpu_exit_invd_count(void);

/*
 * The guest's CPUID filter (cpuid.c), exposed for host unit tests: which feature bits a
 * guest of the SVSM sees.
 */
#pragma once

#include <stdint.h>

#include "kernel/arch/x86_64/x86.h"

#define CPUID_1_ECX_MONITOR          (1u << 3)
#define CPUID_1_ECX_VMX              (1u << 5)
#define CPUID_1_ECX_X2APIC           (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE     (1u << 24)
#define CPUID_1_ECX_OSXSAVE          (1u << 27)
#define CPUID_1_ECX_HYPERVISOR       (1u << 31)
#define CPUID_7_EBX_TSC_ADJUST       (1u << 1)
#define CPUID_7_ECX_OSPKE            (1u << 4)
#define CPUID_80000001_ECX_SVM       (1u << 2)
#define CPUID_80000001_ECX_MONITORX  (1u << 29)
#define CPUID_CR4_PKE                (1ull << 22)

/**
 * struct cpuid_guest - what of the guest the filter reflects.
 * @cr4:        the guest's CR4 (OSXSAVE, PKE).
 * @apic_id:    the vCPU's APIC ID.
 * @xsave_size: XSAVE area size for the guest's XCR0 (leaf 0xD subleaves 0 and 1 only).
 */
struct cpuid_guest {
	uint64_t cr4;
	uint32_t apic_id;
	uint32_t xsave_size;
};

/** vcpu_cpuid_filter - the guest's view of leaf @leaf.@subleaf, given the CPU's @r. */
struct cpuid_regs vcpu_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs r,
				    const struct cpuid_guest *g);
/** vcpu_cpuid_xsave_size - standard-format XSAVE area bytes for @xcr0 (CPU's layout). */
uint32_t vcpu_cpuid_xsave_size(uint64_t xcr0);

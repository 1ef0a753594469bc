/*
 * The MSR numbers and bits the guest MSR policy (vcpu/msr.c) owns beyond those in
 * arch/x86_64/x86.h, and its validation helper, for host unit tests.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MSR_SPEC_CTRL          0x48
#define MSR_PRED_CMD           0x49
#define MSR_PATCH_LEVEL        0x8b
#define MSR_MTRR_CAP           0xfe
#define MSR_MCG_CAP            0x179
#define MSR_MCG_STATUS         0x17a
#define MSR_MTRR_PHYS_BASE0    0x200
#define MSR_MTRR_FIX64K_00000  0x250
#define MSR_MTRR_FIX16K_80000  0x258
#define MSR_MTRR_FIX16K_A0000  0x259
#define MSR_MTRR_FIX4K_C0000   0x268
#define MSR_MTRR_FIX4K_F8000   0x26f
#define MSR_MTRR_DEF_TYPE      0x2ff
#define MSR_TSC_AUX            MSR_TSC_AUX_PASSED
#define MSR_AMD_SYSCFG         0xc0010010
#define MSR_AMD_HWCR           0xc0010015
#define MSR_AMD_DE_CFG         0xc0011029

#define MTRR_CAP_FIX            (1ull << 8)
#define MTRR_CAP_WC             (1ull << 10)
#define SPEC_CTRL_VALID         0x7ull /* IBRS, STIBP, SSBD */
#define DE_CFG_LFENCE_SERIALIZE (1ull << 1)
#define VM_CR_LOCK              (1ull << 3)
#define VM_CR_SVMDIS            (1ull << 4)
#define APIC_BASE_EXTD          (1ull << 10) /* x2APIC mode */

/** vcpu_msr_mtrr_valid - @value is legal for MTRR @msr (no reserved bit, valid types). */
bool vcpu_msr_mtrr_valid(uint32_t msr, uint64_t value);

/**
 * vcpu_msr_apic_base_view - the APIC_BASE value the guest reads when the hardware's is @hw.
 * The guest's CPUID has no x2APIC and its local APIC is the xAPIC page the SVSM emulates, so
 * EXTD reads clear even while the SVSM runs the shared APIC in x2APIC mode (QEMU 8.1 and
 * later give TCG an x2APIC): with EXTD set, OVMF uses the x2APIC MSRs, which #GP.
 */
static inline uint64_t vcpu_msr_apic_base_view(uint64_t hw)
{
	return hw & ~APIC_BASE_EXTD;
}

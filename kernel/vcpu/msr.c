/*
 * The guest's MSRs that exit (all but those the platform switches or passes itself, e.g.
 * native's VMLOAD/VMSAVE set and TSC_AUX): deny by default, every unknown MSR raises #GP.
 * Owned here (docs/paravisor.md "CPUID and MSRs"):
 *   MSR_SVSM_CAA  the calling area (writes ignored, as the SNP #VC convention does)
 *   EFER, PAT     kept per vCPU by the platform (VM_REG_EFER, VM_REG_PAT); EFER.SVME is
 *                 always set for VMRUN and never visible to the guest
 *   MTRRs         per vCPU in struct vcpu_msrs, validated like hardware, never written to
 *                 the hardware (the SVSM's memory types stay its own)
 *   SPEC_CTRL     per vCPU, only when CPUID advertises it; PRED_CMD (IBPB) write-only
 *   APIC_BASE     reads the hardware's without EXTD (the guest has an xAPIC); a write must
 *                 keep that value
 *   TSC           read-only
 *   fixed values  MCG_CAP/MCG_STATUS 0, PATCH_LEVEL 0, HWCR 0, DE_CFG LFENCE-serialising,
 *                 SYSCFG 0; writes ignored
 *   VM_CR, VM_HSAVE_PA  the guest has no SVM: VM_CR reads LOCK|SVMDIS (disabled by
 *                 firmware), VM_HSAVE_PA 0; writes are dropped
 * Only the vCPU's own CPU touches its struct vcpu_msrs: no lock.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/msr.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"

#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME)
#define CR0_PG (1ull << 31)

static bool mtrr_type_valid(uint64_t type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

static uint64_t phys_addr_mask(void)
{
	struct cpuid_regs r = cpuid(0x80000000u, 0);
	unsigned bits = 36;

	if (r.eax >= 0x80000008u) {
		bits = cpuid(0x80000008u, 0).eax & 0xff;
	}
	if (bits < 36 || bits > 52) {
		bits = 36;
	}
	return (1ull << bits) - 1;
}

/* Is the value valid for this MTRR (a fixed MTRR: eight type bytes)? */
bool vcpu_msr_mtrr_valid(uint32_t msr, uint64_t value)
{
	if (msr == MSR_MTRR_DEF_TYPE) {
		return (value & ~0xcffull) == 0 && mtrr_type_valid(value & 0xff);
	}
	if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 2 * VCPU_MTRR_VAR_COUNT) {
		uint64_t addr = phys_addr_mask() & ~0xfffull;

		if (((msr - MSR_MTRR_PHYS_BASE0) & 1) == 0) {
			return (value & ~(addr | 0xff)) == 0 && mtrr_type_valid(value & 0xff);
		}
		return (value & ~(addr | (1ull << 11))) == 0; /* PhysMask: mask and Valid */
	}
	for (unsigned i = 0; i < 8; i++) {
		if (!mtrr_type_valid((value >> (8 * i)) & 0xff)) {
			return false;
		}
	}
	return true;
}

/* The slot of a per-vCPU MTRR, or NULL when @msr is none. */
static uint64_t *mtrr_slot(struct vcpu_msrs *m, uint32_t msr)
{
	if (msr == MSR_MTRR_DEF_TYPE) {
		return &m->mtrr_def_type;
	}
	if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 2 * VCPU_MTRR_VAR_COUNT) {
		return &m->mtrr_var[msr - MSR_MTRR_PHYS_BASE0];
	}
	if (msr == MSR_MTRR_FIX64K_00000) {
		return &m->mtrr_fixed[0];
	}
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000) {
		return &m->mtrr_fixed[1 + msr - MSR_MTRR_FIX16K_80000];
	}
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000) {
		return &m->mtrr_fixed[3 + msr - MSR_MTRR_FIX4K_C0000];
	}
	return NULL;
}

static bool cpu_has_spec_ctrl(void)
{
	struct cpuid_regs ext = cpuid(0x80000000u, 0);
	uint32_t amd = ext.eax >= 0x80000008u ? cpuid(0x80000008u, 0).ebx : 0;

	/* Intel's SPEC_CTRL bit, or AMD's IBRS, STIBP or SSBD. */
	return (cpuid(7, 0).edx & (1u << 26)) != 0 ||
	       (amd & ((1u << 14) | (1u << 15) | (1u << 24))) != 0;
}

static bool cpu_has_ibpb(void)
{
	struct cpuid_regs ext = cpuid(0x80000000u, 0);
	uint32_t amd = ext.eax >= 0x80000008u ? cpuid(0x80000008u, 0).ebx : 0;

	return (cpuid(7, 0).edx & (1u << 26)) != 0 || (amd & (1u << 12)) != 0;
}

/*
 * EFER: LMA is the hardware's (set on CR0.PG with LME), LME may change only while paging
 * is off, SVME stays set and reads as clear. Reserved bits fault as on hardware.
 */
static bool efer_write(struct vcpu *v, uint64_t value)
{
	uint64_t cur = plat_vcpu_reg(v, VM_REG_EFER);

	if ((value & ~EFER_GUEST_BITS) != 0) {
		return false;
	}
	if ((plat_vcpu_reg(v, VM_REG_CR0) & CR0_PG) != 0 && ((value ^ cur) & EFER_LME) != 0) {
		return false;
	}
	plat_vcpu_set_reg(v, VM_REG_EFER, (value & ~EFER_LMA) | (cur & EFER_LMA) | EFER_SVME);
	return true;
}

/* Decode and perform one access; false: #GP. */
static bool msr_access(struct vcpu *v, const struct vm_exit_msr *m, uint64_t *result)
{
	uint64_t *slot = mtrr_slot(&v->msrs, m->msr);

	if (slot != NULL) {
		if (m->write) {
			if (!vcpu_msr_mtrr_valid(m->msr, m->value)) {
				return false;
			}
			*slot = m->value;
		}
		*result = *slot;
		return true;
	}
	switch (m->msr) {
	case MSR_SVSM_CAA:
		*result = gpa_addr(v->ca_gpa);
		return true;
	case MSR_VM_HSAVE_PA:
		*result = 0;
		return true;
	case MSR_VM_CR:
		*result = VM_CR_LOCK | VM_CR_SVMDIS;
		return true;
	case MSR_APIC_BASE:
		/* The shared APIC stays where and how the SVSM has it; the guest sees an xAPIC. */
		*result = vcpu_msr_apic_base_view(rdmsr(MSR_APIC_BASE));
		return !m->write || m->value == *result;
	case MSR_EFER:
		if (m->write && !efer_write(v, m->value)) {
			return false;
		}
		*result = plat_vcpu_reg(v, VM_REG_EFER) & ~EFER_SVME;
		return true;
	case MSR_PAT:
		if (m->write) {
			if (!x86_pat_valid(m->value)) {
				return false;
			}
			plat_vcpu_set_reg(v, VM_REG_PAT, m->value);
		}
		*result = plat_vcpu_reg(v, VM_REG_PAT);
		return true;
	case MSR_TSC:
		*result = rdtsc() + plat_vcpu_reg(v, VM_REG_TSC_OFFSET);
		return !m->write;
	case MSR_MTRR_CAP:
		*result = MTRR_CAP_WC | MTRR_CAP_FIX | VCPU_MTRR_VAR_COUNT;
		return !m->write;
	case MSR_MCG_CAP:
		*result = 0; /* no banks, no MCG_CTL */
		return !m->write;
	case MSR_MCG_STATUS:
		*result = 0;
		return !m->write || m->value == 0;
	case MSR_SPEC_CTRL:
		if (!cpu_has_spec_ctrl()) {
			return false;
		}
		if (m->write) {
			if ((m->value & ~SPEC_CTRL_VALID) != 0) {
				return false;
			}
			v->msrs.spec_ctrl = m->value;
		}
		*result = v->msrs.spec_ctrl;
		return true;
	case MSR_PRED_CMD:
		if (!m->write || !cpu_has_ibpb() || (m->value & ~1ull) != 0) {
			return false;
		}
		if (m->value != 0) {
			wrmsr(MSR_PRED_CMD, 1); /* an IBPB only helps the SVSM too */
		}
		return true;
	case MSR_PATCH_LEVEL:
		*result = 0;
		return true; /* writes (BIOS_SIGN_ID clears) ignored */
	case MSR_AMD_HWCR:
	case MSR_AMD_SYSCFG:
		*result = 0;
		return true; /* read-only value, writes ignored */
	case MSR_AMD_DE_CFG:
		*result = DE_CFG_LFENCE_SERIALIZE;
		return true;
	default:
		return false;
	}
}

void vcpu_msr_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_msr *m = &e->u.msr;
	uint64_t result = 0;

	if (!msr_access(v, m, &result)) {
		plat_vcpu_inject(v, VEC_GP, true, 0);
		return;
	}
	if (!m->write) {
		plat_vcpu_set_reg(v, VM_REG_RAX, (uint32_t)result);
		plat_vcpu_set_reg(v, VM_REG_RDX, result >> 32);
	}
	vcpu_complete(v, e);
}

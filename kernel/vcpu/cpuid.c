/*
 * The guest's CPUID, in one place (docs/paravisor.md "CPUID and MSRs"): the CPU's own
 * leaf, filtered. Hidden: SVM (8000_0001.ECX[2], leaf 8000_000A) and SEV (8000_001F), for
 * the guest has neither; x2APIC, TSC-deadline, MONITOR/MWAIT(X), which the SVSM does not
 * virtualise, and TSC_ADJUST; the hypervisor bit and leaves 4000_00xx. Reflecting the guest, not the
 * SVSM: OSXSAVE and OSPKE follow the guest's CR4, leaf 0xD sizes the guest's XCR0, the
 * APIC IDs the vCPU's. No state.
 */
#include "kernel/vcpu/cpuid.h"

#include "kernel/arch/x86_64/x86.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/vcpu.h"

#define XSAVE_LEGACY_SIZE 576u /* legacy area + XSAVE header */

struct cpuid_regs vcpu_cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_regs r,
				    const struct cpuid_guest *g)
{
	switch (leaf) {
	case 0x1:
		r.ebx = (r.ebx & 0x00ffffffu) | (g->apic_id & 0xffu) << 24;
		r.ecx &= ~(CPUID_1_ECX_MONITOR | CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE |
			   CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_HYPERVISOR | CPUID_1_ECX_VMX);
		if ((g->cr4 & CR4_OSXSAVE) != 0) {
			r.ecx |= CPUID_1_ECX_OSXSAVE;
		}
		break;
	case 0x5:
		r = (struct cpuid_regs){0}; /* MONITOR/MWAIT */
		break;
	case 0x7:
		if (subleaf == 0) {
			r.ebx &= ~CPUID_7_EBX_TSC_ADJUST; /* MSR 0x3b is not emulated */
			r.ecx &= ~CPUID_7_ECX_OSPKE;
			if ((g->cr4 & CPUID_CR4_PKE) != 0) {
				r.ecx |= CPUID_7_ECX_OSPKE;
			}
		}
		break;
	case 0xb:
	case 0x1f:
		r.edx = g->apic_id; /* topology leaves report the x2APIC ID */
		break;
	case 0xd:
		if (subleaf == 0 || subleaf == 1) {
			r.ebx = g->xsave_size; /* XCR0 (| IA32_XSS = 0) of the guest */
		}
		break;
	case 0x80000001:
		r.ecx &= ~(CPUID_80000001_ECX_SVM | CPUID_80000001_ECX_MONITORX);
		break;
	case 0x8000000a: /* SVM features */
	case 0x8000001f: /* SEV */
		r = (struct cpuid_regs){0};
		break;
	default:
		if (leaf >= 0x40000000u && leaf <= 0x400000ffu) {
			r = (struct cpuid_regs){0}; /* no hypervisor interface */
		}
		break;
	}
	return r;
}

uint32_t vcpu_cpuid_xsave_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_SIZE;

	/* Standard format: component i at CPUID(0xD, i).EBX, EAX bytes long. */
	for (unsigned i = 2; i < 63; i++) {
		if ((xcr0 & (1ull << i)) != 0) {
			struct cpuid_regs c = cpuid(0xd, i);

			if (c.ebx + c.eax > size) {
				size = c.ebx + c.eax;
			}
		}
	}
	return size;
}

void vcpu_cpuid_exit(struct vcpu *v, const struct vm_exit *e)
{
	uint32_t leaf = e->u.cpuid.leaf, subleaf = e->u.cpuid.subleaf;
	struct cpuid_guest g = {.cr4 = plat_vcpu_reg(v, VM_REG_CR4), .apic_id = v->apic_id};
	struct cpuid_regs r;

	if (leaf == 0xd && subleaf <= 1) {
		g.xsave_size = vcpu_cpuid_xsave_size(plat_vcpu_reg(v, VM_REG_XCR0));
	}
	r = vcpu_cpuid_filter(leaf, subleaf, cpuid(leaf, subleaf), &g);
	plat_vcpu_set_reg(v, VM_REG_RAX, r.eax);
	plat_vcpu_set_reg(v, VM_REG_RBX, r.ebx);
	plat_vcpu_set_reg(v, VM_REG_RCX, r.ecx);
	plat_vcpu_set_reg(v, VM_REG_RDX, r.edx);
	vcpu_complete(v, e);
}

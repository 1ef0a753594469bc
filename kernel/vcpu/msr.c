/*
 * The guest's MSRs that exit (all but those the platform switches itself, e.g. native's
 * VMLOAD/VMSAVE set): deny by default. MSR_SVSM_CAA returns the calling area, EFER and PAT
 * are kept per vCPU by the platform (VM_REG_EFER, VM_REG_PAT), the TSC and the APIC base
 * read, VM_HSAVE_PA and VM_CR read 0; every other access raises #GP. No state.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"

void vcpu_msr_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_msr *m = &e->u.msr;
	uint64_t result = 0;
	bool fault = false;

	switch (m->msr) {
	case MSR_SVSM_CAA:
		result =
		    gpa_addr(v->ca_gpa); /* writes are ignored, as the SNP #VC convention does */
		break;
	case MSR_VM_HSAVE_PA:
	case MSR_VM_CR:
		break; /* the guest has no SVM of its own: reads 0, writes are dropped */
	case MSR_APIC_BASE:
		fault = m->write; /* the shared APIC stays where and how the SVSM has it */
		result = fault ? 0 : rdmsr(MSR_APIC_BASE);
		break;
	case MSR_EFER:
		if (m->write) {
			/* SVME must stay set for VMRUN; reserved bits fault as on hardware. */
			fault = (m->value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
					      EFER_SVME)) != 0;
			if (!fault) {
				plat_vcpu_set_reg(v, VM_REG_EFER, m->value | EFER_SVME);
			}
		}
		result = plat_vcpu_reg(v, VM_REG_EFER);
		break;
	case MSR_PAT:
		if (m->write) {
			fault = !x86_pat_valid(m->value);
			if (!fault) {
				plat_vcpu_set_reg(v, VM_REG_PAT, m->value);
			}
		}
		result = plat_vcpu_reg(v, VM_REG_PAT);
		break;
	case MSR_TSC:
		fault = m->write;
		result = rdtsc() + plat_vcpu_reg(v, VM_REG_TSC_OFFSET);
		break;
	default:
		fault = true;
		break;
	}
	if (fault) {
		plat_vcpu_inject(v, VEC_GP, true, 0);
		return;
	}
	if (!m->write) {
		plat_vcpu_set_reg(v, VM_REG_RAX, (uint32_t)result);
		plat_vcpu_set_reg(v, VM_REG_RDX, result >> 32);
	}
	vcpu_complete(v, e);
}

/*
 * The SNP platform's run step (kernel build only): run the guest's VMPL2 VMSA once through
 * the host (run_vmpl.c, host-tested), translate its exit into struct vm_exit, and the guest
 * register accessors on that VMSA. The VMSA belongs to the vCPU whose loop calls these, on
 * its own CPU, and is edited only while EFER.SVME is clear.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/platform/snp/run_vmpl.h"
#include "kernel/platform/snp/snp_platform.h"
#include "kernel/vcpu/vcpu.h"

void plat_run_vcpu(struct vcpu *v, struct vm_exit *exit)
{
	struct snp_vcpu *sv = v->plat;
	struct snp_cpu *c = NULL;
	enum svsm_err err = SVSM_OK;

	*exit = (struct vm_exit){.kind = VM_EXIT_STOP};
	if (v->stop_request) {
		return;
	}
	irq_disable();
	c = snp_this_cpu();
	exit->kind = snp_run_vmpl_once(c->ghcb, c->ghcb_gpa, sv->vmsa, SNP_GUEST_VMPL, &err);
	exit->hw_code = sv->vmsa->guest_exit_code;
	exit->hw_info1 = sv->vmsa->guest_exit_info_1;
	exit->hw_info2 = sv->vmsa->guest_exit_info_2;
	if (err != SVSM_OK) {
		pr_err("snp: vCPU %u: the host did not run VMPL%u (error %d)\n", v->id,
		       SNP_GUEST_VMPL, err);
	} else if (exit->kind == VM_EXIT_STOP) {
		pr_err("snp: vCPU %u stopped: exit code %#lx at RIP %#lx\n", v->id,
		       sv->vmsa->guest_exit_code, sv->vmsa->rip);
	}
}

uint64_t plat_vcpu_reg(struct vcpu *v, enum vm_reg reg)
{
	struct snp_vcpu *sv = v->plat;
	const uint64_t *r = snp_vmsa_reg(sv->vmsa, reg);

	if (reg == VM_REG_CPL) {
		return sv->vmsa->cpl;
	}
	return r != NULL ? *r : 0;
}

void plat_vcpu_set_reg(struct vcpu *v, enum vm_reg reg, uint64_t value)
{
	struct snp_vcpu *sv = v->plat;
	uint64_t *r = snp_vmsa_reg(sv->vmsa, reg);

	if (reg == VM_REG_CPL) {
		sv->vmsa->cpl = (uint8_t)(value & 3);
	} else if (r != NULL) {
		*r = value;
	}
}

void plat_vcpu_inject(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	struct snp_vcpu *sv = v->plat;

	/* EVENTINJ format, as in the VMCB (APM vol. 2 15.20): type 3 = exception. */
	sv->vmsa->event_inj = vector | (3u << 8) | (1u << 31) |
			      (has_error ? (1u << 11) | ((uint64_t)error << 32) : 0);
}

void plat_call_regs(struct vcpu *v, struct svsm_call_regs *regs, bool write)
{
	struct snp_vcpu *sv = v->plat;

	snp_call_regs(sv->vmsa, regs, write);
}


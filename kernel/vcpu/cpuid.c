/*
 * The guest's CPUID, in one place. Native does not intercept CPUID today, so the guest
 * sees the CPU's own values; an intercepted CPUID gets the same (the CPU's leaf), which is
 * where a filtered view (no SVM, the SVSM's own features hidden) will go. No state.
 */
#include "kernel/arch/x86_64/x86.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"

void vcpu_cpuid_exit(struct vcpu *v, const struct vm_exit *e)
{
	struct cpuid_regs r = cpuid(e->u.cpuid.leaf, e->u.cpuid.subleaf);

	plat_vcpu_set_reg(v, VM_REG_RAX, r.eax);
	plat_vcpu_set_reg(v, VM_REG_RBX, r.ebx);
	plat_vcpu_set_reg(v, VM_REG_RCX, r.ecx);
	plat_vcpu_set_reg(v, VM_REG_RDX, r.edx);
	vcpu_complete(v, e);
}

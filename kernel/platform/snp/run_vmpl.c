/*
 * The run-VMPL step of the SNP vCPU loop (COCONUT vmm/execloop.rs, svsm-abi.md 1.5): owns the
 * EFER.SVME discipline on the guest VMSA and the exit decision. No state; the VMSA belongs
 * to the vCPU whose loop calls this, on its own CPU.
 */
#include "kernel/platform/snp/run_vmpl.h"

#include "kernel/platform/snp/ghcb.h"

enum plat_exit snp_exit_classify(const struct vmsa *vmsa)
{
	switch (vmsa->guest_exit_code) {
	case SVM_EXIT_VMGEXIT:
		/* The guest asked for VMPL0; vcpu_handle_call() checks call_pending. */
		return PLAT_EXIT_SVSM_CALL;
	case SNP_EXIT_HLT:
		return PLAT_EXIT_HALT;
	case SNP_EXIT_SHUTDOWN:
	case SNP_EXIT_INVALID:
		return PLAT_EXIT_STOP;
	default:
		/* Interrupts, NMIs, host-handled exits: nothing for the SVSM; run again. */
		return PLAT_EXIT_CONTINUE;
	}
}

enum plat_exit snp_run_vmpl_once(struct ghcb *g, uint64_t ghcb_gpa, struct vmsa *vmsa,
				 unsigned int vmpl, enum svsm_err *err)
{
	enum plat_exit exit = PLAT_EXIT_STOP;

	vmsa->guest_exit_code = 0;
	__atomic_or_fetch(&vmsa->efer, SNP_VMSA_EFER_SVME, __ATOMIC_SEQ_CST);
	*err = snp_ghcb_run_vmpl(g, ghcb_gpa, vmpl);
	/* COCONUT does the same: the host must not run the VMSA while the SVSM edits it. */
	__atomic_and_fetch(&vmsa->efer, ~SNP_VMSA_EFER_SVME, __ATOMIC_SEQ_CST);
	if (*err == SVSM_OK) {
		exit = snp_exit_classify(vmsa);
	}
	return exit;
}

void snp_call_regs(struct vmsa *vmsa, struct svsm_call_regs *regs, bool write)
{
	if (write) {
		vmsa->rax = regs->rax;
		vmsa->rcx = regs->rcx;
		vmsa->rdx = regs->rdx;
		vmsa->r8 = regs->r8;
		vmsa->r9 = regs->r9;
	} else {
		*regs =
		    (struct svsm_call_regs){vmsa->rax, vmsa->rcx, vmsa->rdx, vmsa->r8, vmsa->r9};
	}
}

/*
 * The run-VMPL step of the SNP vCPU loop (COCONUT vmm/execloop.rs, svsm-abi.md 1.5): owns the
 * EFER.SVME discipline on the guest VMSA, the translation of its exit into struct vm_exit
 * and where each guest register lives in the VMSA. No state; the VMSA belongs
 * to the vCPU whose loop calls this, on its own CPU.
 */
#include "kernel/platform/snp/run_vmpl.h"

#include "kernel/platform/snp/ghcb.h"

enum vm_exit_kind snp_exit_classify(const struct vmsa *vmsa)
{
	switch (vmsa->guest_exit_code) {
	case SVM_EXIT_VMGEXIT:
		/* The guest asked for VMPL0; vcpu_handle_call() checks call_pending. */
		return VM_EXIT_SVSM_CALL;
	case SNP_EXIT_HLT:
		return VM_EXIT_HLT;
	case SNP_EXIT_SHUTDOWN:
	case SNP_EXIT_INVALID:
		return VM_EXIT_STOP;
	default:
		/* Interrupts, NMIs, host-handled exits: nothing for the SVSM; run again. */
		return VM_EXIT_NONE;
	}
}

enum vm_exit_kind snp_run_vmpl_once(struct ghcb *g, uint64_t ghcb_gpa, struct vmsa *vmsa,
				    unsigned int vmpl, enum svsm_err *err)
{
	enum vm_exit_kind exit = VM_EXIT_STOP;

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

uint64_t *snp_vmsa_reg(struct vmsa *vmsa, enum vm_reg reg)
{
	switch (reg) {
	case VM_REG_RAX: return &vmsa->rax;
	case VM_REG_RCX: return &vmsa->rcx;
	case VM_REG_RDX: return &vmsa->rdx;
	case VM_REG_RBX: return &vmsa->rbx;
	case VM_REG_RSP: return &vmsa->rsp;
	case VM_REG_RBP: return &vmsa->rbp;
	case VM_REG_RSI: return &vmsa->rsi;
	case VM_REG_RDI: return &vmsa->rdi;
	case VM_REG_R8: return &vmsa->r8;
	case VM_REG_R9: return &vmsa->r9;
	case VM_REG_R10: return &vmsa->r10;
	case VM_REG_R11: return &vmsa->r11;
	case VM_REG_R12: return &vmsa->r12;
	case VM_REG_R13: return &vmsa->r13;
	case VM_REG_R14: return &vmsa->r14;
	case VM_REG_R15: return &vmsa->r15;
	case VM_REG_RIP: return &vmsa->rip;
	case VM_REG_EFER: return &vmsa->efer;
	case VM_REG_PAT: return &vmsa->g_pat;
	case VM_REG_CR0: return &vmsa->cr0;
	case VM_REG_CR3: return &vmsa->cr3;
	case VM_REG_CR4: return &vmsa->cr4;
	case VM_REG_CS_BASE: return &vmsa->cs.base;
	case VM_REG_XCR0: return &vmsa->xcr0;
	case VM_REG_RFLAGS: return &vmsa->rflags;
	case VM_REG_DS_BASE: return &vmsa->ds.base;
	case VM_REG_ES_BASE: return &vmsa->es.base;
	case VM_REG_CPL: /* a byte: plat_vcpu_reg() */
	case VM_REG_TSC_OFFSET:
	case VM_REG_COUNT:
		break;
	}
	return NULL;
}

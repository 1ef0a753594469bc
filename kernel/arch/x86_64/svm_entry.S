/*
 * The SVM world switch. svm_vmrun_asm(vmcb_pa, gprs, host_save_pa):
 * GIF is cleared, the host's VMSAVE state (FS/GS bases, TR, LDTR, syscall and sysenter
 * MSRs, KernelGSBase) is saved, the guest's loaded, the guest GPRs that VMRUN does not
 * switch are loaded from struct guest_gprs, VMRUN runs the guest, and on #VMEXIT the
 * same steps are undone in reverse. Callers hold interrupts disabled; interrupts that
 * arrive meanwhile stay pending (GIF=0, then IF=0) for the caller to take.
 * GPRS_* offsets come from build/kernel/gen/asm_offsets.h (kernel/arch/x86_64/asm_offsets.c).
 */
#include "asm_offsets.h"

	.text
	.globl svm_vmrun_asm
svm_vmrun_asm:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx                      /* [rsp+16] host save area */
	pushq %rsi                      /* [rsp+8]  struct guest_gprs */
	pushq %rdi                      /* [rsp]    VMCB */
	clgi
	/*
	 * With V_INTR_MASKING the host's IF at VMRUN decides whether physical interrupts
	 * exit the guest: set it while GIF=0 holds them pending (APM 15.21.1).
	 */
	sti
	movq %rdx, %rax
	vmsave %rax
	movq %rdi, %rax
	vmload %rax
	movq GPRS_RBX(%rsi), %rbx
	movq GPRS_RCX(%rsi), %rcx
	movq GPRS_RDX(%rsi), %rdx
	movq GPRS_RDI(%rsi), %rdi
	movq GPRS_RBP(%rsi), %rbp
	movq GPRS_R8(%rsi), %r8
	movq GPRS_R9(%rsi), %r9
	movq GPRS_R10(%rsi), %r10
	movq GPRS_R11(%rsi), %r11
	movq GPRS_R12(%rsi), %r12
	movq GPRS_R13(%rsi), %r13
	movq GPRS_R14(%rsi), %r14
	movq GPRS_R15(%rsi), %r15
	movq GPRS_RSI(%rsi), %rsi
	vmrun %rax
	/* #VMEXIT: RAX and RSP are the host's again (RAX = VMCB). */
	vmsave %rax
	pushq %rsi
	movq 16(%rsp), %rsi             /* struct guest_gprs */
	movq %rbx, GPRS_RBX(%rsi)
	movq %rcx, GPRS_RCX(%rsi)
	movq %rdx, GPRS_RDX(%rsi)
	popq GPRS_RSI(%rsi)
	movq %rdi, GPRS_RDI(%rsi)
	movq %rbp, GPRS_RBP(%rsi)
	movq %r8, GPRS_R8(%rsi)
	movq %r9, GPRS_R9(%rsi)
	movq %r10, GPRS_R10(%rsi)
	movq %r11, GPRS_R11(%rsi)
	movq %r12, GPRS_R12(%rsi)
	movq %r13, GPRS_R13(%rsi)
	movq %r14, GPRS_R14(%rsi)
	movq %r15, GPRS_R15(%rsi)
	movq 16(%rsp), %rax
	vmload %rax
	cli
	stgi
	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

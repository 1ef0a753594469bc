/*
 * The SVM world switch. svm_vmrun_asm(vmcb_pa, gprs, host_save_pa):
 * GIF is cleared, the host's VMSAVE state (FS/GS bases, TR, LDTR, syscall and sysenter
 * MSRs, KernelGSBase) is saved, the guest's loaded, the guest GPRs that VMRUN does not
 * switch are loaded from struct guest_gprs, VMRUN runs the guest, and on #VMEXIT the
 * same steps are undone in reverse. Callers hold interrupts disabled; interrupts that
 * arrive meanwhile stay pending (GIF=0, then IF=0) for the caller to take.
 */
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
	movq 0(%rsi), %rbx
	movq 8(%rsi), %rcx
	movq 16(%rsi), %rdx
	movq 32(%rsi), %rdi
	movq 40(%rsi), %rbp
	movq 48(%rsi), %r8
	movq 56(%rsi), %r9
	movq 64(%rsi), %r10
	movq 72(%rsi), %r11
	movq 80(%rsi), %r12
	movq 88(%rsi), %r13
	movq 96(%rsi), %r14
	movq 104(%rsi), %r15
	movq 24(%rsi), %rsi
	vmrun %rax
	/* #VMEXIT: RAX and RSP are the host's again (RAX = VMCB). */
	vmsave %rax
	pushq %rsi
	movq 16(%rsp), %rsi             /* struct guest_gprs */
	movq %rbx, 0(%rsi)
	movq %rcx, 8(%rsi)
	movq %rdx, 16(%rsi)
	popq 24(%rsi)
	movq %rdi, 32(%rsi)
	movq %rbp, 40(%rsi)
	movq %r8, 48(%rsi)
	movq %r9, 56(%rsi)
	movq %r10, 64(%rsi)
	movq %r11, 72(%rsi)
	movq %r12, 80(%rsi)
	movq %r13, 88(%rsi)
	movq %r14, 96(%rsi)
	movq %r15, 104(%rsi)
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

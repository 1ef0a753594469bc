/*
 * Probe functions for kernel tests: each executes one instruction that may fault and
 * returns 0, or 1 when the test fault hook redirected it to probe_fixup. The hook
 * (tests/kernel/fault.c) may only redirect while the probe's frame is the top frame.
 */
	.text
	.globl probe_read8, probe_write8, probe_exec, probe_ud2, probe_int3
	.globl probe_div0, probe_gp, probe_rdmsr, probe_regs, probe_fixup, probe_exec_fixup

probe_read8:            /* int probe_read8(const void *addr) */
	xorl %eax, %eax
	movb (%rdi), %dl
	ret

probe_write8:           /* int probe_write8(void *addr, uint8_t v) */
	xorl %eax, %eax
	movb %sil, (%rdi)
	ret

probe_exec:             /* int probe_exec(void *code): calls code, expects it to fault or ret */
	xorl %eax, %eax
	call *%rdi
	ret

probe_ud2:
	xorl %eax, %eax
	ud2
	ret

probe_int3:
	xorl %eax, %eax
	int3
	ret

probe_div0:
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	divl %ecx
	ret

probe_gp:               /* non-canonical load */
	xorl %eax, %eax
	movabs $0x8000000000000000, %rcx
	movq (%rcx), %rcx
	ret

probe_rdmsr:            /* int probe_rdmsr(uint32_t msr): the value is dropped */
	movl %edi, %ecx
	rdmsr
	xorl %eax, %eax
	ret

probe_regs:             /* known values in every GPR, then ud2; the hook checks the frame */
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq $0x1111, %rax
	movq $0x2222, %rbx
	movq $0x3333, %rcx
	movq $0x4444, %rdx
	movq $0x5555, %rsi
	movq $0x6666, %rdi
	movq $0x7777, %rbp
	movq $0x8888, %r8
	movq $0x9999, %r9
	movq $0xaaaa, %r10
	movq $0xbbbb, %r11
	movq $0xcccc, %r12
	movq $0xdddd, %r13
	movq $0xeeee, %r14
	movq $0xffff, %r15
	ud2
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

probe_fixup:
	movl $1, %eax
	ret

probe_exec_fixup:       /* the faulting call pushed a return address: drop it */
	addq $8, %rsp
	movl $1, %eax
	ret

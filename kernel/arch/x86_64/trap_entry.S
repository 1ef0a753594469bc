/*
 * 256 interrupt stubs of TRAP_STUB_SIZE bytes each: push a zero error code where the CPU
 * pushes none, push the vector, save all GPRs into a struct trap_frame, call
 * trap_handle(frame), restore and iretq.
 */
#include "kernel/arch/x86_64/trap.h"

	.text
	.p2align 4
	.globl trap_stubs
trap_stubs:
	vec = 0
	.rept 256
	.p2align 4
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	pushq $vec
	.else
	pushq $0
	pushq $vec
	.endif
	jmp trap_common
	vec = vec + 1
	.endr

	.p2align 4
trap_common:
	/* After the error code the CPU frame is 16-byte aligned; with the vector and 15 GPRs
	 * the frame is 176 bytes, so %rsp stays 16-byte aligned for the call. */
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_handle
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

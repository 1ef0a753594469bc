/*
 * Owns non-local jumps with glibc's x86-64 jmp_buf layout (rbx, rbp, r12-r15, rsp, rip at
 * words 0-7; pointers are not mangled, nothing else reads them): setjmp, _setjmp,
 * __sigsetjmp (no signal mask to save), longjmp, _longjmp and __longjmp_chk. libtpms calls
 * _setjmp around every command and __longjmp_chk from its failure mode. __longjmp_chk
 * panics when the target frame is below the current stack pointer (a dead frame), as
 * glibc's fortified longjmp does. Vector registers are caller-saved: nothing to keep.
 */
	.text

	.globl setjmp, _setjmp, __sigsetjmp
	.type setjmp, @function
	.type _setjmp, @function
	.type __sigsetjmp, @function
setjmp:
_setjmp:
__sigsetjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rdx              /* the caller's %rsp after our return */
	movq %rdx, 48(%rdi)
	movq (%rsp), %rdx               /* return address */
	movq %rdx, 56(%rdi)
	movl $0, 64(%rdi)               /* mask_was_saved */
	xorl %eax, %eax
	ret
	.size setjmp, . - setjmp

	.globl longjmp, _longjmp, __longjmp_chk
	.type longjmp, @function
	.type _longjmp, @function
	.type __longjmp_chk, @function
__longjmp_chk:
	cmpq %rsp, 48(%rdi)
	jb 1f
longjmp:
_longjmp:
	movl %esi, %eax
	testl %eax, %eax
	jnz 2f
	incl %eax                       /* longjmp(env, 0) returns 1 */
2:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmpq *56(%rdi)
1:	leaq longjmp_down_msg(%rip), %rdi
	andq $-16, %rsp
	call panic
	.size longjmp, . - longjmp

	.section .rodata
longjmp_down_msg:
	.asciz "__longjmp_chk: target frame is below the stack pointer (dead frame)"

	.section .note.GNU-stack, "", @progbits

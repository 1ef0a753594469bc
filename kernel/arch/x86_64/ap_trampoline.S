/*
 * Application-processor start-up. The blob in .ap_trampoline is copied to
 * AP_TRAMPOLINE_PA; a SIPI starts the AP there in real mode. It switches to protected
 * mode, enables long mode with the early boot page tables (which still identity-map low
 * memory and map the kernel), and jumps to ap_start64 in the kernel with %rbx pointing
 * at the parameter block (struct ap_params in smp.c). ap_start64 takes the stack and
 * per-CPU pointer, switches to the final page tables and calls ap_main(percpu).
 */
#include "kernel/arch/x86_64/layout.h"

#define TR(label) (AP_TRAMPOLINE_PA + (label) - ap_trampoline_start)

	.section .ap_trampoline, "a"
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(tr_gdt_desc)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x18, $TR(tr_pm32)

	.code32
tr_pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0xa0, %eax                 /* PAE | PGE */
	movl %eax, %cr4
	movl TR(tr_params), %eax        /* params.boot_cr3 */
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x900, %eax                /* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80010021, %eax           /* PG | WP | NE | PE */
	movl %eax, %cr0
	ljmp $0x08, $TR(tr_lm64)

	.code64
tr_lm64:
	movl $TR(tr_params), %ebx
	jmp *8(%rbx)                    /* params.entry64 */

	.p2align 3
tr_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00cf9a000000ffff        /* 0x18: 32-bit code */
tr_gdt_desc:
	.word tr_gdt_desc - tr_gdt - 1
	.long TR(tr_gdt)

	.p2align 3
	.globl ap_trampoline_params
ap_trampoline_params:
tr_params:
	.skip 48                        /* struct ap_params */
	.globl ap_trampoline_end
ap_trampoline_end:

	.text
	.globl ap_start64
ap_start64:
	movq 24(%rbx), %rsp             /* params.stack_top */
	movq 32(%rbx), %rdi             /* params.percpu */
	movq 16(%rbx), %rax             /* params.final_cr3 */
	movq %rax, %cr3
	xorl %ebp, %ebp
	call ap_main
1:	cli
	hlt
	jmp 1b

	.globl arch_call_on_stack
/* void arch_call_on_stack(uint64_t top, void (*fn)(void)): never returns. */
arch_call_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	call *%rsi
2:	cli
	hlt
	jmp 2b

/*
 * PVH entry of the SVSM kernel: QEMU (`-kernel`) finds pvh_start32 through the Xen ELF
 * note and enters it in 32-bit protected mode, paging off, EBX = hvm_start_info.
 * This code builds early page tables (identity, direct map and kernel image, all of the
 * first 4 GiB with 2 MiB pages), enables long mode and NX, and calls kmain(start_info)
 * on the boot stack in the higher half. The early tables are replaced in mm_init().
 */
#include "kernel/arch/x86_64/layout.h"

	.section .note.Xen, "a"
	.p2align 2
	.long 4                 /* namesz */
	.long 8                 /* descsz */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.quad pvh_start32

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	movl %ebx, %edi                 /* start_info, first argument of kmain */

	/* 2048 PD entries of 2 MiB cover the first 4 GiB. */
	movl $boot_pd, %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB */
	movl %eax, (%ebx, %ecx, 8)
	movl $0, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	movl $(boot_pd + 0x0003), boot_pdpt_low + 0
	movl $(boot_pd + 0x1003), boot_pdpt_low + 8
	movl $(boot_pd + 0x2003), boot_pdpt_low + 16
	movl $(boot_pd + 0x3003), boot_pdpt_low + 24
	movl $(boot_pd + 0x0003), boot_pdpt_high + 510 * 8
	movl $(boot_pd + 0x1003), boot_pdpt_high + 511 * 8
	movl $(boot_pdpt_low + 3), boot_pml4              /* identity */
	movl $(boot_pdpt_low + 3), boot_pml4 + 256 * 8    /* direct map */
	movl $(boot_pdpt_high + 3), boot_pml4 + 511 * 8   /* kernel image */

	movl %cr4, %eax
	orl $0xa0, %eax                 /* PAE | PGE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER */
	rdmsr
	orl $0x900, %eax                /* LME | NXE */
	wrmsr
	lgdt boot_gdt_desc
	movl %cr0, %eax
	orl $0x80010021, %eax           /* PG | WP | NE | PE */
	movl %eax, %cr0
	ljmp $0x08, $boot_start64

	.code64
boot_start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movabs $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movabs $kmain, %rax
	call *%rax
2:	cli
	hlt
	jmp 2b

	.section .boot.data, "aw"
	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 64-bit code */
	.quad 0x00cf92000000ffff        /* data */
boot_gdt_desc:
	.word boot_gdt_desc - boot_gdt - 1
	.long boot_gdt

	.section .boot.bss, "aw", @nobits
	.p2align 12
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096

	.bss
	.p2align 12
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip KSTACK_PAGES * PAGE_SIZE
	.globl boot_stack_top
boot_stack_top:

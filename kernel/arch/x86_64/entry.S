/*
 * PVH entry of the SVSM kernel: QEMU (`-kernel`) finds pvh_start32 through the Xen ELF
 * note and enters it in 32-bit protected mode, paging off, EBX = hvm_start_info.
 * This code builds early page tables (identity, direct map and kernel image, all of the
 * first 4 GiB with 2 MiB pages), enables long mode and NX, and calls kmain(start_info)
 * on the boot stack in the higher half. The early tables are replaced in mm_init().
 *
 * The SNP kernel assembles this file with SVSM_SNP defined (mk/extra/snp.mk; the native
 * object is built without it and is unchanged). There EBX is the IGVM boot parameter page;
 * the C-bit position comes from the CPUID page it names (leaf 0x8000001F EBX[5:0]), since
 * CPUID itself would raise #VC before any handler exists, and every early page-table entry
 * carries it. With paging off every access is private, so the tables, the boot parameter
 * page and the CPUID page are read and written encrypted. A page that does not fit asks the
 * host to terminate the guest through the GHCB MSR protocol.
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

#ifdef SVSM_SNP
/*
 * ESI = the C-bit as a mask of the high dword of a PTE. Inline (no stack yet); clobbers
 * EAX, ECX, EDX. Checks: boot parameter magic and platform SEV-SNP, a CPUID page below
 * 4 GiB with at most 64 entries, a C-bit position in 32..51.
 */
.macro call_snp_cbit
	cmpl $0x50425653, (%ebx)        /* SVSM_BOOT_PARAMS_MAGIC "SVBP" */
	jne snp_entry_fail
	cmpb $2, 6(%ebx)                /* platform: SEV-SNP */
	jne snp_entry_fail
	cmpl $0, 0x6c(%ebx)             /* cpuid_page_gpa, high dword */
	jne snp_entry_fail
	movl 0x68(%ebx), %edx           /* cpuid_page_gpa */
	testl %edx, %edx
	jz snp_entry_fail
	movl %edx, snp_boot_cpuid_pa
	movl (%edx), %ecx               /* count */
	cmpl $64, %ecx
	ja snp_entry_fail
	addl $16, %edx                  /* fn[0] */
101:	testl %ecx, %ecx
	jz snp_entry_fail
	cmpl $0x8000001f, (%edx)        /* eax_in */
	je 102f
	addl $48, %edx
	decl %ecx
	jmp 101b
102:	movl 0x1c(%edx), %ecx           /* ebx: C-bit position in bits 5:0 */
	andl $0x3f, %ecx
	cmpl $32, %ecx
	jb snp_entry_fail
	cmpl $51, %ecx
	ja snp_entry_fail
	movl %ecx, snp_boot_cbit_pos
	subl $32, %ecx
	movl $1, %esi
	shll %cl, %esi
.endm
#endif

	.section .boot.text, "ax"
	.code32
#ifdef SVSM_SNP
/* GHCB MSR protocol termination request: set 3 (SVSM), code 0x80 (bad boot page). */
snp_entry_fail:
	movl $0xc0010130, %ecx
	movl $0x00803100, %eax
	xorl %edx, %edx
	wrmsr
	rep; vmmcall
	cli
	hlt
	jmp snp_entry_fail
#endif
	.globl pvh_start32
pvh_start32:
	cli
	cld
	movl %ebx, %edi                 /* start_info, first argument of kmain */
#ifdef SVSM_SNP
	call_snp_cbit
#endif

	/* 2048 PD entries of 2 MiB cover the first 4 GiB. */
	movl $boot_pd, %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB */
	movl %eax, (%ebx, %ecx, 8)
#ifdef SVSM_SNP
	movl %esi, 4(%ebx, %ecx, 8)     /* C-bit (high dword) */
#else
	movl $0, 4(%ebx, %ecx, 8)
#endif
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
#ifdef SVSM_SNP
	movl %esi, boot_pdpt_low + 4
	movl %esi, boot_pdpt_low + 12
	movl %esi, boot_pdpt_low + 20
	movl %esi, boot_pdpt_low + 28
	movl %esi, boot_pdpt_high + 510 * 8 + 4
	movl %esi, boot_pdpt_high + 511 * 8 + 4
	movl %esi, boot_pml4 + 4
	movl %esi, boot_pml4 + 256 * 8 + 4
	movl %esi, boot_pml4 + 511 * 8 + 4
#endif

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
#ifdef SVSM_SNP
	.p2align 3
/* Read by the SNP platform before mm_init() (identity mapping of the early tables). */
	.globl snp_boot_cpuid_pa, snp_boot_cbit_pos
snp_boot_cpuid_pa:	.quad 0
snp_boot_cbit_pos:	.quad 0
#endif

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

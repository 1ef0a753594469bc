/*
 * Entry of the native test guest. The SVSM starts the boot vCPU at guest_entry32 in
 * 32-bit protected mode (flat, paging off) with EBX = boot information page. We map the
 * first 4 GiB 1:1 with 2 MiB pages, enter long mode and call guest_main(boot_info).
 * Application vCPUs created with CREATE_VCPU start directly in 64-bit mode at
 * guest_ap_entry64 with RSP and RDI taken from their VMSA.
 */
	.section .text.entry, "ax"
	.code32
	.globl guest_entry32
guest_entry32:
	cli
	movl %ebx, %esi
	movl $guest_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, (%edi, %ecx, 8)
	movl $0, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b
	movl $(guest_pd + 0x0003), guest_pdpt + 0
	movl $(guest_pd + 0x1003), guest_pdpt + 8
	movl $(guest_pd + 0x2003), guest_pdpt + 16
	movl $(guest_pd + 0x3003), guest_pdpt + 24
	movl $(guest_pdpt + 3), guest_pml4
	movl %cr4, %eax
	orl $0x20, %eax                 /* PAE */
	movl %eax, %cr4
	movl $guest_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x100, %eax                /* LME */
	wrmsr
	lgdt guest_gdt_desc
	movl %cr0, %eax
	orl $0x80010001, %eax           /* PG | WP | PE */
	movl %eax, %cr0
	ljmp $0x08, $entry64

	.code64
entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	leaq guest_stack_top(%rip), %rsp
	movl %esi, %edi
	xorl %ebp, %ebp
	call guest_main
2:	hlt
	jmp 2b

	.globl guest_ap_entry64
guest_ap_entry64:
	xorl %ebp, %ebp
	call guest_ap_main
3:	hlt
	jmp 3b

	.section .data
	.p2align 3
	.globl guest_gdt
guest_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
guest_gdt_end:
	.globl guest_gdt_desc
guest_gdt_desc:
	.word guest_gdt_end - guest_gdt - 1
	.quad guest_gdt

	.section .bss
	.p2align 12
	.globl guest_pml4
guest_pml4:	.skip 4096
guest_pdpt:	.skip 4096
guest_pd:	.skip 4 * 4096
	.p2align 4
	.skip 16384
guest_stack_top:

/*
 * PVH shim standing in for an IGVM-capable loader on QEMU without IGVM support (used with
 * tools/igvm-load). QEMU enters it in 32-bit protected mode with EBX = hvm_start_info.
 * It reads the hand-off block igvm-load placed at 0x180000, writes the loader-owned IGVM
 * parameters (the memory map as struct igvm_memory_map_entry[] from the PVH e820 RAM
 * ranges, and the VP count) where the boot parameter page says, and jumps to the IGVM
 * entry with EBX = the boot parameter page, as an IGVM loader starts the native VP.
 */
	.section .note.Xen, "a"
	.p2align 2
	.long 4
	.long 8
	.long 18
	.asciz "Xen"
	.p2align 2
	.quad shim_start32

	.text
	.code32
	.globl shim_start32
shim_start32:
	cli
	cld
	movl %ebx, %esi                 /* hvm_start_info */
	movl $0x180000, %edi            /* igvm-load hand-off (SHIM_PARAMS_GPA) */
	cmpl $0x52444c49, (%edi)
	jne fail
	movl 16(%edi), %ebp             /* boot parameter page */
	movl 0x10(%ebp), %edx           /* memory_map_gpa */
	movl 40(%esi), %ecx             /* start_info.memmap_paddr */
	movl 48(%esi), %eax             /* start_info.memmap_entries */
	movl %eax, count
1:	cmpl $0, count
	je 3f
	cmpl $1, 16(%ecx)               /* RAM only */
	jne 2f
	movl 0(%ecx), %eax              /* addr >> 12 */
	movl 4(%ecx), %ebx
	shrdl $12, %ebx, %eax
	shrl $12, %ebx
	movl %eax, 0(%edx)
	movl %ebx, 4(%edx)
	movl 8(%ecx), %eax              /* size >> 12 */
	movl 12(%ecx), %ebx
	shrdl $12, %ebx, %eax
	shrl $12, %ebx
	movl %eax, 8(%edx)
	movl %ebx, 12(%edx)
	movl $0, 16(%edx)               /* IGVM_MEMORY_MAP_MEMORY, flags 0 */
	movl $0, 20(%edx)
	addl $24, %edx
2:	addl $24, %ecx
	decl count
	jmp 1b
3:	movl $0, %eax                   /* terminating entry: number_of_pages = 0 */
	movl $6, %ecx
4:	movl %eax, (%edx)
	addl $4, %edx
	loop 4b
	movl 0x20(%ebp), %edx           /* vp_count_gpa */
	movl 4(%edi), %eax
	movl %eax, (%edx)
	movl 8(%edi), %eax              /* entry */
	movl %ebp, %ebx
	jmp *%eax

fail:
	movb $0x11, %al
	outb %al, $0xf4
5:	hlt
	jmp 5b

	.data
count:	.long 0

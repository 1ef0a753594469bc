/*
 * Minimal PVH-style ELF64 "kernel" for the IGVM tool tests: a 32-bit entry announced by a
 * XEN_ELFNOTE_PHYS32_ENTRY note, some text, initialised data and a BSS, loaded at 1 MiB
 * by tests/igvm/test_kernel.ld. It is never run.
 */
	.section .note.Xen, "a"
	.p2align 2
	.long 4                 /* namesz */
	.long 4                 /* descsz */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry

	.section .text, "ax"
	.code32
	.globl pvh_entry
	.fill 0x40, 1, 0x90       /* entry is not the first byte */
pvh_entry:
	cli
1:	hlt
	jmp 1b

	.section .data, "aw"
	.p2align 12
data_start:
	.fill 3000, 4, 0x5a5aa5a5   /* ~12 KiB of non-zero data */
	.fill 4096, 1, 0            /* an all-zero page inside .data */

	.section .bss, "aw", @nobits
	.p2align 12
	.skip 3 * 4096

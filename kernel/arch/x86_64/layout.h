/*
 * Virtual address-space layout of the SVSM kernel; shared by C and assembly.
 *   0xffff800000000000  direct map of physical memory (RW, NX)
 *   0xffffc00000000000  stacks, each with an unmapped guard page below it
 *   0xffffe00000000000  pages shared with the host (SNP: no C-bit), at base + pa
 *   0xffffffff80000000  kernel image (text RX, rodata R, data/bss RW+NX)
 */
#pragma once

#define KERNEL_VBASE    0xffffffff80000000
#define KERNEL_PBASE    0x200000
#define DIRECT_MAP_BASE 0xffff800000000000
#define STACK_AREA_BASE 0xffffc00000000000
#define STACK_AREA_SIZE 0x0000004000000000
#define SHARED_AREA_BASE 0xffffe00000000000
#define SHARED_AREA_SIZE 0x0000010000000000

#define PAGE_SIZE  4096
#define PAGE_SHIFT 12
#define LARGE_PAGE_SIZE 0x200000

#define KSTACK_PAGES 4   /* 16 KiB kernel stacks */
#define ISTACK_PAGES 2   /* 8 KiB IST stacks */

/* AP start-up trampoline: real-mode code page and its parameter block. */
#define AP_TRAMPOLINE_PA 0x8000

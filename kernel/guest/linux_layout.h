/*
 * The Linux x86 boot protocol's pure half (Documentation/arch/x86/boot.rst): validating a
 * bzImage setup header read from the host, choosing where the kernel, initrd, command
 * line, zero page, GDT and page tables go in the guest's e820 RAM, and filling the zero
 * page (boot_params). No I/O and no state, so host unit tests and a fuzzer run it
 * (kernel/guest/linux_boot.c does the reading and writing).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/e820.h"
#include "svsm/err.h"

/* Bytes of the file the parser needs: up to the end of the setup header's room. */
#define LINUX_HDR_READ_SIZE  0x290u
#define LINUX_ZERO_PAGE_SIZE 4096u
#define LINUX_E820_MAX       128u     /* boot_params.e820_table entries */

/* Fixed low-memory block (below 1 MiB), each page checked to be guest RAM. */
#define LINUX_ZERO_PAGE_GPA  0x7000ull
#define LINUX_CMDLINE_GPA    0x8000ull
#define LINUX_CMDLINE_MAX    4096u    /* one page, NUL included */
#define LINUX_GDT_GPA        0x9000ull
#define LINUX_PML4_GPA       0xa000ull /* then the PDPT at 0xb000 and 4 PDs at 0xc000..0xffff */
#define LINUX_LOW_END        0x10000ull
#define LINUX_IDENTITY_MAP   (4ull << 30) /* 0..4 GiB identity-mapped with 2 MiB pages */

#define LINUX_BOOT_CS 0x10u
#define LINUX_BOOT_DS 0x18u
#define LINUX_GDT_LIMIT 0x1fu

/**
 * struct linux_layout - where everything goes, decided by linux_layout_plan().
 * @setup_size:      file bytes of the real-mode part ((setup_sects + 1) * 512).
 * @kernel_size:     bytes of the protected-mode part copied (syssize * 16, at most the
 *                   file after @setup_size; a trailing signature is left out).
 * @hdr_end:         file offset one past the setup header (0x202 + byte at 0x201).
 * @load_gpa:        where the protected-mode part is copied; startup_64 = @load_gpa + 0x200.
 * @init_size:       the kernel's decompression window [@load_gpa, @load_gpa + @init_size).
 * @initrd_gpa:      the initrd (4 KiB aligned), 0 when @initrd_size is 0.
 * @initrd_size:     its size.
 * @cmdline_gpa:     the NUL-terminated command line.
 * @cmdline_size:    its bytes including the NUL.
 */
struct linux_layout {
	uint64_t setup_size;
	uint64_t kernel_size;
	uint64_t hdr_end;
	uint64_t load_gpa;
	uint64_t init_size;
	uint64_t initrd_gpa;
	uint64_t initrd_size;
	uint64_t cmdline_gpa;
	uint64_t cmdline_size;
};

/**
 * linux_layout_plan - validate the bzImage header @hdr (the first @hdr_len bytes of a
 * @file_size-byte file) and place a kernel, an @initrd_size-byte initrd and a command line
 * of @cmdline_len bytes (without its NUL) in the RAM entries of @map. SVSM_E_FORMAT for a
 * header that does not describe a 64-bit bzImage we can boot, SVSM_E_NOMEM when it does
 * not fit; both logged with the reason.
 */
enum svsm_err linux_layout_plan(const uint8_t *hdr, size_t hdr_len, uint64_t file_size,
				uint64_t initrd_size, uint64_t cmdline_len,
				const struct e820_entry *map, unsigned map_count,
				struct linux_layout *out) SVSM_MUST_CHECK;

/**
 * linux_layout_zero_page - fill @zp (LINUX_ZERO_PAGE_SIZE bytes) as boot_params for @l
 * (planned from the same @hdr, which holds at least @l->hdr_end bytes):
 * the setup header from @hdr verbatim, loader type, command line, initrd, @rsdp (0: none)
 * and the first LINUX_E820_MAX entries of @map.
 */
void linux_layout_zero_page(const struct linux_layout *l, const uint8_t *hdr,
			    const struct e820_entry *map, unsigned map_count, uint64_t rsdp,
			    uint8_t *zp);

/** linux_layout_gdt - the boot GDT (LINUX_GDT_LIMIT + 1 bytes) into @gdt. */
void linux_layout_gdt(uint64_t gdt[4]);

/**
 * linux_layout_page_table - page @index (0: PML4, 1: PDPT, 2..5: PDs) of the identity
 * map of 0..4 GiB rooted at LINUX_PML4_GPA, into @page (512 entries).
 */
void linux_layout_page_table(unsigned index, uint64_t page[512]);
#define LINUX_PT_PAGES 6u

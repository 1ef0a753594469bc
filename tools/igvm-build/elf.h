/*
 * ELF64 kernel loading for igvm-build: PT_LOAD segments by physical address, and the
 * 32-bit PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct kernel_image - the kernel as guest memory.
 * @gpa:       first byte (page-aligned down from the lowest p_paddr).
 * @size:      bytes up to the page-aligned end of the highest segment.
 * @entry:     32-bit entry point.
 * @bytes:     @size bytes of memory contents (zero where no segment has file bytes).
 * @present:   one flag per page: does any PT_LOAD cover it.
 */
struct kernel_image {
	uint64_t gpa;
	uint64_t size;
	uint64_t entry;
	uint8_t *bytes;
	uint8_t *present;
};

/** elf_load_kernel() - validate @elf and fill @k; on error print why and return false. */
bool elf_load_kernel(const char *prog, const char *path, const uint8_t *elf, size_t len,
		     struct kernel_image *k);

/** elf_free_kernel() - release @k. */
void elf_free_kernel(struct kernel_image *k);

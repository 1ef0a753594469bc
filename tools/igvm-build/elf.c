/*
 * elf.c owns reading the kernel ELF for igvm-build: header and program-header bounds,
 * PT_LOAD segments placed by p_paddr (the PVH kernel's physical load address), overlap
 * checks, and the entry point from the PVH note (type 18, name "Xen"), else e_entry.
 */
#include "tools/igvm-build/elf.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull
#define KERNEL_MAX (1ull << 30)
#define FOUR_GIB 0x100000000ull
#define XEN_ELFNOTE_PHYS32_ENTRY 18

static bool err(const char *prog, const char *path, const char *msg, uint64_t off)
{
	fprintf(stderr, "%s: %s: %s (at file offset 0x%llx)\n", prog, path, msg, (unsigned long long)off);
	return false;
}

static bool find_pvh_entry(const uint8_t *elf, size_t len, const Elf64_Phdr *ph, uint64_t *entry)
{
	uint64_t off = ph->p_offset;
	uint64_t end = ph->p_offset + ph->p_filesz;

	while (off + sizeof(Elf64_Nhdr) <= end) {
		Elf64_Nhdr nh;
		uint64_t name_off = 0, desc_off = 0, next = 0;

		memcpy(&nh, elf + off, sizeof(nh));
		name_off = off + sizeof(nh);
		desc_off = name_off + ((nh.n_namesz + 3ull) & ~3ull);
		next = desc_off + ((nh.n_descsz + 3ull) & ~3ull);
		if (next > end || next > len) {
			return false;
		}
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    memcmp(elf + name_off, "Xen", 4) == 0 && (nh.n_descsz == 4 || nh.n_descsz == 8)) {
			uint64_t v = 0;

			memcpy(&v, elf + desc_off, nh.n_descsz);
			*entry = v;
			return true;
		}
		off = next;
	}
	return false;
}

bool elf_load_kernel(const char *prog, const char *path, const uint8_t *elf, size_t len,
		     struct kernel_image *k)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t lo = UINT64_MAX, hi = 0, entry = 0;
	bool have_pvh = false;
	unsigned i = 0, j = 0, loads = 0;

	memset(k, 0, sizeof(*k));
	if (len < sizeof(eh) || memcmp(elf, ELFMAG, SELFMAG) != 0) {
		return err(prog, path, "not an ELF file", 0);
	}
	memcpy(&eh, elf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		return err(prog, path, "not a little-endian ELF64 file", EI_CLASS);
	}
	if (eh.e_machine != EM_X86_64) {
		return err(prog, path, "not an x86-64 ELF file", offsetof(Elf64_Ehdr, e_machine));
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff) {
		return err(prog, path, "program headers out of bounds", offsetof(Elf64_Ehdr, e_phoff));
	}
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t at = eh.e_phoff + (uint64_t)i * sizeof(ph);

		memcpy(&ph, elf + at, sizeof(ph));
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE) {
			continue;
		}
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
			return err(prog, path, "segment file range out of bounds", at);
		}
		if (ph.p_type == PT_NOTE) {
			have_pvh = have_pvh || find_pvh_entry(elf, len, &ph, &entry);
			continue;
		}
		if (ph.p_memsz == 0) {
			continue;
		}
		if (ph.p_filesz > ph.p_memsz) {
			return err(prog, path, "PT_LOAD p_filesz larger than p_memsz", at);
		}
		if (ph.p_paddr >= FOUR_GIB || ph.p_memsz > FOUR_GIB - ph.p_paddr) {
			return err(prog, path, "PT_LOAD p_paddr range not below 4 GiB", at);
		}
		lo = ph.p_paddr < lo ? ph.p_paddr : lo;
		hi = ph.p_paddr + ph.p_memsz > hi ? ph.p_paddr + ph.p_memsz : hi;
		loads++;
	}
	if (loads == 0) {
		return err(prog, path, "no PT_LOAD segment", offsetof(Elf64_Ehdr, e_phoff));
	}
	if (!have_pvh) {
		entry = eh.e_entry;
		if (entry >= FOUR_GIB) {
			return err(prog, path, "no PVH entry note and e_entry is not a 32-bit address",
				   offsetof(Elf64_Ehdr, e_entry));
		}
	}
	k->gpa = lo & ~(PAGE - 1);
	k->size = ((hi + PAGE - 1) & ~(PAGE - 1)) - k->gpa;
	k->entry = entry;
	if (k->size > KERNEL_MAX) {
		return err(prog, path, "PT_LOAD segments span more than 1 GiB", eh.e_phoff);
	}
	if (entry < k->gpa || entry >= k->gpa + k->size) {
		return err(prog, path, "entry point outside the loaded segments", offsetof(Elf64_Ehdr, e_entry));
	}
	k->bytes = calloc(1, k->size);
	k->present = calloc(1, k->size / PAGE);
	if (k->bytes == NULL || k->present == NULL) {
		elf_free_kernel(k);
		fprintf(stderr, "%s: out of memory\n", prog);
		return false;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr a;
		uint64_t at = eh.e_phoff + (uint64_t)i * sizeof(a);
		uint64_t p = 0;

		memcpy(&a, elf + at, sizeof(a));
		if (a.p_type != PT_LOAD || a.p_memsz == 0) {
			continue;
		}
		for (j = 0; j < i; j++) {
			Elf64_Phdr b;

			memcpy(&b, elf + eh.e_phoff + (uint64_t)j * sizeof(b), sizeof(b));
			if (b.p_type == PT_LOAD && b.p_memsz != 0 && a.p_paddr < b.p_paddr + b.p_memsz &&
			    b.p_paddr < a.p_paddr + a.p_memsz) {
				elf_free_kernel(k);
				return err(prog, path, "PT_LOAD segments overlap in physical memory", at);
			}
		}
		memcpy(k->bytes + (a.p_paddr - k->gpa), elf + a.p_offset, a.p_filesz);
		for (p = (a.p_paddr & ~(PAGE - 1)); p < a.p_paddr + a.p_memsz; p += PAGE) {
			k->present[(p - k->gpa) / PAGE] = 1;
		}
	}
	return true;
}

void elf_free_kernel(struct kernel_image *k)
{
	free(k->bytes);
	free(k->present);
	memset(k, 0, sizeof(*k));
}

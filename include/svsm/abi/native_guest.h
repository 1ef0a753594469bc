/*
 * What the native platform hands a guest it launches itself (no firmware): the image
 * header of a flat guest binary loaded from fw_cfg file "opt/svsm/guest", and the boot
 * information page whose GPA the guest finds in EBX at entry. The calling area can also
 * be read at any time with RDMSR 0xC001F000 (MSR_SVSM_CAA), as on SNP.
 * Defined by this project (docs/native.md); used by the SVSM and guest/.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NATIVE_GUEST_FW_CFG_FILE "opt/svsm/guest"
#define NATIVE_GUEST_MAGIC   0x5453474d5356534eull /* "NSVSMGST" little-endian */
#define NATIVE_BOOT_MAGIC    0x544f4f424d5356ull   /* "VSMBOOT" */
#define NATIVE_GUEST_VMPL    2                     /* the VMPL a VMSA must name */
#define NATIVE_BOOT_MAX_MEM  32
#define NATIVE_BOOT_MAX_CPUS 64
#define MSR_SVSM_CAA         0xc001f000u

/**
 * struct native_guest_header - at offset 0 of the guest binary.
 * @magic:      NATIVE_GUEST_MAGIC.
 * @header_size: sizeof(struct native_guest_header).
 * @load_gpa:   where the whole file is loaded (page aligned).
 * @entry_gpa:  32-bit protected-mode entry point (flat segments, paging off).
 * @mem_size:   bytes from load_gpa the guest uses (file plus zeroed bss), >= file size.
 */
struct native_guest_header {
	uint64_t magic;
	uint32_t header_size;
	uint32_t reserved;
	uint64_t load_gpa;
	uint64_t entry_gpa;
	uint64_t mem_size;
};
_Static_assert(sizeof(struct native_guest_header) == 40, "guest header");

/** struct native_mem_range - a range of guest RAM. */
struct native_mem_range {
	uint64_t base;
	uint64_t size;
};

/**
 * struct native_boot_info - one page the SVSM fills before starting the guest.
 * @ca_gpa:     calling area of the boot vCPU.
 * @svsm_base, @svsm_size: the SVSM's own memory (as the SNP secrets page reports it).
 * @guest_vmpl: the VMPL a CREATE_VCPU VMSA must carry.
 * @cpu_count, @apic_ids: physical CPUs a vCPU may be created on ([0] runs the boot vCPU).
 * @mem_count, @mem: the guest's RAM.
 * @args:       NUL-terminated arguments from the SVSM command line (guest_args=...).
 */
struct native_boot_info {
	uint64_t magic;
	uint64_t ca_gpa;
	uint64_t svsm_base;
	uint64_t svsm_size;
	uint32_t guest_vmpl;
	uint32_t cpu_count;
	uint32_t apic_ids[NATIVE_BOOT_MAX_CPUS];
	uint32_t mem_count;
	uint32_t reserved;
	struct native_mem_range mem[NATIVE_BOOT_MAX_MEM];
	char args[128];
};
_Static_assert(sizeof(struct native_boot_info) <= 4096, "boot info fits a page");
_Static_assert(offsetof(struct native_boot_info, apic_ids) == 40, "boot info apic ids");

/* Test-guest completion port: the guest writes its failure count (0 = all passed). */
#define NATIVE_GUEST_DONE_PORT 0xf4

/*
 * The test guest's MMIO test device (kernel/devices/test_mmio.c): one page of registers
 * outside guest RAM and away from the interrupt controllers and PCI configuration space.
 * Each byte reads as native_test_mmio_byte(offset) until the guest writes it; a write is
 * remembered. Only a loaded test guest has it.
 */
#define NATIVE_TEST_MMIO_GPA  0xfeb00000ull
#define NATIVE_TEST_MMIO_SIZE 0x1000ull

static inline uint8_t native_test_mmio_byte(uint64_t offset)
{
	return (uint8_t)(offset * 13 + 0x5a);
}

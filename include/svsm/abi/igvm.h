/*
 * IGVM (Independent Guest Virtual Machine) file format structures, as defined by
 * microsoft/igvm igvm_defs/src/lib.rs (format version 1 and 2). All fields are
 * little-endian. One definition, shared by lib/igvm_parse.c, lib/igvm_build.c, the host
 * tools in tools/igvm-* and (later) the kernel's IGVM boot path.
 * Reference notes: docs/igvm.md and the project's reference/igvm.md.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define IGVM_MAGIC             0x4D564749u /* "IGVM" little-endian */
#define IGVM_FORMAT_VERSION_1  1u
#define IGVM_FORMAT_VERSION_2  2u
#define IGVM_PAGE_SIZE         4096u
#define IGVM_HEADER_ALIGN      8u

/**
 * struct igvm_fixed_header - start of every IGVM file (format version 1).
 * @magic:                  IGVM_MAGIC.
 * @format_version:         1 or 2.
 * @variable_header_offset: file offset of the variable-header section (8-aligned).
 * @variable_header_size:   bytes in the variable-header section.
 * @total_file_size:        size of the whole file in bytes.
 * @checksum:               CRC-32/IEEE over this header (with @checksum = 0, 24 or 32 bytes
 *                          by version) followed by the variable-header section.
 */
struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
};
_Static_assert(sizeof(struct igvm_fixed_header) == 24, "igvm_fixed_header size");
_Static_assert(offsetof(struct igvm_fixed_header, checksum) == 0x14, "igvm checksum");

/**
 * struct igvm_fixed_header_v2 - fixed header of format version 2.
 * @v1:           the version-1 fields.
 * @architecture: IGVM_ARCH_X64 (0) or IGVM_ARCH_AARCH64 (1).
 * @page_size:    must be 4096.
 */
struct igvm_fixed_header_v2 {
	struct igvm_fixed_header v1;
	uint32_t architecture;
	uint32_t page_size;
};
_Static_assert(sizeof(struct igvm_fixed_header_v2) == 32, "igvm_fixed_header_v2 size");
_Static_assert(offsetof(struct igvm_fixed_header_v2, architecture) == 0x18, "igvm arch");

#define IGVM_ARCH_X64     0u
#define IGVM_ARCH_AARCH64 1u

/**
 * struct igvm_var_header - prefix of every variable-header entry. @length payload bytes
 * follow, then zero padding up to the next 8-byte boundary.
 * @type:   IGVM_VHT_* (bit 31 = IGVM_VHT_OPTIONAL_BIT).
 * @length: unpadded payload size in bytes.
 */
struct igvm_var_header {
	uint32_t type;
	uint32_t length;
};
_Static_assert(sizeof(struct igvm_var_header) == 8, "igvm_var_header size");

#define IGVM_VHT_OPTIONAL_BIT                0x80000000u
/* Platform section 0x1-0x100. */
#define IGVM_VHT_SUPPORTED_PLATFORM          0x001u
#define IGVM_VHT_RANGE_PLATFORM_FIRST        0x001u
#define IGVM_VHT_RANGE_PLATFORM_LAST         0x100u
/* Initialization section 0x101-0x200. */
#define IGVM_VHT_GUEST_POLICY                0x101u
#define IGVM_VHT_RELOCATABLE_REGION          0x102u
#define IGVM_VHT_PAGE_TABLE_RELOCATION_REGION 0x103u
#define IGVM_VHT_CORIM_DOCUMENT              0x104u
#define IGVM_VHT_CORIM_SIGNATURE             0x105u
#define IGVM_VHT_CCA_POLICY                  0x106u
#define IGVM_VHT_RANGE_INIT_FIRST            0x101u
#define IGVM_VHT_RANGE_INIT_LAST             0x200u
/* Directive section 0x301-0x400. */
#define IGVM_VHT_PARAMETER_AREA              0x301u
#define IGVM_VHT_PAGE_DATA                   0x302u
#define IGVM_VHT_PARAMETER_INSERT            0x303u
#define IGVM_VHT_VP_CONTEXT                  0x304u
#define IGVM_VHT_REQUIRED_MEMORY             0x305u
#define IGVM_VHT_RESERVED_DO_NOT_USE         0x306u
#define IGVM_VHT_VP_COUNT_PARAMETER          0x307u
#define IGVM_VHT_SRAT                        0x308u
#define IGVM_VHT_MADT                        0x309u
#define IGVM_VHT_MMIO_RANGES                 0x30Au
#define IGVM_VHT_SNP_ID_BLOCK                0x30Bu
#define IGVM_VHT_MEMORY_MAP                  0x30Cu
#define IGVM_VHT_ERROR_RANGE                 0x30Du
#define IGVM_VHT_COMMAND_LINE                0x30Eu
#define IGVM_VHT_SLIT                        0x30Fu
#define IGVM_VHT_PPTT                        0x310u
#define IGVM_VHT_VBS_MEASUREMENT             0x311u
#define IGVM_VHT_DEVICE_TREE                 0x312u
#define IGVM_VHT_ENVIRONMENT_INFO_PARAMETER  0x313u
#define IGVM_VHT_RANGE_DIRECTIVE_FIRST       0x301u
#define IGVM_VHT_RANGE_DIRECTIVE_LAST        0x400u

/* Platform types (u8) and their version. */
#define IGVM_PLATFORM_NATIVE        0u
#define IGVM_PLATFORM_VSM_ISOLATION 1u
#define IGVM_PLATFORM_SEV_SNP       2u
#define IGVM_PLATFORM_TDX           3u
#define IGVM_PLATFORM_SEV           4u
#define IGVM_PLATFORM_SEV_ES        5u
#define IGVM_PLATFORM_VERSION       1u

/**
 * struct igvm_vhs_supported_platform - IGVM_VHT_SUPPORTED_PLATFORM.
 * @compatibility_mask: the single bit that stands for this platform in later headers.
 * @highest_vtl:        highest VTL used (0 or 2).
 * @platform_type:      IGVM_PLATFORM_*.
 * @platform_version:   IGVM_PLATFORM_VERSION.
 * @shared_gpa_boundary: vTOM-style boundary, 0 when enlightened or for NATIVE/VSM.
 */
struct igvm_vhs_supported_platform {
	uint32_t compatibility_mask;
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
};
_Static_assert(sizeof(struct igvm_vhs_supported_platform) == 16, "supported_platform size");
_Static_assert(offsetof(struct igvm_vhs_supported_platform, shared_gpa_boundary) == 8, "spf");

/**
 * struct igvm_vhs_guest_policy - IGVM_VHT_GUEST_POLICY (SNP guest policy for LAUNCH_START).
 * @policy:             SNP policy word (bit 17 must be 1; 0x30000 is typical).
 * @compatibility_mask: platforms it applies to.
 * @reserved:           must be 0.
 */
struct igvm_vhs_guest_policy {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_guest_policy) == 16, "guest_policy size");

/* SNP policy bits (AMD SEV-SNP ABI, table "Guest Policy Structure"). */
#define SNP_POLICY_ABI_MINOR_MASK 0xFFull
#define SNP_POLICY_ABI_MAJOR_SHIFT 8
#define SNP_POLICY_SMT            (1ull << 16)
#define SNP_POLICY_RESERVED_1     (1ull << 17)
#define SNP_POLICY_MIGRATE_MA     (1ull << 18)
#define SNP_POLICY_DEBUG          (1ull << 19)
#define SNP_POLICY_SINGLE_SOCKET  (1ull << 20)
#define SNP_POLICY_DEFAULT        (SNP_POLICY_SMT | SNP_POLICY_RESERVED_1)

/**
 * struct igvm_vhs_relocatable_region - IGVM_VHT_RELOCATABLE_REGION.
 * @compatibility_mask:   platforms it applies to.
 * @vp_index:             VP whose context is relocated.
 * @vtl:                  VTL of that context.
 * @flags:                IGVM_RELOC_* bits.
 * @relocation_alignment: alignment of the relocated base.
 * @relocation_region_gpa: GPA of the region as built.
 * @relocation_region_size: size of the region.
 * @minimum_relocation_gpa: lowest allowed base.
 * @maximum_relocation_gpa: highest allowed base.
 */
struct igvm_vhs_relocatable_region {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t flags;
	uint64_t relocation_alignment;
	uint64_t relocation_region_gpa;
	uint64_t relocation_region_size;
	uint64_t minimum_relocation_gpa;
	uint64_t maximum_relocation_gpa;
};
_Static_assert(sizeof(struct igvm_vhs_relocatable_region) == 48, "relocatable_region size");

/**
 * struct igvm_vhs_page_table_relocation - IGVM_VHT_PAGE_TABLE_RELOCATION_REGION.
 * @compatibility_mask: platforms it applies to.
 * @vp_index:           VP whose CR3 is relocated.
 * @vtl:                VTL of that context.
 * @reserved:           must be 0.
 * @gpa:                base of the page-table region.
 * @size:               size of the region.
 * @used_size:          bytes of the region already holding page tables.
 */
struct igvm_vhs_page_table_relocation {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t reserved;
	uint64_t gpa;
	uint64_t size;
	uint64_t used_size;
};
_Static_assert(sizeof(struct igvm_vhs_page_table_relocation) == 32, "pt_relocation size");

/**
 * struct igvm_vhs_parameter_area - IGVM_VHT_PARAMETER_AREA: declares a loader-filled area.
 * @number_of_bytes:      size, a multiple of 4 KiB.
 * @parameter_area_index: index later headers use to name the area (declared once).
 * @file_offset:          initial data, 0 = zero-filled (loaders ignore it).
 */
struct igvm_vhs_parameter_area {
	uint64_t number_of_bytes;
	uint32_t parameter_area_index;
	uint32_t file_offset;
};
_Static_assert(sizeof(struct igvm_vhs_parameter_area) == 16, "parameter_area size");

/* PAGE_DATA data types (u16) and flags (u32). */
#define IGVM_PAGE_DATA_TYPE_NORMAL     0u
#define IGVM_PAGE_DATA_TYPE_SECRETS    1u
#define IGVM_PAGE_DATA_TYPE_CPUID_DATA 2u
#define IGVM_PAGE_DATA_TYPE_CPUID_XF   3u
#define IGVM_PAGE_FLAG_IS_2MB_PAGE     (1u << 0)
#define IGVM_PAGE_FLAG_UNMEASURED      (1u << 1)
#define IGVM_PAGE_FLAG_SHARED          (1u << 2)
#define IGVM_PAGE_FLAGS_KNOWN          0x7u

/**
 * struct igvm_vhs_page_data - IGVM_VHT_PAGE_DATA: one 4 KiB page of initial guest memory.
 * @gpa:                4 KiB-aligned guest physical address.
 * @compatibility_mask: platforms it applies to.
 * @file_offset:        absolute file offset of 4096 data bytes, 0 = a page of zeros.
 * @flags:              IGVM_PAGE_FLAG_*.
 * @data_type:          IGVM_PAGE_DATA_TYPE_*.
 * @reserved:           must be 0.
 */
struct igvm_vhs_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t flags;
	uint16_t data_type;
	uint16_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_page_data) == 24, "page_data size");
_Static_assert(offsetof(struct igvm_vhs_page_data, data_type) == 20, "page_data type");

/**
 * struct igvm_vhs_parameter_insert - IGVM_VHT_PARAMETER_INSERT: map a parameter area.
 * @gpa:                  where the whole area is placed (unmeasured pages).
 * @compatibility_mask:   platforms it applies to.
 * @parameter_area_index: the area; it is consumed.
 */
struct igvm_vhs_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
};
_Static_assert(sizeof(struct igvm_vhs_parameter_insert) == 16, "parameter_insert size");

/**
 * struct igvm_vhs_parameter - payload of the parameter headers (VP_COUNT_PARAMETER, SRAT,
 * MADT, MMIO_RANGES, MEMORY_MAP, COMMAND_LINE, SLIT, PPTT, DEVICE_TREE,
 * ENVIRONMENT_INFO_PARAMETER): where in which area the loader writes its value.
 * @parameter_area_index: a declared, not yet inserted area.
 * @byte_offset:          offset inside the area.
 */
struct igvm_vhs_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
};
_Static_assert(sizeof(struct igvm_vhs_parameter) == 8, "parameter size");

/**
 * struct igvm_vhs_vp_context - IGVM_VHT_VP_CONTEXT: initial register state of one VP.
 * The spec's @gpa is an unaligned u64, so the struct is packed to its 20-byte length.
 * @gpa:                for SNP the VMSA GPA (0xFFFFFFFFF000 under KVM).
 * @compatibility_mask: exactly one platform bit.
 * @file_offset:        4 KiB of context data: a VMSA (SNP/SEV-ES) or
 *                      struct igvm_native_vp_context (NATIVE).
 * @vp_index:           VP number, 0 = BSP.
 * @reserved:           must be 0.
 */
struct __attribute__((packed)) igvm_vhs_vp_context {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_vp_context) == 20, "vp_context size");
_Static_assert(offsetof(struct igvm_vhs_vp_context, vp_index) == 16, "vp_context vp_index");

/**
 * struct igvm_vhs_required_memory - IGVM_VHT_REQUIRED_MEMORY: RAM that must exist (unmeasured).
 * @gpa:                4 KiB-aligned base.
 * @compatibility_mask: platforms it applies to.
 * @number_of_bytes:    size, a multiple of 4 KiB.
 * @flags:              bit 0 = VTL2 protectable.
 * @reserved:           must be 0.
 */
struct igvm_vhs_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_required_memory) == 24, "required_memory size");

/**
 * struct igvm_vhs_error_range - IGVM_VHT_ERROR_RANGE: where the guest reports load errors.
 * @gpa:                base.
 * @compatibility_mask: platforms it applies to.
 * @size_bytes:         size.
 */
struct igvm_vhs_error_range {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t size_bytes;
};
_Static_assert(sizeof(struct igvm_vhs_error_range) == 16, "error_range size");

/**
 * struct igvm_snp_signature - ECDSA signature, little-endian big numbers.
 * @r: R component.
 * @s: S component.
 */
struct igvm_snp_signature {
	uint8_t r[72];
	uint8_t s[72];
};
_Static_assert(sizeof(struct igvm_snp_signature) == 144, "snp signature size");

/**
 * struct igvm_snp_public_key - ECDSA public key, little-endian big numbers.
 * @curve:    2 = P-384.
 * @reserved: must be 0.
 * @qx:       X coordinate.
 * @qy:       Y coordinate.
 */
struct igvm_snp_public_key {
	uint32_t curve;
	uint32_t reserved;
	uint8_t qx[72];
	uint8_t qy[72];
};
_Static_assert(sizeof(struct igvm_snp_public_key) == 152, "snp public key size");

/**
 * struct igvm_vhs_snp_id_block - IGVM_VHT_SNP_ID_BLOCK: ID block and auth info for
 * SNP_LAUNCH_FINISH.
 * @compatibility_mask:   platforms it applies to.
 * @author_key_enabled:   1 when @author_key signs @id_key.
 * @reserved:             must be 0.
 * @ld:                   expected launch digest.
 * @family_id:            guest family ID.
 * @image_id:             guest image ID.
 * @version:              ID block version (1).
 * @guest_svn:            guest security version number.
 * @id_key_algorithm:     1 = ECDSA P-384 with SHA-384.
 * @author_key_algorithm: same encoding.
 * @id_key_signature:     signature of the ID block by @id_public_key.
 * @id_public_key:        ID key.
 * @author_key_signature: signature of @id_public_key by @author_public_key.
 * @author_public_key:    author key.
 */
struct igvm_vhs_snp_id_block {
	uint32_t compatibility_mask;
	uint8_t author_key_enabled;
	uint8_t reserved[3];
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	struct igvm_snp_signature id_key_signature;
	struct igvm_snp_public_key id_public_key;
	struct igvm_snp_signature author_key_signature;
	struct igvm_snp_public_key author_public_key;
};
_Static_assert(sizeof(struct igvm_vhs_snp_id_block) == 696, "snp_id_block size");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, ld) == 8, "id_block ld");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, version) == 88, "id_block version");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, id_key_signature) == 104, "id_block sig");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, id_public_key) == 248, "id_block key");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, author_key_signature) == 400, "id_block asig");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, author_public_key) == 544, "id_block akey");

/** Payload size of IGVM_VHT_VBS_MEASUREMENT (parsed as opaque bytes). */
#define IGVM_VHS_VBS_MEASUREMENT_SIZE 864u
/** Payload sizes of the opaque initialization headers. */
#define IGVM_VHS_CORIM_DOCUMENT_SIZE  16u
#define IGVM_VHS_CORIM_SIGNATURE_SIZE 32u
#define IGVM_VHS_CCA_POLICY_SIZE      16u

/* Memory map entry types (u16). */
#define IGVM_MEMORY_MAP_MEMORY            0u
#define IGVM_MEMORY_MAP_PLATFORM_RESERVED 1u
#define IGVM_MEMORY_MAP_PERSISTENT        2u
#define IGVM_MEMORY_MAP_VTL2_PROTECTABLE  3u

/**
 * struct igvm_memory_map_entry - one entry the loader writes for IGVM_VHT_MEMORY_MAP.
 * Entries are sorted by address; number_of_pages == 0 ends the list.
 * @starting_gpa_page_number: first page (GPA >> 12).
 * @number_of_pages:          length in 4 KiB pages.
 * @entry_type:               IGVM_MEMORY_MAP_*.
 * @flags:                    0.
 * @reserved:                 0.
 */
struct igvm_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_memory_map_entry) == 24, "memory_map_entry size");

/**
 * struct igvm_native_segment - segment in a native VP context.
 * @selector:   selector.
 * @attributes: packed 12-bit attributes (as in a VMCB).
 * @base:       32-bit base.
 * @limit:      32-bit limit.
 */
struct igvm_native_segment {
	uint16_t selector;
	uint16_t attributes;
	uint32_t base;
	uint32_t limit;
};
_Static_assert(sizeof(struct igvm_native_segment) == 12, "native segment size");

/**
 * struct igvm_native_vp_context - IgvmNativeVpContextX64, the VP_CONTEXT data for the
 * NATIVE platform (format version 2). The rest of the 4 KiB page is zero.
 * @rax..@r15: general-purpose registers.
 * @rip:         instruction pointer.
 * @rflags:      flags.
 * @idtr_base:   IDT base.
 * @idtr_limit:  IDT limit.
 * @reserved:    0.
 * @gdtr_limit:  GDT limit.
 * @gdtr_base:   GDT base.
 * @code:        CS.
 * @data:        DS/ES/FS/GS/SS.
 * @gs_base:     GS base MSR.
 * @cr0:         CR0.
 * @cr3:         CR3.
 * @cr4:         CR4.
 * @efer:        EFER.
 */
struct igvm_native_vp_context {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint64_t rflags;
	uint64_t idtr_base;
	uint16_t idtr_limit;
	uint16_t reserved[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	struct igvm_native_segment code;
	struct igvm_native_segment data;
	uint64_t gs_base;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
_Static_assert(sizeof(struct igvm_native_vp_context) == 232, "native vp context size");
_Static_assert(offsetof(struct igvm_native_vp_context, rip) == 0x80, "native rip");
_Static_assert(offsetof(struct igvm_native_vp_context, gdtr_limit) == 0x9E, "native gdtr_limit");
_Static_assert(offsetof(struct igvm_native_vp_context, gdtr_base) == 0xA0, "native gdtr_base");
_Static_assert(offsetof(struct igvm_native_vp_context, code) == 0xA8, "native code");
_Static_assert(offsetof(struct igvm_native_vp_context, data) == 0xB4, "native data");
_Static_assert(offsetof(struct igvm_native_vp_context, gs_base) == 0xC0, "native gs_base");
_Static_assert(offsetof(struct igvm_native_vp_context, efer) == 0xE0, "native efer");

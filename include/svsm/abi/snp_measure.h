/*
 * SEV-SNP launch-measurement structures: the PAGE_INFO record hashed into the launch
 * digest (AMD SEV-SNP ABI spec #56860, SNP_LAUNCH_UPDATE, table "PAGE_INFO"), the ID block
 * (table "ID_BLOCK"), the CPUID page (table "CPUID Page"), and the OVMF firmware footer
 * table and SEV metadata ("ASEV") that a plain OVMF SNP launch is measured from
 * (edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm). Used by lib/snp_measure*.c and the
 * IGVM tools.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SNP_LD_SIZE       48u          /* SHA-384 digest */
#define SNP_PAGE_SIZE     4096u
/* KVM records VMSA pages at GPA (u64)-1, page-aligned, bits above 51 cleared. */
#define SNP_VMSA_GPA      0xFFFFFFFFF000ull

/* PAGE_INFO.page_type values. */
#define SNP_PAGE_TYPE_NORMAL     1u
#define SNP_PAGE_TYPE_VMSA       2u
#define SNP_PAGE_TYPE_ZERO       3u
#define SNP_PAGE_TYPE_UNMEASURED 4u
#define SNP_PAGE_TYPE_SECRETS    5u
#define SNP_PAGE_TYPE_CPUID      6u

/**
 * struct snp_page_info - PAGE_INFO: one launch-digest step, LD' = SHA-384(PAGE_INFO).
 * @digest_cur:  current launch digest.
 * @contents:    SHA-384 of the page (NORMAL, VMSA), else zero.
 * @length:      sizeof(struct snp_page_info) = 0x70.
 * @page_type:   SNP_PAGE_TYPE_*.
 * @imi_page:    0 (not an IMI page).
 * @reserved:    0.
 * @vmpl1_perms: 0 (bytes 0x64-0x67 are all zero under KVM, so their order is moot).
 * @vmpl2_perms: 0.
 * @vmpl3_perms: 0.
 * @gpa:         guest physical address of the page.
 */
struct snp_page_info {
	uint8_t digest_cur[48];
	uint8_t contents[48];
	uint16_t length;
	uint8_t page_type;
	uint8_t imi_page;
	uint8_t reserved;
	uint8_t vmpl1_perms;
	uint8_t vmpl2_perms;
	uint8_t vmpl3_perms;
	uint64_t gpa;
};
_Static_assert(sizeof(struct snp_page_info) == 0x70, "snp_page_info size");
_Static_assert(offsetof(struct snp_page_info, length) == 0x60, "page_info length");
_Static_assert(offsetof(struct snp_page_info, page_type) == 0x62, "page_info type");
_Static_assert(offsetof(struct snp_page_info, gpa) == 0x68, "page_info gpa");

/**
 * struct snp_id_block - ID_BLOCK given to SNP_LAUNCH_FINISH (unsigned part).
 * @ld:        expected launch digest.
 * @family_id: family ID chosen by the guest owner.
 * @image_id:  image ID chosen by the guest owner.
 * @version:   1.
 * @guest_svn: guest security version number.
 * @policy:    guest policy (must equal the launch policy).
 */
struct snp_id_block {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
};
_Static_assert(sizeof(struct snp_id_block) == 96, "snp_id_block size");
_Static_assert(offsetof(struct snp_id_block, policy) == 88, "id_block policy");

#define SNP_ID_BLOCK_VERSION 1u

/**
 * struct snp_cpuid_fn - one CPUID page entry.
 * @eax_in:   leaf.
 * @ecx_in:   subleaf.
 * @xcr0_in:  XCR0 the entry is valid for (leaf 0xD).
 * @xss_in:   XSS the entry is valid for (leaf 0xD).
 * @eax..@edx: output registers.
 * @reserved: 0.
 */
struct snp_cpuid_fn {
	uint32_t eax_in;
	uint32_t ecx_in;
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};
_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "snp_cpuid_fn size");

#define SNP_CPUID_COUNT_MAX 64u

/**
 * struct snp_cpuid_page - the SNP CPUID page; the PSP checks each entry at launch.
 * @count:     valid entries in @fn.
 * @reserved1: 0.
 * @reserved2: 0.
 * @fn:        entries.
 * @pad:       rest of the page.
 */
struct snp_cpuid_page {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
	uint8_t pad[4096 - 16 - 48 * SNP_CPUID_COUNT_MAX];
};
_Static_assert(sizeof(struct snp_cpuid_page) == 4096, "snp_cpuid_page size");

/* --- OVMF footer table and SEV metadata --- */

/*
 * GUIDs in their in-memory (little-endian "bytes_le") form.
 * OVMF_TABLE_FOOTER   96b582de-1fb2-45f7-baea-a366c55a082d
 * SEV_ES_RESET_BLOCK  00f771de-1a7e-4fcb-890e-68c77e2fb44e (u32 AP reset EIP)
 * SEV_HASH_TABLE_RV   7255371f-3a3b-4b04-927b-1da6efa8d454 (u32 GPA, u32 size)
 * OVMF_SEV_METADATA   dc886566-984a-4798-a75e-5585a7bf67cc (u32 offset from end)
 */
#define OVMF_GUID_TABLE_FOOTER \
	{ 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d }
#define OVMF_GUID_SEV_ES_RESET_BLOCK \
	{ 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e }
#define OVMF_GUID_SEV_HASH_TABLE_RV \
	{ 0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54 }
#define OVMF_GUID_SEV_METADATA \
	{ 0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc }

/* The footer entry ends this many bytes before the end of the image. */
#define OVMF_FOOTER_END_OFFSET 32u

/**
 * struct ovmf_table_entry_tail - trailer of one footer-table entry; its data precedes it.
 * The table is walked backwards from the footer entry.
 * @size: bytes of the whole entry (data + this trailer).
 * @guid: entry GUID.
 */
struct __attribute__((packed)) ovmf_table_entry_tail {
	uint16_t size;
	uint8_t guid[16];
};
_Static_assert(sizeof(struct ovmf_table_entry_tail) == 18, "ovmf table entry size");

#define OVMF_SEV_METADATA_SIGNATURE 0x56455341u /* "ASEV" */
#define OVMF_SEV_METADATA_VERSION   1u

/**
 * struct ovmf_sev_metadata_header - start of the "ASEV" metadata block.
 * @signature:  OVMF_SEV_METADATA_SIGNATURE.
 * @size:       bytes of the header plus all descriptors.
 * @version:    OVMF_SEV_METADATA_VERSION.
 * @num_items:  descriptors that follow.
 */
struct ovmf_sev_metadata_header {
	uint32_t signature;
	uint32_t size;
	uint32_t version;
	uint32_t num_items;
};
_Static_assert(sizeof(struct ovmf_sev_metadata_header) == 16, "ovmf metadata header size");

/* Metadata section types. */
#define OVMF_SECTION_SNP_SEC_MEM       1u
#define OVMF_SECTION_SNP_SECRETS       2u
#define OVMF_SECTION_CPUID             3u
#define OVMF_SECTION_SVSM_CAA          4u
#define OVMF_SECTION_SNP_KERNEL_HASHES 0x10u

/**
 * struct ovmf_sev_metadata_desc - one "ASEV" section.
 * @gpa:  base GPA.
 * @size: bytes.
 * @type: OVMF_SECTION_*.
 */
struct ovmf_sev_metadata_desc {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};
_Static_assert(sizeof(struct ovmf_sev_metadata_desc) == 12, "ovmf metadata desc size");

/**
 * struct sev_hash_table_entry - entry of the SEV kernel-hashes table QEMU builds.
 * @guid:   entry GUID.
 * @length: sizeof(struct sev_hash_table_entry) = 50.
 * @hash:   SHA-256 of the kernel, initrd or command line.
 */
struct __attribute__((packed)) sev_hash_table_entry {
	uint8_t guid[16];
	uint16_t length;
	uint8_t hash[32];
};
_Static_assert(sizeof(struct sev_hash_table_entry) == 50, "sev hash entry size");

/**
 * struct sev_hash_table - QEMU's SEV hashes table (header GUID, then cmdline, initrd,
 * kernel entries), padded to 16 bytes when placed in the page.
 * @guid:    table GUID.
 * @length:  sizeof(struct sev_hash_table) = 168.
 * @cmdline: hash of the command line including its NUL.
 * @initrd:  hash of the initrd (of nothing when absent).
 * @kernel:  hash of the kernel.
 */
struct __attribute__((packed)) sev_hash_table {
	uint8_t guid[16];
	uint16_t length;
	struct sev_hash_table_entry cmdline;
	struct sev_hash_table_entry initrd;
	struct sev_hash_table_entry kernel;
};
_Static_assert(sizeof(struct sev_hash_table) == 168, "sev hash table size");
#define SEV_HASH_TABLE_PADDED_SIZE 176u

/* 9438d606-4f22-4cc9-b479-a793d411fd21, 97d02dd8-bd20-4c94-aa78-e7714d36ab2a,
 * 44baf731-3a2f-4bd7-9af1-41e29169781d, 4de79437-abd2-427f-b835-d5b172d2045b */
#define SEV_GUID_HASH_TABLE_HEADER \
	{ 0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 }
#define SEV_GUID_CMDLINE_ENTRY \
	{ 0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a }
#define SEV_GUID_INITRD_ENTRY \
	{ 0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d }
#define SEV_GUID_KERNEL_ENTRY \
	{ 0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b }

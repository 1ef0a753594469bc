/*
 * OVMF firmware footer (GUIDed table at the end of the image) and SEV metadata ("ASEV")
 * parsing, and the SNP launch digest of a plain (non-IGVM) QEMU/KVM launch of that OVMF,
 * as virtee/sev-snp-measure computes it. Freestanding; hashing via struct snp_hash_ops.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/snp_measure.h"

/** enum ovmf_err - why an OVMF image or a measurement request was rejected. */
enum ovmf_err {
	OVMF_OK = 0,
	OVMF_E_TRUNCATED,    /* image too small for a footer */
	OVMF_E_NO_FOOTER,    /* no footer-table GUID at len - 48 */
	OVMF_E_TABLE,        /* footer table or one of its entries out of bounds */
	OVMF_E_METADATA,     /* SEV metadata missing signature/version or out of bounds */
	OVMF_E_SECTION,      /* unknown or malformed metadata section */
	OVMF_E_NO_RESET,     /* no SEV-ES reset block (needed for AP VMSAs) */
	OVMF_E_NO_HASHES,    /* kernel hashes requested but OVMF has no hashes section/table */
	OVMF_E_PARAM,        /* bad request (vCPU count, image size) */
};

#define OVMF_MAX_SECTIONS 64u

/**
 * struct ovmf_info - what the footer and metadata say.
 * @reset_eip:         AP reset EIP (SEV-ES reset block); valid if @has_reset_eip.
 * @hash_table_gpa:    GPA of the SEV hashes table; valid if @has_hash_table.
 * @hash_table_size:   its reserved size.
 * @section_count:     metadata sections in @sections.
 * @sections:          the sections, in table order.
 */
struct ovmf_info {
	bool has_reset_eip;
	bool has_hash_table;
	bool has_metadata;
	uint32_t reset_eip;
	uint32_t hash_table_gpa;
	uint32_t hash_table_size;
	uint32_t section_count;
	struct ovmf_sev_metadata_desc sections[OVMF_MAX_SECTIONS];
};

/**
 * ovmf_parse() - read the footer table and SEV metadata of the image @img (@len bytes,
 * the image ends at 4 GiB). On error *@err_off names the offending byte.
 */
enum ovmf_err ovmf_parse(const uint8_t *img, size_t len, struct ovmf_info *info, size_t *err_off);

/** ovmf_strerror() - short English description of @err. */
const char *ovmf_strerror(enum ovmf_err err);

/**
 * struct snp_ovmf_launch - parameters of a plain QEMU SNP launch of OVMF.
 * @vcpus:        number of vCPUs (one reset VMSA each; BSP first).
 * @cpu_sig:      CPUID signature placed in RDX of every VMSA (snp_cpu_sig()).
 * @sev_features: VMSA sev_features (guest features), 0x1 = SNP only.
 * @seed:         48-byte digest to start from instead of hashing the image (the
 *                "OVMF hash"), or NULL.
 * @has_kernel:   measure the SEV kernel-hashes page (-kernel launch) instead of zeros.
 * @kernel_sha256, @initrd_sha256, @cmdline_sha256: SHA-256 of the kernel, initrd (of no
 *                bytes when absent) and command line including its NUL.
 */
struct snp_ovmf_launch {
	uint32_t vcpus;
	uint32_t cpu_sig;
	uint64_t sev_features;
	const uint8_t *seed;
	bool has_kernel;
	uint8_t kernel_sha256[32];
	uint8_t initrd_sha256[32];
	uint8_t cmdline_sha256[32];
};

/**
 * snp_measure_ovmf() - launch digest of @img launched as in @launch: the image as NORMAL
 * pages ending at 4 GiB, then each metadata section in table order (SEC_MEM and CAA as
 * ZERO, SECRETS, CPUID, KERNEL_HASHES as ZERO or the hashes page), then one reset VMSA
 * per vCPU.
 */
enum ovmf_err snp_measure_ovmf(const uint8_t *img, size_t len, const struct ovmf_info *info,
			       const struct snp_ovmf_launch *launch, const struct snp_hash_ops *ops,
			       uint8_t ld_out[SNP_LD_SIZE]);

/** snp_sev_hashes_page() - build QEMU's SEV hashes page with the table at @offset. */
enum ovmf_err snp_sev_hashes_page(uint8_t page[SNP_PAGE_SIZE], uint32_t offset,
				  const struct snp_ovmf_launch *launch);

/*
 * SNP launch digest of an IGVM file, as QEMU (backends/igvm.c) and KVM measure it.
 * Freestanding; hashing via struct snp_hash_ops.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/igvm_parse.h"
#include "lib/snp_measure.h"

/**
 * struct igvm_measure_opts - how to measure.
 * @platform_mask: compatibility bit to measure for; 0 = the SEV_SNP platform's bit.
 * @native_zero:   measure data-less NORMAL pages as ZERO pages (igvmmeasure -n) instead
 *                 of NORMAL pages of zeros (what QEMU/KVM do).
 */
struct igvm_measure_opts {
	uint32_t platform_mask;
	bool native_zero;
};

/**
 * struct igvm_measure_result - the digest and what went into it.
 * @ld:             the launch digest.
 * @mask:           compatibility bit measured.
 * @normal_pages, @zero_pages, @unmeasured_pages, @secrets_pages, @cpuid_pages,
 * @vmsa_pages:     PAGE_INFO updates per type.
 * @has_policy:     a GUEST_POLICY applied; @policy is its value.
 * @has_id_block:   an SNP_ID_BLOCK applied; @id_block_ld is its expected digest.
 * @vmsa_gpa_not_kvm: a VP_CONTEXT gpa differs from SNP_VMSA_GPA (KVM would refuse it).
 */
struct igvm_measure_result {
	uint8_t ld[SNP_LD_SIZE];
	uint32_t mask;
	uint64_t normal_pages;
	uint64_t zero_pages;
	uint64_t unmeasured_pages;
	uint64_t secrets_pages;
	uint64_t cpuid_pages;
	uint64_t vmsa_pages;
	bool has_policy;
	uint64_t policy;
	bool has_id_block;
	uint8_t id_block_ld[SNP_LD_SIZE];
	bool vmsa_gpa_not_kvm;
};

/**
 * igvm_measure_snp() - parse and validate @buf and compute its SNP launch digest:
 * PAGE_DATA and PARAMETER_INSERT in QEMU's order (runs of contiguous pages are issued
 * when the next page breaks them, so a directive between pages goes first), then the
 * VMSAs of the VP_CONTEXTs in file order at SNP_VMSA_GPA. On error *@err_off names the
 * offending byte. IGVM_E_COMPAT_MASK if the file has no SNP platform (and none given).
 */
enum igvm_err igvm_measure_snp(const uint8_t *buf, size_t len, const struct igvm_measure_opts *opts,
			       const struct snp_hash_ops *ops, struct igvm_measure_result *res,
			       size_t *err_off);

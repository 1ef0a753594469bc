/*
 * SEV-SNP launch digest: the PAGE_INFO chain (LD' = SHA-384(PAGE_INFO)), QEMU reset
 * VMSAs, CPU signatures and the ID block. Freestanding: the SHA-384 itself comes from the
 * caller through struct snp_hash_ops (libcrypto on the host, the kernel's crypto later).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/snp_measure.h"
#include "svsm/abi/vmsa.h"

/**
 * struct snp_hash_ops - SHA-384 provider.
 * @sha384:       digest of @len bytes at @data into @out.
 * @sha384_pages: digests of @count 4 KiB pages into @out[i]; may hash them in parallel.
 *                NULL means "call @sha384 per page".
 * @ctx:          passed back to both.
 */
struct snp_hash_ops {
	void (*sha384)(void *ctx, const void *data, size_t len, uint8_t out[SNP_LD_SIZE]);
	void (*sha384_pages)(void *ctx, const uint8_t *const *pages, size_t count,
			     uint8_t (*out)[SNP_LD_SIZE]);
	void *ctx;
};

/** struct snp_ld - a launch digest being computed. */
struct snp_ld {
	uint8_t ld[SNP_LD_SIZE];          /* current digest */
	const struct snp_hash_ops *ops;   /* hash provider */
	uint64_t updates;                 /* PAGE_INFO records hashed so far */
};

/** SHA-384 of 4096 zero bytes (CONTENTS of a NORMAL zero page). */
extern const uint8_t snp_zero_page_sha384[SNP_LD_SIZE];

/** snp_ld_init() - start from @seed (48 bytes) or from zeros when @seed is NULL. */
void snp_ld_init(struct snp_ld *ld, const struct snp_hash_ops *ops, const uint8_t *seed);

/** snp_page_info_fill() - build the PAGE_INFO record for one update. */
void snp_page_info_fill(struct snp_page_info *pi, const uint8_t digest_cur[SNP_LD_SIZE],
			const uint8_t *contents, uint8_t page_type, uint64_t gpa);

/** snp_ld_update() - one update with @contents (NULL = 48 zero bytes). */
void snp_ld_update(struct snp_ld *ld, uint8_t page_type, uint64_t gpa, const uint8_t *contents);

/** snp_ld_update_normal() - NORMAL page at @gpa with 4096 bytes @page (NULL = zeros). */
void snp_ld_update_normal(struct snp_ld *ld, uint64_t gpa, const uint8_t *page);

/**
 * snp_ld_update_normal_run() - NORMAL pages at @gpa, @gpa + 4 KiB, ... with contents
 * @pages[i] (NULL entries are zero pages). Uses ops->sha384_pages in batches.
 */
void snp_ld_update_normal_run(struct snp_ld *ld, uint64_t gpa, const uint8_t *const *pages,
			      size_t count);

/** snp_ld_update_vmsa() - VMSA page (4096 bytes) at SNP_VMSA_GPA, as KVM measures it. */
void snp_ld_update_vmsa(struct snp_ld *ld, const void *vmsa_page);

/** snp_cpu_sig() - CPUID Fn0000_0001_EAX for @family/@model/@stepping (AMD #25481). */
uint32_t snp_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping);

/** snp_vmsa_seg_set() - one VMSA segment register. */
void snp_vmsa_seg_set(struct vmsa_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit,
		      uint64_t base);

/**
 * snp_vmsa_reset() - fill the whole page @v with the x86 reset state every SNP reset VMSA
 * shares: real mode at @eip (CS.base = @eip & 0xffff0000, RIP = its low 16 bits), 64 KiB
 * data segments, EFER.SVME, and the reset values of DR6, DR7, RFLAGS, PAT, XCR0 and MXCSR.
 * Everything else is zero; callers add CR0, CR4, the x87 state, RDX, VMPL and features.
 */
void snp_vmsa_reset(struct vmsa *v, uint32_t eip);

/**
 * snp_vmsa_qemu_reset() - the VMSA of a vCPU at reset as QEMU/KVM give it to an SNP
 * launch of plain OVMF: CS:IP from @eip, RDX = @cpu_sig, SEV features @sev_features.
 */
void snp_vmsa_qemu_reset(struct vmsa *v, uint32_t eip, uint32_t cpu_sig, uint64_t sev_features);

/** snp_id_block_fill() - the unsigned ID block for launch digest @ld. */
void snp_id_block_fill(struct snp_id_block *b, const uint8_t ld[SNP_LD_SIZE],
		       const uint8_t family_id[16], const uint8_t image_id[16], uint32_t guest_svn,
		       uint64_t policy);

/*
 * Private interface of the SNP platform's kernel glue (platform_snp.c, ap_snp.c, vcpu_snp.c,
 * attest_snp.c): per-CPU GHCBs, per-vCPU state, the SVSM's own SNP pages.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/abi/ghcb.h"
#include "svsm/abi/snp.h"
#include "svsm/abi/vmsa.h"

/** struct snp_cpu - per-CPU SNP state: the CPU's registered GHCB (shared page). */
struct snp_cpu {
	struct ghcb *ghcb;
	uint64_t ghcb_gpa;
	bool registered; /* the host knows ghcb_gpa as this CPU's GHCB */
};

/** struct snp_vcpu - a guest vCPU: its VMPL2 VMSA (SVSM-owned while the vCPU lives). */
struct snp_vcpu {
	struct vmsa *vmsa;
	paddr_t vmsa_pa;
	unsigned pcpu;	/* the CPU whose VMPL0 runs it */
	bool svsm_page; /* the VMSA page is SVSM memory (boot vCPU), else guest memory */
};

/** snp_cpu_of - the SNP state of the CPU with index @index. */
struct snp_cpu *snp_cpu_of(unsigned index);
/** snp_this_cpu - this CPU's SNP state. */
struct snp_cpu *snp_this_cpu(void);
/** snp_own_features - the SVSM's own sev_features (SEV_STATUS >> 2). */
uint64_t snp_own_features(void);
/** snp_secrets - the SVSM's secrets page (VMPCKs), or NULL before plat_init(). */
struct snp_secrets_page *snp_secrets(void);
/** snp_shared_page_alloc - a zeroed page made shared with the host; its VA and GPA. */
enum svsm_err snp_shared_page_alloc(void **va, uint64_t *gpa) SVSM_MUST_CHECK;

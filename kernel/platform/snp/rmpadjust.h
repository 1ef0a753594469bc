/*
 * RMPADJUST policy on top of snp_insn_rmpadjust(): granting and revoking lower-VMPL access and
 * turning a page into a VMSA and back.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/**
 * snp_rmpadjust() - RMPADJUST with raw @attrs. SVSM_OK, or SVSM_E_HW with *@rc the EAX code
 * (or SNP_INSN_FAULTED); SVSM_E_INVALID_PARAM (not executed) for misaligned addresses.
 */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs,
					    uint32_t *rc);
/** snp_rmpadjust_grant() - give @vmpl the RMPADJUST_* permissions @perms. */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust_grant(uint64_t vaddr, unsigned int size,
						  unsigned int vmpl, uint64_t perms, uint32_t *rc);
/** snp_rmpadjust_revoke() - take every permission from @vmpl. */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust_revoke(uint64_t vaddr, unsigned int size,
						   unsigned int vmpl, uint32_t *rc);
/** snp_rmpadjust_revoke_lower() - take every permission from VMPL1..3. */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust_revoke_lower(uint64_t vaddr, unsigned int size,
							 uint32_t *rc);
/** snp_rmpadjust_make_vmsa() - revoke VMPL1..3, then mark the 4K page a VMSA for @vmpl (READ). */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust_make_vmsa(uint64_t vaddr, unsigned int vmpl,
						      uint32_t *rc);
/** snp_rmpadjust_clear_vmsa() - clear the VMSA bit and give @vmpl RWX back. */
SVSM_MUST_CHECK enum svsm_err snp_rmpadjust_clear_vmsa(uint64_t vaddr, unsigned int vmpl,
						       uint32_t *rc);

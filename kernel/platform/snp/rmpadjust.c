/*
 * RMPADJUST policy: owns the attribute encodings the SVSM uses to give the guest VMPL access
 * to its memory, take it away, and create or dissolve VMSA pages. No state.
 */
#include "kernel/platform/snp/rmpadjust.h"

#include "kernel/platform/snp/insn.h"
#include "svsm/abi/snp.h"

enum svsm_err snp_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs, uint32_t *rc)
{
	uint64_t align = size == RMP_PG_SIZE_2M ? 0x200000ull : 0x1000ull;

	*rc = SNP_INSN_SUCCESS;
	if (size > RMP_PG_SIZE_2M || (vaddr & (align - 1)) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	*rc = snp_insn_rmpadjust(vaddr, size, attrs);
	return *rc == SNP_INSN_SUCCESS ? SVSM_OK : SVSM_E_HW;
}

enum svsm_err snp_rmpadjust_grant(uint64_t vaddr, unsigned int size, unsigned int vmpl,
				  uint64_t perms, uint32_t *rc)
{
	*rc = SNP_INSN_SUCCESS;
	if (vmpl == 0 || vmpl > SNP_VMPL_MAX || (perms & ~RMPADJUST_RWX) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	return snp_rmpadjust(vaddr, size, vmpl | perms, rc);
}

enum svsm_err snp_rmpadjust_revoke(uint64_t vaddr, unsigned int size, unsigned int vmpl,
				   uint32_t *rc)
{
	*rc = SNP_INSN_SUCCESS;
	if (vmpl == 0 || vmpl > SNP_VMPL_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	return snp_rmpadjust(vaddr, size, vmpl, rc);
}

enum svsm_err snp_rmpadjust_revoke_lower(uint64_t vaddr, unsigned int size, uint32_t *rc)
{
	enum svsm_err err = SVSM_OK;

	for (unsigned int vmpl = 1; vmpl <= SNP_VMPL_MAX; vmpl++) {
		err = snp_rmpadjust_revoke(vaddr, size, vmpl, rc);
		if (err != SVSM_OK) {
			return err;
		}
	}
	return SVSM_OK;
}

enum svsm_err snp_rmpadjust_make_vmsa(uint64_t vaddr, unsigned int vmpl, uint32_t *rc)
{
	enum svsm_err err = SVSM_OK;

	*rc = SNP_INSN_SUCCESS;
	if (vmpl == 0 || vmpl > SNP_VMPL_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	err = snp_rmpadjust_revoke_lower(vaddr, RMP_PG_SIZE_4K, rc);
	if (err != SVSM_OK) {
		return err;
	}
	return snp_rmpadjust(vaddr, RMP_PG_SIZE_4K, vmpl | RMPADJUST_READ | RMPADJUST_VMSA_PAGE, rc);
}

enum svsm_err snp_rmpadjust_clear_vmsa(uint64_t vaddr, unsigned int vmpl, uint32_t *rc)
{
	*rc = SNP_INSN_SUCCESS;
	if (vmpl == 0 || vmpl > SNP_VMPL_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	return snp_rmpadjust(vaddr, RMP_PG_SIZE_4K, vmpl | RMPADJUST_RWX, rc);
}

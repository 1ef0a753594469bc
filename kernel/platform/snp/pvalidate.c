/*
 * PVALIDATE policy: owns how the SVSM validates and invalidates its own and the guest's pages
 * through snp_insn_pvalidate(). Decision on the CF=1 case (PVALIDATE of a page that already has
 * the requested state returns EAX=0 with rFLAGS.CF=1): it is NOT success here. The caller asked
 * for a state change that did not happen, which means the SVSM's view of guest memory and the
 * RMP disagree (a double validation, or a hypervisor replaying a page); it is reported as
 * SNP_INSN_NO_CHANGE so the core protocol can return SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE unless
 * the guest set ignore_cf, as AMD linux-svsm and COCONUT do, and Linux treats it as a failure.
 * No state.
 */
#include "kernel/platform/snp/pvalidate.h"

#include "kernel/platform/snp/insn.h"
#include "svsm/abi/snp.h"

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull

enum svsm_err snp_pvalidate(uint64_t vaddr, unsigned int size, bool validate, uint32_t *rc)
{
	bool no_change = false;
	uint64_t align = size == RMP_PG_SIZE_2M ? PAGE_2M : PAGE_4K;

	*rc = SNP_INSN_SUCCESS;
	if (size > RMP_PG_SIZE_2M || (vaddr & (align - 1)) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	*rc = snp_insn_pvalidate(vaddr, size, validate, &no_change);
	if (*rc == SNP_INSN_SUCCESS && no_change) {
		*rc = SNP_INSN_NO_CHANGE;
	}
	return *rc == SNP_INSN_SUCCESS ? SVSM_OK : SVSM_E_HW;
}

enum svsm_err snp_pvalidate_range(uint64_t vaddr, size_t page_count, bool validate, uint32_t *rc,
				  uint64_t *fail_vaddr)
{
	uint64_t end = vaddr + page_count * PAGE_4K;
	enum svsm_err err = SVSM_OK;

	*rc = SNP_INSN_SUCCESS;
	*fail_vaddr = 0;
	if ((vaddr & (PAGE_4K - 1)) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	while (vaddr < end) {
		if ((vaddr & (PAGE_2M - 1)) == 0 && end - vaddr >= PAGE_2M) {
			err = snp_pvalidate(vaddr, RMP_PG_SIZE_2M, validate, rc);
			if (err == SVSM_OK) {
				vaddr += PAGE_2M;
				continue;
			}
			if (*rc != SNP_INSN_FAIL_SIZEMISMATCH) {
				*fail_vaddr = vaddr;
				return err;
			}
			/* The RMP holds this range as 4K pages: fall back (Linux does the same). */
			for (uint64_t p = vaddr; p < vaddr + PAGE_2M; p += PAGE_4K) {
				err = snp_pvalidate(p, RMP_PG_SIZE_4K, validate, rc);
				if (err != SVSM_OK) {
					*fail_vaddr = p;
					return err;
				}
			}
			vaddr += PAGE_2M;
			continue;
		}
		err = snp_pvalidate(vaddr, RMP_PG_SIZE_4K, validate, rc);
		if (err != SVSM_OK) {
			*fail_vaddr = vaddr;
			return err;
		}
		vaddr += PAGE_4K;
	}
	return SVSM_OK;
}

/*
 * PVALIDATE policy on top of snp_insn_pvalidate(): single pages with the CF (no change) case
 * reported as SNP_INSN_NO_CHANGE, and ranges with 2M pages first and a 4K fallback.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/**
 * snp_pvalidate() - PVALIDATE one page.
 * Returns SVSM_OK only if the RMP changed. Otherwise SVSM_E_HW with *@rc = the EAX code
 * (SNP_INSN_FAIL_INPUT, SNP_INSN_FAIL_SIZEMISMATCH), SNP_INSN_NO_CHANGE when CF=1, or
 * SNP_INSN_FAULTED; SVSM_E_INVALID_PARAM (not executed) for a misaligned address or bad size.
 */
SVSM_MUST_CHECK enum svsm_err snp_pvalidate(uint64_t vaddr, unsigned int size, bool validate,
					    uint32_t *rc);

/**
 * snp_pvalidate_range() - PVALIDATE @page_count 4K pages from @vaddr, using 2M pages where the
 * address is 2M aligned and 512 pages remain; a 2M page the RMP holds as 4K pages
 * (FAIL_SIZEMISMATCH) is redone as 512 4K pages. Stops at the first failure with *@rc as in
 * snp_pvalidate() and *@fail_vaddr the failing address.
 */
SVSM_MUST_CHECK enum svsm_err snp_pvalidate_range(uint64_t vaddr, size_t page_count, bool validate,
						  uint32_t *rc, uint64_t *fail_vaddr);

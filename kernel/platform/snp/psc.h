/*
 * Page state changes (GHCB NAE 0x80000010): building PSC buffers, submitting them and
 * checking the hypervisor's progress, and whole private<->shared conversions with PVALIDATE
 * in the order the GHCB spec requires.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/abi/ghcb.h"
#include "svsm/err.h"

/* A hypervisor that makes no progress this many times in a row is treated as failing. */
#define SNP_PSC_MAX_STALLS 8u

/** snp_psc_entry() - encode one PSC entry. */
uint64_t snp_psc_entry(uint64_t gpa, unsigned int op, bool size_2m);

/**
 * snp_psc_build() - fill @d with up to 253 entries for @page_count 4K pages from @gpa: 2M
 * entries where @allow_2m, @gpa is 2M aligned and 512 pages remain, else 4K entries.
 * Returns the number of 4K pages the buffer covers (0 if @page_count is 0).
 */
size_t snp_psc_build(struct psc_desc *d, uint64_t gpa, size_t page_count, unsigned int op,
		     bool allow_2m);

/**
 * snp_psc_submit() - copy @d into the GHCB shared buffer and VMGEXIT until the hypervisor
 * has processed every entry. Fails (SVSM_E_IO) on a hypervisor error in sw_exit_info_2, a
 * header with reserved bits, a changed end_entry, cur_entry moving backwards, an entry the
 * hypervisor rewrote, or SNP_PSC_MAX_STALLS calls without progress.
 */
SVSM_MUST_CHECK enum svsm_err snp_psc_submit(struct ghcb *g, uint64_t ghcb_gpa,
					     const struct psc_desc *d);

/**
 * snp_psc_range() - convert @page_count pages (mapped at @va, guest physical @gpa) to
 * @op (SNP_PAGE_STATE_PRIVATE or _SHARED). Private: PSC (2M entries first) then PVALIDATE(1)
 * with a 4K fallback when the host backed a 2M range with 4K RMP entries. Shared: PVALIDATE(0)
 * first (a 4K page inside a 2M RMP entry is PSMASHed through the host, then retried), then PSC.
 * On a PVALIDATE failure *@rc holds its code (see snp_pvalidate()).
 */
SVSM_MUST_CHECK enum svsm_err snp_psc_range(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t va,
					    gpa_t gpa, size_t page_count, unsigned int op,
					    uint32_t *rc);

/*
 * Page state change: owns the PSC buffer encoding, the submit loop that checks every answer
 * of the (untrusted) hypervisor, and the ordering of PSC and PVALIDATE in private<->shared
 * conversions, including the 2M->4K fallback and PSMASH. No state; the caller owns the GHCB.
 */
#include "kernel/platform/snp/psc.h"

#include <string.h>

#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/pvalidate.h"
#include "svsm/abi/snp.h"

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define PAGES_PER_2M 512u

uint64_t snp_psc_entry(uint64_t gpa, unsigned int op, bool size_2m)
{
	return (((gpa >> 12) & PSC_ENTRY_GFN_MASK) << PSC_ENTRY_GFN_SHIFT) |
	       ((uint64_t)(op & PSC_ENTRY_OP_MASK) << PSC_ENTRY_OP_SHIFT) |
	       (size_2m ? PSC_ENTRY_2M : 0);
}

size_t snp_psc_build(struct psc_desc *d, uint64_t gpa, size_t page_count, unsigned int op,
		     bool allow_2m)
{
	size_t done = 0;
	unsigned int n = 0;

	memset(d, 0, sizeof(*d));
	while (done < page_count && n < VMGEXIT_PSC_MAX_ENTRY) {
		uint64_t addr = gpa + done * PAGE_4K;
		bool big = allow_2m && (addr & (PAGE_2M - 1)) == 0 &&
			   page_count - done >= PAGES_PER_2M;

		d->entries[n++] = snp_psc_entry(addr, op, big);
		done += big ? PAGES_PER_2M : 1;
	}
	d->hdr.cur_entry = 0;
	d->hdr.end_entry = (uint16_t)(n == 0 ? 0 : n - 1);
	return done;
}

enum svsm_err snp_psc_submit(struct ghcb *g, uint64_t ghcb_gpa, const struct psc_desc *d)
{
	struct psc_desc *shared = (struct psc_desc *)g->shared_buffer;
	uint16_t end = d->hdr.end_entry;
	uint16_t cur = d->hdr.cur_entry;
	unsigned int stalls = 0;
	enum svsm_err err = SVSM_OK;

	if (end >= VMGEXIT_PSC_MAX_ENTRY || cur > end) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(shared, d, offsetof(struct psc_desc, entries) + (end + 1u) * sizeof(uint64_t));
	for (;;) {
		struct psc_hdr hdr;

		snp_ghcb_prepare(g, SVM_VMGEXIT_PSC, 0, 0);
		snp_ghcb_set_field(g, SNP_GHCB_OFF(sw_scratch),
				   ghcb_gpa + offsetof(struct ghcb, shared_buffer));
		err = snp_ghcb_call_prepared(g, ghcb_gpa);
		if (err != SVSM_OK) {
			return err;
		}
		if (g->save.sw_exit_info_2 != 0) {
			return SVSM_E_IO;
		}
		memcpy(&hdr, &shared->hdr, sizeof(hdr)); /* read the shared header once */
		if (hdr.reserved != 0 || hdr.end_entry != end || hdr.cur_entry < cur) {
			return SVSM_E_IO;
		}
		for (uint32_t i = hdr.cur_entry; i <= end; i++) {
			if (((shared->entries[i] ^ d->entries[i]) & ~PSC_ENTRY_CUR_PAGE_MASK) != 0) {
				return SVSM_E_IO; /* the host rewrote an entry still to do */
			}
		}
		if (hdr.cur_entry > end) {
			return SVSM_OK;
		}
		stalls = hdr.cur_entry == cur ? stalls + 1 : 0;
		if (stalls >= SNP_PSC_MAX_STALLS) {
			return SVSM_E_IO;
		}
		cur = hdr.cur_entry;
	}
}

static enum svsm_err psc_one(struct ghcb *g, uint64_t ghcb_gpa, uint64_t gpa, unsigned int op,
			     bool size_2m)
{
	struct psc_desc d;

	memset(&d.hdr, 0, sizeof(d.hdr));
	d.entries[0] = snp_psc_entry(gpa, op, size_2m);
	return snp_psc_submit(g, ghcb_gpa, &d);
}

/* PVALIDATE one 4K page; if the RMP holds it in a 2M entry, PSMASH that entry and retry. */
static enum svsm_err pvalidate_4k(struct ghcb *g, uint64_t ghcb_gpa, uint64_t vaddr,
				  uint64_t gpa, bool validate, uint32_t *rc)
{
	enum svsm_err err = snp_pvalidate(vaddr, 0, validate, rc);

	if (err == SVSM_OK || *rc != SNP_INSN_FAIL_SIZEMISMATCH) {
		return err;
	}
	err = psc_one(g, ghcb_gpa, gpa & ~(PAGE_2M - 1), SNP_PAGE_STATE_PSMASH, true);
	if (err != SVSM_OK) {
		return err;
	}
	return snp_pvalidate(vaddr, 0, validate, rc);
}

static enum svsm_err pvalidate_range(struct ghcb *g, uint64_t ghcb_gpa, uint64_t vaddr,
				     uint64_t gpa, size_t page_count, bool validate, uint32_t *rc)
{
	size_t i = 0;
	enum svsm_err err = SVSM_OK;

	while (i < page_count) {
		uint64_t off = i * PAGE_4K;
		bool big = ((vaddr + off) & (PAGE_2M - 1)) == 0 &&
			   ((gpa + off) & (PAGE_2M - 1)) == 0 && page_count - i >= PAGES_PER_2M;

		if (big) {
			err = snp_pvalidate(vaddr + off, 1, validate, rc);
			if (err == SVSM_OK) {
				i += PAGES_PER_2M;
				continue;
			}
			if (*rc != SNP_INSN_FAIL_SIZEMISMATCH) {
				return err;
			}
			/* The host backed this 2M range with 4K RMP entries: do 512 4K pages. */
			for (unsigned int j = 0; j < PAGES_PER_2M; j++) {
				err = pvalidate_4k(g, ghcb_gpa, vaddr + off + j * PAGE_4K,
						   gpa + off + j * PAGE_4K, validate, rc);
				if (err != SVSM_OK) {
					return err;
				}
			}
			i += PAGES_PER_2M;
			continue;
		}
		err = pvalidate_4k(g, ghcb_gpa, vaddr + off, gpa + off, validate, rc);
		if (err != SVSM_OK) {
			return err;
		}
		i++;
	}
	return SVSM_OK;
}

static enum svsm_err psc_batches(struct ghcb *g, uint64_t ghcb_gpa, uint64_t gpa,
				 size_t page_count, unsigned int op)
{
	struct psc_desc d;
	size_t done = 0;
	enum svsm_err err = SVSM_OK;

	while (done < page_count) {
		size_t n = snp_psc_build(&d, gpa + done * PAGE_4K, page_count - done, op, true);

		err = snp_psc_submit(g, ghcb_gpa, &d);
		if (err != SVSM_OK) {
			return err;
		}
		done += n;
	}
	return SVSM_OK;
}

/* The typed addresses become the raw operands of PVALIDATE and the PSC entries here. */
enum svsm_err snp_psc_range(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t va, gpa_t page_gpa,
			    size_t page_count, unsigned int op, uint32_t *rc)
{
	uint64_t vaddr = va_addr(va), gpa = gpa_addr(page_gpa);
	enum svsm_err err = SVSM_OK;

	*rc = SNP_INSN_SUCCESS;
	if (((vaddr | gpa) & (PAGE_4K - 1)) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if (op == SNP_PAGE_STATE_PRIVATE) {
		err = psc_batches(g, ghcb_gpa, gpa, page_count, op);
		if (err != SVSM_OK) {
			return err;
		}
		return pvalidate_range(g, ghcb_gpa, vaddr, gpa, page_count, true, rc);
	}
	if (op == SNP_PAGE_STATE_SHARED) {
		err = pvalidate_range(g, ghcb_gpa, vaddr, gpa, page_count, false, rc);
		if (err != SVSM_OK) {
			return err;
		}
		return psc_batches(g, ghcb_gpa, gpa, page_count, op);
	}
	return SVSM_E_INVALID_PARAM;
}

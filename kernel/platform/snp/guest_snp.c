/*
 * The guest-facing RMP work of the SNP platform (svsm-abi.md 3.1, 3.2, 1.1; COCONUT
 * protocols/core.rs and platform/snp_fw.rs): PVALIDATE for the guest in the spec's order,
 * VMSA pages, firmware launch preparation and the GHCB guest-request transport. No state:
 * the callers own the GHCB (per CPU) and the guest pages involved.
 */
#include "kernel/platform/snp/guest_snp.h"

#include <stddef.h>

#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/insn.h"
#include "kernel/platform/snp/pvalidate.h"
#include "kernel/platform/snp/rmpadjust.h"
#include "kernel/platform/snp/run_vmpl.h"
#include "kernel/platform/snp/vmsa_snp.h"

#include "svsm/abi/snp.h"

#include "kernel/mm/guest_mem.h"

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull

static enum plat_pvalidate_result map_rc(uint32_t rc)
{
	switch (rc) {
	case SNP_INSN_FAIL_SIZEMISMATCH:
		return PLAT_PVALIDATE_FAIL_SIZEMISMATCH;
	case SNP_INSN_NO_CHANGE:
		return PLAT_PVALIDATE_NO_CHANGE;
	default:
		return PLAT_PVALIDATE_FAIL_INPUT;
	}
}

enum svsm_err snp_guest_pvalidate(vaddr_t page_va, const struct guest_mem_claim *page,
				  bool validate, enum plat_pvalidate_result *result)
{
	uint64_t va = va_addr(page_va); /* the instructions' operand */
	unsigned int size = page->len == PAGE_2M ? RMP_PG_SIZE_2M : RMP_PG_SIZE_4K;
	uint32_t rc = 0;
	enum svsm_err err = SVSM_OK;

	*result = PLAT_PVALIDATE_OK;
	if (!validate) {
		/* Take the guest's access away first; an invalid page reports "no change" below. */
		err = snp_rmpadjust_revoke_lower(va, size, &rc);
		if (err != SVSM_OK && rc == SNP_INSN_FAULTED) {
			return SVSM_E_INVALID_ADDRESS;
		}
		if (err != SVSM_OK && rc == SNP_INSN_FAIL_SIZEMISMATCH) {
			*result = PLAT_PVALIDATE_FAIL_SIZEMISMATCH;
			return SVSM_OK;
		}
	}
	err = snp_pvalidate(va, size, validate, &rc);
	if (err != SVSM_OK) {
		if (rc == SNP_INSN_FAULTED) {
			return SVSM_E_INVALID_ADDRESS;
		}
		*result = map_rc(rc);
		return SVSM_OK;
	}
	if (!validate) {
		return SVSM_OK; /* the TLB flush of the guest's ASID is the host's on VMPL switch */
	}
	/* A newly validated page starts zeroed (the host may have remapped it), then the grant. */
	err = guest_mem_claim_zero(page);
	if (err == SVSM_OK) {
		err = snp_rmpadjust_grant(va, size, SNP_GUEST_VMPL, RMPADJUST_RWX, &rc);
	}
	if (err != SVSM_OK) {
		/* Leave nothing half done: the page goes back to invalid. */
		if (snp_pvalidate(va, size, false, &rc) != SVSM_OK) {
			return SVSM_E_IO;
		}
		return err == SVSM_E_INVALID_ADDRESS ? err : SVSM_E_IO;
	}
	return SVSM_OK;
}

enum svsm_err snp_grant_range(vaddr_t va, uint64_t page_count, unsigned int vmpl, uint32_t *rc)
{
	uint64_t i = 0;
	enum svsm_err err = SVSM_OK;

	*rc = SNP_INSN_SUCCESS;
	while (i < page_count) {
		uint64_t a = va_addr(va_add(va, i * PAGE_4K));

		if ((a & (PAGE_2M - 1)) == 0 && page_count - i >= 512) {
			err = snp_rmpadjust_grant(a, RMP_PG_SIZE_2M, vmpl, RMPADJUST_RWX, rc);
			if (err == SVSM_OK) {
				i += 512;
				continue;
			}
			if (*rc != SNP_INSN_FAIL_SIZEMISMATCH) {
				return err;
			}
		}
		err = snp_rmpadjust_grant(a, RMP_PG_SIZE_4K, vmpl, RMPADJUST_RWX, rc);
		if (err != SVSM_OK) {
			return err;
		}
		i++;
	}
	return SVSM_OK;
}

enum svsm_err snp_ap_create(struct ghcb *g, uint64_t ghcb_gpa, unsigned int event,
			    unsigned int vmpl, uint32_t apic_id, gpa_t vmsa_gpa,
			    uint64_t sev_features)
{
	uint64_t info1 = (uint64_t)event | ((uint64_t)(vmpl & 0xf) << SVM_VMGEXIT_AP_VMPL_SHIFT) |
			 ((uint64_t)apic_id << SVM_VMGEXIT_AP_APIC_ID_SHIFT);

	snp_ghcb_prepare(g, SVM_VMGEXIT_AP_CREATION, info1, gpa_addr(vmsa_gpa));
	snp_ghcb_set_field(g, SNP_GHCB_OFF(rax), sev_features);
	return snp_ghcb_call_prepared(g, ghcb_gpa);
}

enum svsm_err snp_vcpu_make(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t vmsa_va, gpa_t vmsa_gpa,
			    uint32_t apic_id, uint64_t caller_features, struct vmsa *copy)
{
	uint32_t rc = 0;
	enum svsm_err err = snp_rmpadjust_make_vmsa(va_addr(vmsa_va), SNP_GUEST_VMPL, &rc);

	if (err != SVSM_OK) {
		/* Not a validated private guest page, or the guest VMPL cannot have it. */
		return rc == SNP_INSN_FAULTED || rc == SNP_INSN_FAIL_INPUT ? SVSM_E_INVALID_ADDRESS
									   : SVSM_E_INVALID_PARAM;
	}
	/* The page is the SVSM's now: this copy is what the hardware will run. */
	err = guest_mem_read(vmsa_gpa, copy, sizeof(*copy));
	if (err == SVSM_OK) {
		err = snp_vmsa_check_create_vcpu(copy, SNP_GUEST_VMPL, caller_features);
	}
	if (err == SVSM_OK) {
		err = snp_ap_create(g, ghcb_gpa, SVM_VMGEXIT_AP_CREATE, SNP_GUEST_VMPL, apic_id,
				    vmsa_gpa, copy->sev_features);
		if (err != SVSM_OK) {
			err = SVSM_E_BUSY; /* the host refused: the guest may retry */
		}
	}
	if (err != SVSM_OK &&
	    snp_rmpadjust_clear_vmsa(va_addr(vmsa_va), SNP_GUEST_VMPL, &rc) != SVSM_OK) {
		return SVSM_E_IO;
	}
	return err;
}

enum svsm_err snp_vcpu_unmake(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t vmsa_va,
			      gpa_t vmsa_gpa, uint32_t apic_id)
{
	uint32_t rc = 0;
	enum svsm_err err = snp_ap_create(g, ghcb_gpa, SVM_VMGEXIT_AP_DESTROY, SNP_GUEST_VMPL,
					  apic_id, vmsa_gpa, 0);

	if (err != SVSM_OK) {
		return SVSM_E_BUSY;
	}
	return snp_rmpadjust_clear_vmsa(va_addr(vmsa_va), SNP_GUEST_VMPL, &rc) == SVSM_OK
		       ? SVSM_OK
		       : SVSM_E_IO;
}

/* The SVSM's mapping of guest page @gpa: GPA + @va_offset (the direct map, or 0 on the host). */
static vaddr_t fw_page_va(gpa_t gpa, uint64_t va_offset)
{
	return va_init(gpa_addr(gpa) + va_offset);
}

static enum svsm_err grant_page(gpa_t gpa, uint64_t va_offset)
{
	uint32_t rc = 0;

	if (gpa_eq(gpa, GPA_C(0))) {
		return SVSM_OK;
	}
	return snp_grant_range(fw_page_va(gpa, va_offset), 1, SNP_GUEST_VMPL, &rc);
}

enum svsm_err snp_fw_prepare(const struct snp_fw_launch *l, const struct snp_secrets_page *own,
			     const struct snp_cpuid_table *cpuid, uint64_t va_offset)
{
	static struct snp_secrets_page copy; /* boot CPU only, before any vCPU runs */
	uint32_t rc = 0;
	enum svsm_err err = SVSM_OK;

	if (!gpa_eq(l->secrets_gpa, GPA_C(0))) {
		err = snp_secrets_copy_for_vmpl(&copy, own, SNP_GUEST_VMPL, &l->svsm);
		if (err == SVSM_OK) {
			err = guest_mem_write(l->secrets_gpa, &copy, sizeof(copy));
		}
		snp_memzero_explicit(&copy, sizeof(copy));
	}
	if (err == SVSM_OK && !gpa_eq(l->cpuid_gpa, GPA_C(0))) {
		err = cpuid == NULL ? SVSM_E_INVALID_PARAM
				    : guest_mem_write(l->cpuid_gpa, cpuid, sizeof(*cpuid));
	}
	if (err == SVSM_OK) {
		err = guest_mem_zero(l->caa_gpa, PAGE_4K);
	}
	if (err == SVSM_OK && l->fw_size != 0) {
		err = snp_grant_range(fw_page_va(l->fw_gpa, va_offset), l->fw_size / PAGE_4K,
				      SNP_GUEST_VMPL, &rc);
	}
	if (err == SVSM_OK) {
		err = grant_page(l->secrets_gpa, va_offset);
	}
	if (err == SVSM_OK) {
		err = grant_page(l->cpuid_gpa, va_offset);
	}
	if (err == SVSM_OK) {
		err = grant_page(l->caa_gpa, va_offset);
	}
	return err;
}

enum svsm_err snp_ghcb_guest_transport(void *ctx, struct snp_guest_xfer *x)
{
	struct snp_ghcb_xport *t = ctx;
	uint64_t rbx = 0;
	enum svsm_err err = SVSM_OK;

	snp_ghcb_prepare(
	    t->ghcb, x->certs != NULL ? SVM_VMGEXIT_EXT_GUEST_REQUEST : SVM_VMGEXIT_GUEST_REQUEST,
	    t->req_gpa, t->resp_gpa);
	if (x->certs != NULL) {
		snp_ghcb_set_field(t->ghcb, SNP_GHCB_OFF(rax), t->certs_gpa);
		snp_ghcb_set_field(t->ghcb, SNP_GHCB_OFF(rbx), x->cert_pages);
	}
	err = snp_ghcb_call_prepared(t->ghcb, t->ghcb_gpa);
	if (err != SVSM_OK) {
		return err;
	}
	x->exit_info_2 = t->ghcb->save.sw_exit_info_2;
	if (x->certs != NULL &&
	    (x->exit_info_2 >> SNP_GUEST_VMM_ERR_SHIFT) == SNP_GUEST_VMM_ERR_INVALID_LEN) {
		if (!snp_ghcb_get_field(t->ghcb, SNP_GHCB_OFF(rbx), &rbx) || rbx > UINT32_MAX) {
			return SVSM_E_IO;
		}
		x->cert_pages = (uint32_t)rbx;
	}
	return SVSM_OK;
}

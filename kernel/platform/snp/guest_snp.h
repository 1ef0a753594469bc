/*
 * What the SNP platform does to the guest's pages and VMSAs, without the kernel around it:
 * PVALIDATE for the guest with the RMPADJUST grant, CREATE/DELETE_VCPU on the RMP and the
 * host (AP_CREATION), firmware launch preparation (secrets and CPUID pages, calling area,
 * grants), and the guest-request transport over the GHCB. Host-tested with the fake CPU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "kernel/platform/platform.h"
#include "kernel/platform/snp/guest_request.h"
#include "kernel/platform/snp/secrets.h"

#include "svsm/abi/ghcb.h"
#include "svsm/abi/vmsa.h"

struct guest_mem_claim;

/**
 * snp_guest_pvalidate() - validate (zeroed, then RWX for the guest VMPL) or invalidate
 * (guest access revoked first) the guest page @page claims (4 KiB or 2 MiB), mapped at @va.
 * The claim keeps the page from becoming a VMSA page meanwhile, so undoing a failed
 * validation never rescinds a live VMSA. PVALIDATE outcomes go to *@result;
 * SVSM_E_INVALID_ADDRESS when the page is not private guest memory (PVALIDATE or RMPADJUST
 * or the zeroing faulted), SVSM_E_IO when the RMP refused a step that must work.
 */
enum svsm_err snp_guest_pvalidate(vaddr_t va, const struct guest_mem_claim *page, bool validate,
				  enum plat_pvalidate_result *result) SVSM_MUST_CHECK;

/**
 * snp_grant_range() - give @vmpl RWX on @page_count validated 4K pages at @va: 2M RMPADJUSTs
 * where aligned, 4K ones where the RMP holds 4K entries. *@rc as snp_rmpadjust().
 */
enum svsm_err snp_grant_range(vaddr_t va, uint64_t page_count, unsigned int vmpl,
			      uint32_t *rc) SVSM_MUST_CHECK;

/** snp_ap_create() - NAE AP_CREATION @event for @vmsa_gpa at @vmpl on @apic_id. */
enum svsm_err snp_ap_create(struct ghcb *g, uint64_t ghcb_gpa, unsigned int event,
			    unsigned int vmpl, uint32_t apic_id, gpa_t vmsa_gpa,
			    uint64_t sev_features) SVSM_MUST_CHECK;

/**
 * snp_vcpu_make() - CREATE_VCPU on SNP for the guest page @vmsa_gpa mapped at @vmsa_va:
 * take it from the guest (VMSA bit, read-only), then copy and check it (so the guest cannot
 * change it after the check), then register it with the host for @apic_id. Every failure
 * gives the page back. SVSM_E_INVALID_PARAM for a VMSA that fails the checks.
 */
enum svsm_err snp_vcpu_make(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t vmsa_va, gpa_t vmsa_gpa,
			    uint32_t apic_id, uint64_t caller_features,
			    struct vmsa *copy) SVSM_MUST_CHECK;

/** snp_vcpu_unmake() - DELETE_VCPU on SNP: destroy at the host, give the page back (RWX). */
enum svsm_err snp_vcpu_unmake(struct ghcb *g, uint64_t ghcb_gpa, vaddr_t vmsa_va,
			      gpa_t vmsa_gpa, uint32_t apic_id) SVSM_MUST_CHECK;

/**
 * struct snp_fw_launch - where the firmware's pages are and what goes into them.
 * @fw_gpa/@fw_size:  firmware image (validated at launch), granted to the guest VMPL.
 * @secrets_gpa:      the firmware's secrets page (GPA 0: none).
 * @cpuid_gpa:        the firmware's CPUID page (GPA 0: none).
 * @caa_gpa:          the boot vCPU's calling area (zeroed).
 * @svsm:             svsm_* fields for the guest's secrets page.
 */
struct snp_fw_launch {
	gpa_t fw_gpa;
	uint64_t fw_size;
	gpa_t secrets_gpa;
	gpa_t cpuid_gpa;
	gpa_t caa_gpa;
	struct snp_svsm_info svsm;
};

/**
 * snp_fw_prepare() - COCONUT prepare_fw: the guest's secrets page (VMPCK0..VMPCK(vmpl-1)
 * zeroed), the CPUID page copied, the calling area zeroed, then the firmware and those pages
 * granted RWX to the guest VMPL. Guest memory is written through guest_mem; @to_va maps a
 * guest page for RMPADJUST at GPA + @va_offset (0 on the host, the direct map in the kernel).
 */
enum svsm_err snp_fw_prepare(const struct snp_fw_launch *l, const struct snp_secrets_page *own,
			     const struct snp_cpuid_table *cpuid,
			     uint64_t va_offset) SVSM_MUST_CHECK;

/** struct snp_ghcb_xport - the GHCB and the GPAs of the shared pages of guest requests. */
struct snp_ghcb_xport {
	struct ghcb *ghcb;
	uint64_t ghcb_gpa;
	uint64_t req_gpa;
	uint64_t resp_gpa;
	uint64_t certs_gpa;
};

/** snp_ghcb_guest_transport() - snp_guest_transport_fn over NAE 0x80000011/12 (@ctx: xport). */
enum svsm_err snp_ghcb_guest_transport(void *ctx, struct snp_guest_xfer *x);

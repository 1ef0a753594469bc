/*
 * Core protocol (0), SVSM specification 58019: REMAP_CA, PVALIDATE, CREATE_VCPU,
 * DELETE_VCPU, QUERY_PROTOCOL, CONFIGURE_VTOM; DEPOSIT_MEM and WITHDRAW_MEM are not
 * offered (SVSM_ERR_UNSUPPORTED_CALL, docs/protocols.md). Each handler decodes its
 * registers, copies guest memory in once through guest_mem, checks every field, then acts.
 * Register values that name guest memory become gpa_t where they are decoded, once.
 */
#include "kernel/protocols/core.h"

#include <stddef.h>

#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/dispatch.h"
#include "kernel/vcpu/lifecycle.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/svsm.h"

/*
 * A page the guest hands over (CA, VMSA) must be whole guest RAM, not the SVSM's, and not
 * read-only to the SVSM (split OVMF's code flash): the SVSM writes a CA, and native makes
 * a VMSA page read-only in the NPT and writable again when the vCPU is deleted.
 */
static enum svsm_err check_guest_page(gpa_t gpa)
{
	if (!gpa_aligned(gpa, MM_PAGE_SIZE)) {
		return SVSM_E_INVALID_PARAM;
	}
	if (!guest_mem_writable(gpa, MM_PAGE_SIZE)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return SVSM_OK;
}

static enum svsm_err core_remap_ca(struct vcpu *v, struct svsm_call_regs *r)
{
	gpa_t ca = gpa_init(r->rcx);
	enum svsm_err err = check_guest_page(ca);

	if (err != SVSM_OK) {
		return err;
	}
	return vcpu_set_ca(v, ca); /* not another vCPU's CA or a VMSA */
}

/* Validates one decoded entry. */
static enum svsm_err pvalidate_entry(uint64_t entry)
{
	gpa_t gpa = gpa_init(svsm_pvalidate_entry_gpa(entry));
	unsigned size = svsm_pvalidate_entry_size(entry);
	bool huge = size == SVSM_PVALIDATE_ENTRY_SIZE_2M;
	uint64_t len = huge ? MM_LARGE_PAGE_SIZE : MM_PAGE_SIZE;
	enum plat_pvalidate_result result = PLAT_PVALIDATE_OK;
	struct guest_mem_claim page;
	enum svsm_err err;

	if ((entry & SVSM_PVALIDATE_ENTRY_RESERVED_MASK) != 0 || size > SVSM_PVALIDATE_ENTRY_SIZE_2M) {
		return SVSM_E_INVALID_PARAM;
	}
	if (huge && !gpa_aligned(gpa, MM_LARGE_PAGE_SIZE)) {
		return SVSM_E_INVALID_PARAM;
	}
	/* Not a VMSA page, and none until the PVALIDATE is done (CREATE_VCPU gets BUSY). */
	err = guest_mem_claim_unprotected(&page, gpa, len);
	if (err != SVSM_OK) {
		return err;
	}
	err = plat_pvalidate(&page, svsm_pvalidate_entry_validate(entry), &result);
	guest_mem_claim_release(&page);
	if (err != SVSM_OK) {
		return err;
	}
	switch (result) {
	case PLAT_PVALIDATE_OK:
		return SVSM_OK;
	case PLAT_PVALIDATE_NO_CHANGE:
		return svsm_pvalidate_entry_ignore_cf(entry) ? SVSM_OK : SVSM_E_PVALIDATE_NO_CHANGE;
	case PLAT_PVALIDATE_FAIL_SIZEMISMATCH:
		return SVSM_E_PVALIDATE_SIZEMISMATCH;
	case PLAT_PVALIDATE_FAIL_INPUT:
	default:
		return SVSM_E_PVALIDATE_FAIL_INPUT;
	}
}

static enum svsm_err core_pvalidate(struct svsm_call_regs *r)
{
	struct svsm_pvalidate_call hdr;
	uint64_t entries[SVSM_PVALIDATE_MAX_COUNT];
	gpa_t gpa = gpa_init(r->rcx);
	uint64_t room;
	enum svsm_err err = SVSM_OK;
	uint16_t next;

	if (!gpa_aligned(gpa, 8)) {
		return SVSM_E_INVALID_PARAM;
	}
	err = guest_mem_read(gpa, &hdr, sizeof(hdr));
	if (err != SVSM_OK) {
		return err;
	}
	/* The whole request must sit in one page (spec; Linux and EDK2 use the CA buffer). */
	room = (MM_PAGE_SIZE - gpa_offset(gpa, MM_PAGE_SIZE) - sizeof(hdr)) / sizeof(uint64_t);
	if (hdr.entry_count == 0 || hdr.entry_count > room ||
	    hdr.entry_count > SVSM_PVALIDATE_MAX_COUNT || hdr.next >= hdr.entry_count) {
		return SVSM_E_INVALID_PARAM;
	}
	/* One copy of the entries still to do; the guest may rewrite its copy meanwhile. */
	err = guest_mem_read(gpa_add(gpa, sizeof(hdr) + (uint64_t)hdr.next * sizeof(uint64_t)),
			     entries, (size_t)(hdr.entry_count - hdr.next) * sizeof(uint64_t));
	if (err != SVSM_OK) {
		return err;
	}
	next = hdr.next;
	while (next < hdr.entry_count) {
		err = pvalidate_entry(entries[next - hdr.next]);
		if (err != SVSM_OK) {
			break;
		}
		next++;
	}
	/* Write back only `next`, so the guest learns where processing stopped. */
	if (guest_mem_write(gpa_add(gpa, offsetof(struct svsm_pvalidate_call, next)), &next,
			    sizeof(next)) != SVSM_OK && err == SVSM_OK) {
		err = SVSM_E_INVALID_ADDRESS;
	}
	return err;
}

static enum svsm_err core_create_vcpu(struct vcpu *v, struct svsm_call_regs *r)
{
	gpa_t vmsa = gpa_init(r->rcx), ca = gpa_init(r->rdx);
	uint32_t apic_id = (uint32_t)r->r8;
	enum svsm_err err = check_guest_page(vmsa);

	if (err == SVSM_OK) {
		err = check_guest_page(ca);
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (gpa_eq(vmsa, ca) || vcpu_uses_page(vmsa) || vcpu_uses_page(ca)) {
		return SVSM_E_INVALID_PARAM;
	}
	return vcpu_create(v, vmsa, ca, apic_id);
}

static enum svsm_err core_delete_vcpu(struct vcpu *v, struct svsm_call_regs *r)
{
	gpa_t vmsa = gpa_init(r->rcx);
	enum svsm_err err = check_guest_page(vmsa);

	if (err != SVSM_OK) {
		return err;
	}
	return vcpu_delete(v, vmsa);
}

static enum svsm_err core_query_protocol(struct svsm_call_regs *r)
{
	uint32_t protocol = (uint32_t)(r->rcx >> 32);
	uint32_t version = (uint32_t)r->rcx;
	uint32_t min = 0, max = 0;

	if (protocol_versions(protocol, &min, &max) && version >= min && version <= max) {
		r->rcx = ((uint64_t)max << 32) | min;
	} else {
		r->rcx = 0;
	}
	return SVSM_OK;
}

static enum svsm_err core_configure_vtom(struct svsm_call_regs *r)
{
	if ((r->rcx & 1) != 0) {
		r->rcx = 0; /* query: vTOM is not supported */
		return SVSM_OK;
	}
	return SVSM_E_INVALID_REQUEST;
}

enum svsm_err core_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *r)
{
	switch (call) {
	case SVSM_CORE_REMAP_CA:
		return core_remap_ca(v, r);
	case SVSM_CORE_PVALIDATE:
		return core_pvalidate(r);
	case SVSM_CORE_CREATE_VCPU:
		return core_create_vcpu(v, r);
	case SVSM_CORE_DELETE_VCPU:
		return core_delete_vcpu(v, r);
	case SVSM_CORE_QUERY_PROTOCOL:
		return core_query_protocol(r);
	case SVSM_CORE_CONFIGURE_VTOM:
		return core_configure_vtom(r);
	case SVSM_CORE_DEPOSIT_MEM:
	case SVSM_CORE_WITHDRAW_MEM:
	default:
		return SVSM_E_UNSUPPORTED;
	}
}

/*
 * GHCB page helpers: owns the valid bitmap, the standard header fields (protocol version 2,
 * usage 0), the VMGEXIT through a registered GHCB and the check of the hypervisor's answer.
 * The GHCB is shared with the host: values read back are untrusted and checked by callers.
 * No state; the caller owns the (per-CPU) GHCB page.
 */
#include "kernel/platform/snp/ghcb.h"

#include <string.h>

#include "kernel/platform/snp/insn.h"

void snp_ghcb_invalidate(struct ghcb *g)
{
	g->save.sw_exit_code = 0;
	memset(g->save.valid_bitmap, 0, sizeof(g->save.valid_bitmap));
}

void snp_ghcb_set_valid(struct ghcb *g, size_t offset)
{
	size_t bit = offset / sizeof(uint64_t);

	if (bit < 8 * sizeof(g->save.valid_bitmap)) {
		g->save.valid_bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
}

void snp_ghcb_clear_valid(struct ghcb *g, size_t offset)
{
	size_t bit = offset / sizeof(uint64_t);

	if (bit < 8 * sizeof(g->save.valid_bitmap)) {
		g->save.valid_bitmap[bit / 8] &= (uint8_t)~(1u << (bit % 8));
	}
}

bool snp_ghcb_is_valid(const struct ghcb *g, size_t offset)
{
	size_t bit = offset / sizeof(uint64_t);

	if (bit >= 8 * sizeof(g->save.valid_bitmap)) {
		return false;
	}
	return (g->save.valid_bitmap[bit / 8] >> (bit % 8)) & 1;
}

void snp_ghcb_set_field(struct ghcb *g, size_t offset, uint64_t value)
{
	memcpy((uint8_t *)&g->save + offset, &value, sizeof(value));
	snp_ghcb_set_valid(g, offset);
}

bool snp_ghcb_get_field(const struct ghcb *g, size_t offset, uint64_t *value)
{
	if (!snp_ghcb_is_valid(g, offset)) {
		return false;
	}
	memcpy(value, (const uint8_t *)&g->save + offset, sizeof(*value));
	return true;
}

void snp_ghcb_prepare(struct ghcb *g, uint64_t exit_code, uint64_t info1, uint64_t info2)
{
	snp_ghcb_invalidate(g);
	g->protocol_version = GHCB_PROTOCOL_SNP;
	g->ghcb_usage = GHCB_DEFAULT_USAGE;
	snp_ghcb_set_field(g, SNP_GHCB_OFF(sw_exit_code), exit_code);
	snp_ghcb_set_field(g, SNP_GHCB_OFF(sw_exit_info_1), info1);
	snp_ghcb_set_field(g, SNP_GHCB_OFF(sw_exit_info_2), info2);
}

enum svsm_err snp_ghcb_check_result(const struct ghcb *g, uint64_t *event)
{
	uint32_t result = (uint32_t)g->save.sw_exit_info_1;

	*event = 0;
	switch (result) {
	case GHCB_HV_RESP_NO_ACTION:
		return SVSM_OK;
	case GHCB_HV_RESP_ISSUE_EXCEPTION:
		*event = g->save.sw_exit_info_2;
		return SVSM_E_HW;
	case GHCB_HV_RESP_MALFORMED_INPUT:
		return SVSM_E_INVALID_PARAM;
	default:
		return SVSM_E_IO;
	}
}

enum svsm_err snp_ghcb_call_prepared(struct ghcb *g, uint64_t ghcb_gpa)
{
	uint64_t event = 0;

	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, ghcb_gpa);
	snp_insn_vmgexit();
	return snp_ghcb_check_result(g, &event);
}

enum svsm_err snp_ghcb_call(struct ghcb *g, uint64_t ghcb_gpa, uint64_t exit_code, uint64_t info1,
			    uint64_t info2)
{
	snp_ghcb_prepare(g, exit_code, info1, info2);
	return snp_ghcb_call_prepared(g, ghcb_gpa);
}

enum svsm_err snp_ghcb_run_vmpl(struct ghcb *g, uint64_t ghcb_gpa, unsigned int vmpl)
{
	/* KVM's SNP_RUN_VMPL takes the target VMPL in exit_info_1[31:0] (not mainline yet). */
	return snp_ghcb_call(g, ghcb_gpa, SVM_VMGEXIT_SNP_RUN_VMPL, vmpl, 0);
}

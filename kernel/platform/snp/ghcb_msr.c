/*
 * GHCB MSR protocol: owns the encoding of every MSR-protocol request, the checking of every
 * response (a response with the wrong code or non-zero error is an error, never trusted),
 * and the exchange through MSR 0xC0010130 (saved and restored around each call, as Linux
 * and EDK2 do). No state.
 */
#include "kernel/platform/snp/ghcb_msr.h"

#include "kernel/platform/snp/insn.h"
#include "svsm/abi/ghcb.h"

#define GFN_OF(gpa) ((gpa) >> 12)

uint64_t snp_ghcb_msr_sev_info_req(void)
{
	return GHCB_MSR_SEV_INFO_REQ;
}

enum svsm_err snp_ghcb_msr_sev_info_parse(uint64_t resp, struct snp_sev_info *info)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_SEV_INFO_RESP) {
		return SVSM_E_IO;
	}
	info->max_version = (uint16_t)(resp >> GHCB_MSR_SEV_INFO_MAX_SHIFT);
	info->min_version = (uint16_t)(resp >> GHCB_MSR_SEV_INFO_MIN_SHIFT);
	info->cbit = (uint8_t)(resp >> GHCB_MSR_SEV_INFO_CBIT_SHIFT);
	/* The SVSM speaks version 2 only: it needs SNP's NAE events. */
	if (info->min_version > GHCB_PROTOCOL_SNP || info->max_version < GHCB_PROTOCOL_SNP) {
		return SVSM_E_UNSUPPORTED;
	}
	return SVSM_OK;
}

uint64_t snp_ghcb_msr_cpuid_req(uint32_t leaf, unsigned int reg)
{
	return ((uint64_t)leaf << GHCB_MSR_CPUID_FUNC_SHIFT) |
	       ((uint64_t)(reg & 3) << GHCB_MSR_CPUID_REG_SHIFT) | GHCB_MSR_CPUID_REQ;
}

enum svsm_err snp_ghcb_msr_cpuid_parse(uint64_t resp, uint32_t *value)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_CPUID_RESP) {
		return SVSM_E_IO;
	}
	*value = (uint32_t)(resp >> 32);
	return SVSM_OK;
}

uint64_t snp_ghcb_msr_pref_gpa_req(void)
{
	return GHCB_MSR_PREF_GPA_REQ;
}

uint64_t snp_ghcb_msr_register_req(uint64_t ghcb_gpa)
{
	return ((GFN_OF(ghcb_gpa) & GHCB_MSR_GFN_MASK) << GHCB_MSR_GFN_SHIFT) |
	       GHCB_MSR_REG_GPA_REQ;
}

enum svsm_err snp_ghcb_msr_register_parse(uint64_t resp, uint64_t ghcb_gpa)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_REG_GPA_RESP) {
		return SVSM_E_IO;
	}
	if ((resp >> GHCB_MSR_GFN_SHIFT) != (GFN_OF(ghcb_gpa) & GHCB_MSR_GFN_MASK)) {
		return SVSM_E_IO; /* the host registered something else */
	}
	return SVSM_OK;
}

uint64_t snp_ghcb_msr_psc_req(uint64_t gpa, unsigned int op)
{
	return ((uint64_t)(op & GHCB_MSR_PSC_OP_MASK) << GHCB_MSR_PSC_OP_SHIFT) |
	       ((GFN_OF(gpa) & GHCB_MSR_PSC_GFN_MASK) << 12) | GHCB_MSR_PSC_REQ;
}

enum svsm_err snp_ghcb_msr_psc_parse(uint64_t resp)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_PSC_RESP) {
		return SVSM_E_IO;
	}
	return (resp >> GHCB_MSR_RESP_ERROR_SHIFT) == 0 ? SVSM_OK : SVSM_E_IO;
}

uint64_t snp_ghcb_msr_vmpl_req(unsigned int vmpl)
{
	return ((uint64_t)(vmpl & 0xff) << GHCB_MSR_VMPL_SHIFT) | GHCB_MSR_VMPL_REQ;
}

enum svsm_err snp_ghcb_msr_vmpl_parse(uint64_t resp)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_VMPL_RESP) {
		return SVSM_E_IO;
	}
	return (resp >> GHCB_MSR_RESP_ERROR_SHIFT) == 0 ? SVSM_OK : SVSM_E_IO;
}

uint64_t snp_ghcb_msr_hv_features_req(void)
{
	return GHCB_MSR_HV_FT_REQ;
}

enum svsm_err snp_ghcb_msr_hv_features_parse(uint64_t resp, uint64_t *features)
{
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_HV_FT_RESP) {
		return SVSM_E_IO;
	}
	*features = resp >> 12;
	if ((*features & GHCB_HV_FT_SVSM_REQUIRED) != GHCB_HV_FT_SVSM_REQUIRED) {
		return SVSM_E_UNSUPPORTED; /* an SVSM cannot run without multi-VMPL support */
	}
	return SVSM_OK;
}

uint64_t snp_ghcb_msr_term_req(unsigned int reason_set, unsigned int reason_code)
{
	return ((uint64_t)(reason_set & 0xf) << GHCB_MSR_TERM_SET_SHIFT) |
	       ((uint64_t)(reason_code & 0xff) << GHCB_MSR_TERM_CODE_SHIFT) | GHCB_MSR_TERM_REQ;
}

uint64_t snp_ghcb_msr_call(uint64_t req)
{
	uint64_t saved = snp_insn_rdmsr(MSR_AMD64_SEV_ES_GHCB);
	uint64_t resp = 0;

	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, req);
	snp_insn_vmgexit();
	resp = snp_insn_rdmsr(MSR_AMD64_SEV_ES_GHCB);
	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, saved);
	return resp;
}

enum svsm_err snp_ghcb_msr_sev_info(struct snp_sev_info *info)
{
	return snp_ghcb_msr_sev_info_parse(snp_ghcb_msr_call(snp_ghcb_msr_sev_info_req()), info);
}

enum svsm_err snp_ghcb_msr_hv_features(uint64_t *features)
{
	return snp_ghcb_msr_hv_features_parse(snp_ghcb_msr_call(snp_ghcb_msr_hv_features_req()),
					      features);
}

enum svsm_err snp_ghcb_msr_register(uint64_t ghcb_gpa)
{
	uint64_t resp = 0;

	if ((ghcb_gpa & 0xfff) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	/* Registration leaves the GHCB GPA in the MSR: no restore of the old value. */
	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, snp_ghcb_msr_register_req(ghcb_gpa));
	snp_insn_vmgexit();
	resp = snp_insn_rdmsr(MSR_AMD64_SEV_ES_GHCB);
	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, ghcb_gpa);
	return snp_ghcb_msr_register_parse(resp, ghcb_gpa);
}

enum svsm_err snp_ghcb_msr_psc(uint64_t gpa, unsigned int op)
{
	if ((gpa & 0xfff) != 0 || (op != SNP_PAGE_STATE_PRIVATE && op != SNP_PAGE_STATE_SHARED)) {
		return SVSM_E_INVALID_PARAM;
	}
	return snp_ghcb_msr_psc_parse(snp_ghcb_msr_call(snp_ghcb_msr_psc_req(gpa, op)));
}

enum svsm_err snp_ghcb_msr_run_vmpl(unsigned int vmpl)
{
	return snp_ghcb_msr_vmpl_parse(snp_ghcb_msr_call(snp_ghcb_msr_vmpl_req(vmpl)));
}

void snp_ghcb_msr_terminate(unsigned int reason_set, unsigned int reason_code)
{
	snp_insn_wrmsr(MSR_AMD64_SEV_ES_GHCB, snp_ghcb_msr_term_req(reason_set, reason_code));
	snp_insn_vmgexit();
	snp_insn_terminated();
}

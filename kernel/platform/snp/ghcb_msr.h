/*
 * GHCB MSR protocol (GHCB spec #56421 section 2.3.1): request encoders and response
 * decoders, and the calls that exchange them with the hypervisor through MSR 0xC0010130.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

/** struct snp_sev_info - decoded SEV information response. */
struct snp_sev_info {
	uint16_t max_version;
	uint16_t min_version;
	uint8_t cbit;
};

uint64_t snp_ghcb_msr_sev_info_req(void);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_sev_info_parse(uint64_t resp, struct snp_sev_info *info);
uint64_t snp_ghcb_msr_cpuid_req(uint32_t leaf, unsigned int reg);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_cpuid_parse(uint64_t resp, uint32_t *value);
uint64_t snp_ghcb_msr_pref_gpa_req(void);
uint64_t snp_ghcb_msr_register_req(uint64_t ghcb_gpa);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_register_parse(uint64_t resp, uint64_t ghcb_gpa);
uint64_t snp_ghcb_msr_psc_req(uint64_t gpa, unsigned int op);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_psc_parse(uint64_t resp);
uint64_t snp_ghcb_msr_vmpl_req(unsigned int vmpl);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_vmpl_parse(uint64_t resp);
uint64_t snp_ghcb_msr_hv_features_req(void);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_hv_features_parse(uint64_t resp, uint64_t *features);
uint64_t snp_ghcb_msr_term_req(unsigned int reason_set, unsigned int reason_code);

/** snp_ghcb_msr_call() - write @req to the GHCB MSR, VMGEXIT, return the MSR; restores it. */
uint64_t snp_ghcb_msr_call(uint64_t req);

SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_sev_info(struct snp_sev_info *info);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_hv_features(uint64_t *features);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_register(uint64_t ghcb_gpa);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_psc(uint64_t gpa, unsigned int op);
SVSM_MUST_CHECK enum svsm_err snp_ghcb_msr_run_vmpl(unsigned int vmpl);
/** snp_ghcb_msr_terminate() - ask the host to end the VM; does not return on hardware. */
void snp_ghcb_msr_terminate(unsigned int reason_set, unsigned int reason_code);

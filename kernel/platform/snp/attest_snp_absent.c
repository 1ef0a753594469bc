/*
 * plat_attest_report() on an SNP kernel built with SNP_KERNEL_CRYPTO=0 (the default until
 * OpenSSL's headers build in the freestanding kernel, see mk/extra/snp.mk): no evidence, so
 * the attestation protocol answers SVSM_ERR_UNSUPPORTED_CALL.
 */
#include "kernel/platform/platform.h"

enum svsm_err plat_attest_report(const uint8_t report_data[64], struct snp_attestation_report *out)
{
	(void)report_data;
	(void)out;
	return SVSM_E_UNSUPPORTED;
}

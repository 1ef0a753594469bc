/*
 * Attestation evidence on the native platform: a report in the SNP ATTESTATION_REPORT
 * layout signed with the SVSM's boot-time ECDSA P-384 key (report_native.c), marked as
 * not hardware-rooted. The measurement field holds SHA-384 of the SVSM's loaded code
 * and read-only data, computed once.
 */
#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "kernel/platform/platform.h"
#include "kernel/platform/native/report_native.h"

static uint8_t measurement[48];
static bool measured;

#if defined(SVSM_HOST)
static void measure_self(void)
{
	static const char host_image[] = "svsm host build";

	EVP_Digest(host_image, sizeof(host_image), measurement, NULL, EVP_sha384(), NULL);
}
#else
extern char _text_start[], _rodata_end[];

static void measure_self(void)
{
	EVP_Digest(_text_start, (size_t)(_rodata_end - _text_start), measurement, NULL,
		   EVP_sha384(), NULL);
}
#endif

enum svsm_err plat_attest_report(const uint8_t report_data[64], struct snp_attestation_report *out)
{
	enum svsm_err err = report_native_init();

	if (err != SVSM_OK) {
		return err;
	}
	if (!measured) {
		measure_self();
		measured = true;
	}
	return report_native_get(report_data, measurement, 0, out);
}

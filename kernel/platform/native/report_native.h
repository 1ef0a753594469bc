/*
 * Native-platform attestation evidence: an ATTESTATION_REPORT-layout report signed by
 * an ECDSA P-384 key the SVSM generates at start. It is NOT hardware-rooted: nothing
 * but the SVSM vouches for the key, and the report says so (signature_algo =
 * SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384, platform_info bit 63 =
 * SVSM_PLATFORM_INFO_NATIVE_UNROOTED). Useful for development, CI and relying parties
 * that trust the host; the SNP platform returns real AMD-signed reports instead.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/attest.h"
#include "svsm/err.h"

/** Size of the SEC1 uncompressed P-384 public key (0x04 || X || Y). */
#define REPORT_NATIVE_PUBKEY_SIZE 97u

/** report_native_init - generate the signing key and the report ID; idempotent. */
enum svsm_err report_native_init(void) SVSM_MUST_CHECK;
/** report_native_fini - drop the signing key. */
void report_native_fini(void);

/** report_native_public_key - copy the SEC1 uncompressed public key into @out. */
enum svsm_err report_native_public_key(uint8_t out[REPORT_NATIVE_PUBKEY_SIZE]) SVSM_MUST_CHECK;

/**
 * report_native_get - fill @out with a signed report.
 * @report_data: REPORT_DATA (SHA-512(nonce || manifest)).
 * @measurement: the launch measurement the native platform computed.
 * @vmpl:        VMPL (privilege level) of the requester as the platform defines it.
 */
enum svsm_err report_native_get(const uint8_t report_data[64], const uint8_t measurement[48],
				uint32_t vmpl, struct snp_attestation_report *out) SVSM_MUST_CHECK;

/**
 * report_native_verify - check @r's signature against @pubkey (SEC1 uncompressed) and
 * that it is marked as native evidence. SVSM_E_CRYPTO if it does not verify.
 */
enum svsm_err report_native_verify(const struct snp_attestation_report *r,
				   const uint8_t pubkey[REPORT_NATIVE_PUBKEY_SIZE]) SVSM_MUST_CHECK;

/*
 * The attestation services manifest (svsm-abi 3.3) and the REPORT_DATA that binds it:
 * REPORT_DATA = SHA-512(nonce || manifest).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/attest.h"
#include "svsm/err.h"

/**
 * manifest_build_services - the manifest of every service with data (today the vTPM:
 * its EK TPMT_PUBLIC, once vtpm_ek_create() has run).
 * @size: set to the manifest size even when @cap is too small (then returns
 *        SVSM_E_INVALID_PARAM, so the guest can retry with a larger buffer).
 */
enum svsm_err manifest_build_services(uint8_t *buf, size_t cap, uint32_t *size) SVSM_MUST_CHECK;

/**
 * manifest_build_single - the manifest of one service (its data alone, no table).
 * Returns SVSM_E_UNSUPPORTED for an unknown GUID or a service without data, and
 * SVSM_E_INVALID_PARAM with @size set when @cap is too small.
 */
enum svsm_err manifest_build_single(const struct svsm_guid *guid, uint8_t *buf, size_t cap,
				    uint32_t *size) SVSM_MUST_CHECK;

/**
 * manifest_vtpm_ek_sha256 - SHA-256 of the vTPM entry of the services manifest (the EK's
 * TPMT_PUBLIC), as a guest computes it from what TPM2_CreatePrimary with the same template
 * returns. SVSM_E_UNSUPPORTED before the EK exists. Library context only.
 */
enum svsm_err manifest_vtpm_ek_sha256(uint8_t out[32]) SVSM_MUST_CHECK;

/** manifest_report_data - @out = SHA-512(@nonce[64] || @manifest[@size]). */
enum svsm_err manifest_report_data(const uint8_t nonce[SVSM_ATTEST_NONCE_SIZE],
				   const uint8_t *manifest, size_t size, uint8_t out[64])
	SVSM_MUST_CHECK;

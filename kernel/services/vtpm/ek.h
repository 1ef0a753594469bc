/*
 * The vTPM endorsement key: created with TPM2_CreatePrimary in the endorsement
 * hierarchy from a TCG default EK template (TCG EK Credential Profile 2.0, templates
 * L-1 RSA-2048 and L-2 ECC NIST P-256). Its TPMT_PUBLIC (big-endian wire format, no
 * TPM2B size) is cached: it is the vTPM entry of the attestation services manifest.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** enum vtpm_ek_type - which TCG default template. ECC P-256 is the default. */
enum vtpm_ek_type {
	VTPM_EK_ECC_P256 = 0, /* template L-2 */
	VTPM_EK_RSA_2048 = 1, /* template L-1 */
};

/** Largest TPMT_PUBLIC the cache holds (RSA-2048 EK is 314 bytes). */
#define VTPM_EK_PUBLIC_MAX 512u

/**
 * vtpm_ek_template - marshal the TPMT_PUBLIC template of @type into @buf.
 * Returns the size, or 0 if @cap is too small.
 */
size_t vtpm_ek_template(enum vtpm_ek_type type, uint8_t *buf, size_t cap);

/**
 * vtpm_ek_create - create the EK of @type, cache its public area, flush the handle.
 * The TPM must be on. If it had not been started, the function starts it, and shuts
 * it down and resets it afterwards so the guest still finds a TPM awaiting
 * TPM2_Startup with fresh PCRs. The EK is a function of the EPS and the template only.
 */
enum svsm_err vtpm_ek_create(enum vtpm_ek_type type) SVSM_MUST_CHECK;

/** vtpm_ek_public - the cached TPMT_PUBLIC and its size, or NULL before creation. */
const uint8_t *vtpm_ek_public(uint32_t *size);

/** vtpm_ek_forget - drop the cached public area (e.g. after re-manufacture). */
void vtpm_ek_forget(void);

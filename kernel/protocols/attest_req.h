/*
 * Decoder of SVSM_ATTEST_SERVICES / SVSM_ATTEST_SINGLE_SERVICE requests
 * (include/svsm/abi/attest.h): a pure function over the SVSM's copy of the request.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/abi/attest.h"
#include "svsm/err.h"

/**
 * struct attest_req - a validated attestation request; GPAs are not yet checked
 * against the guest's memory map (guest_mem does that when it maps them). The request
 * layout's raw addresses become gpa_t here.
 * @call:             SVSM_ATTEST_SERVICES or SVSM_ATTEST_SINGLE_SERVICE.
 * @cert_size:        0 means no certificates requested.
 * @service_guid, @manifest_version: single-service calls only (zero otherwise).
 */
struct attest_req {
	uint32_t call;
	gpa_t report_gpa;
	uint32_t report_size;
	gpa_t nonce_gpa;
	gpa_t manifest_gpa;
	uint32_t manifest_size;
	gpa_t cert_gpa;
	uint32_t cert_size;
	struct svsm_guid service_guid;
	uint32_t manifest_version;
};

/** attest_req_size - bytes to copy from the guest for @call, or 0 if @call is unknown. */
size_t attest_req_size(uint32_t call);

/**
 * attest_req_decode - decode and validate a request of @call from @buf (@len bytes).
 * Returns SVSM_E_UNSUPPORTED for an unknown call, SVSM_E_INVALID_PARAM for a short
 * buffer, a misaligned buffer GPA, a nonce size other than 64 or a nonce crossing a
 * page, non-zero reserved bytes or a manifest version other than 0, and
 * SVSM_E_INVALID_ADDRESS when a buffer would wrap the address space.
 */
enum svsm_err attest_req_decode(uint32_t call, const uint8_t *buf, size_t len,
				struct attest_req *out) SVSM_MUST_CHECK;

/*
 * Owns the validation of attestation protocol requests (svsm-abi 3.3). Decode, then
 * commit: nothing here touches guest memory or the attestation service; the caller
 * acts only on the struct attest_req this returns. No state, no locks.
 */
#include "kernel/protocols/attest_req.h"

#include <stdbool.h>
#include <string.h>

#define ATTEST_PAGE_SIZE 4096u
#define ATTEST_PAGE_MASK ((uint64_t)ATTEST_PAGE_SIZE - 1)

static bool attest_all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

static bool attest_wraps(uint64_t gpa, uint64_t size)
{
	return size != 0 && gpa > UINT64_MAX - (size - 1);
}

size_t attest_req_size(uint32_t call)
{
	switch (call) {
	case SVSM_ATTEST_SERVICES:
		return sizeof(struct svsm_attest_services_req);
	case SVSM_ATTEST_SINGLE_SERVICE:
		return sizeof(struct svsm_attest_single_req);
	default:
		return 0;
	}
}

static enum svsm_err attest_check_base(const struct svsm_attest_services_req *b)
{
	if (!attest_all_zero(b->reserved_0x0c, sizeof(b->reserved_0x0c)) ||
	    !attest_all_zero(b->reserved_0x1a, sizeof(b->reserved_0x1a)) ||
	    !attest_all_zero(b->reserved_0x2c, sizeof(b->reserved_0x2c)) ||
	    !attest_all_zero(b->reserved_0x3c, sizeof(b->reserved_0x3c))) {
		return SVSM_E_INVALID_PARAM;
	}
	if ((b->report_gpa & ATTEST_PAGE_MASK) != 0 || (b->manifest_gpa & ATTEST_PAGE_MASK) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if (b->cert_size != 0 && (b->cert_gpa & ATTEST_PAGE_MASK) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if (b->nonce_size != SVSM_ATTEST_NONCE_SIZE ||
	    (b->nonce_gpa & ATTEST_PAGE_MASK) + SVSM_ATTEST_NONCE_SIZE > ATTEST_PAGE_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	if (attest_wraps(b->report_gpa, b->report_size) ||
	    attest_wraps(b->manifest_gpa, b->manifest_size) ||
	    attest_wraps(b->cert_gpa, b->cert_size) ||
	    attest_wraps(b->nonce_gpa, SVSM_ATTEST_NONCE_SIZE)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return SVSM_OK;
}

enum svsm_err attest_req_decode(uint32_t call, const uint8_t *buf, size_t len,
				struct attest_req *out)
{
	struct svsm_attest_single_req req;
	size_t need = attest_req_size(call);
	enum svsm_err err = SVSM_OK;

	memset(out, 0, sizeof(*out));
	if (need == 0) {
		return SVSM_E_UNSUPPORTED;
	}
	if (buf == NULL || len < need) {
		return SVSM_E_INVALID_PARAM;
	}
	memset(&req, 0, sizeof(req));
	memcpy(&req, buf, need);
	err = attest_check_base(&req.base);
	if (err != SVSM_OK) {
		return err;
	}
	if (call == SVSM_ATTEST_SINGLE_SERVICE &&
	    (req.manifest_version != 0 ||
	     !attest_all_zero(req.reserved_0x54, sizeof(req.reserved_0x54)))) {
		return SVSM_E_INVALID_PARAM;
	}
	out->call = call;
	out->report_gpa = gpa_init(req.base.report_gpa);
	out->report_size = req.base.report_size;
	out->nonce_gpa = gpa_init(req.base.nonce_gpa);
	out->manifest_gpa = gpa_init(req.base.manifest_gpa);
	out->manifest_size = req.base.manifest_size;
	out->cert_gpa = gpa_init(req.base.cert_gpa);
	out->cert_size = req.base.cert_size;
	out->service_guid = req.service_guid;
	out->manifest_version = req.manifest_version;
	return SVSM_OK;
}

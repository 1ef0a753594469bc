/*
 * libFuzzer target for kernel/protocols/attest_req.c: the first byte picks the call
 * (0 services, 1 single service, anything else unknown), the rest is the request as
 * the guest wrote it. A request that decodes must satisfy every rule the decoder
 * promises.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel/protocols/attest_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attest_req r;
	uint32_t call;

	if (size < 1) {
		return 0;
	}
	call = data[0] < 2 ? data[0] : 0x100u + data[0];
	if (attest_req_decode(call, data + 1, size - 1, &r) != SVSM_OK) {
		return 0;
	}
	if (size - 1 < attest_req_size(call) || !gpa_aligned(r.report_gpa, 0x1000) ||
	    !gpa_aligned(r.manifest_gpa, 0x1000) ||
	    (r.cert_size != 0 && !gpa_aligned(r.cert_gpa, 0x1000)) ||
	    gpa_offset(r.nonce_gpa, 0x1000) > 0x1000 - SVSM_ATTEST_NONCE_SIZE ||
	    (call == SVSM_ATTEST_SINGLE_SERVICE && r.manifest_version != 0)) {
		abort();
	}
	return 0;
}

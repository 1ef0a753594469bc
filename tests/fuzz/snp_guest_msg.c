/*
 * libFuzzer target for the SNP guest-request response path (kernel/platform/snp/
 * guest_request.c): the fuzz input is what a hostile host puts in the shared response page
 * (first 4096 bytes), optionally followed by 8 bytes of exit_info_2 and a flag asking for an
 * extended request. The request is MSG_REPORT_REQ with seqno 1 under a fixed key, so a seed
 * holding a correctly encrypted response reaches the report parser. Also fuzzes the
 * certificate-table walk and the report parser directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/platform/snp/guest_request.h"
#include "svsm/abi/ghcb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fuzz_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

struct fuzz_in {
	const uint8_t *data;
	size_t size;
};

static enum svsm_err fuzz_transport(void *ctx, struct snp_guest_xfer *x)
{
	const struct fuzz_in *in = ctx;
	size_t n = in->size < 4096 ? in->size : 4096;

	memset(x->resp, 0, 4096);
	memcpy(x->resp, in->data, n);
	x->exit_info_2 = 0;
	if (in->size >= 4096 + 8) {
		memcpy(&x->exit_info_2, in->data + 4096, 8);
		x->cert_pages = (uint32_t)(x->exit_info_2 >> 40) & 0xff;
	}
	if (x->certs != NULL && in->size > 4096 + 9) {
		size_t c = in->size - (4096 + 9);

		memcpy(x->certs, in->data + 4096 + 9, c < 2 * 4096 ? c : 2 * 4096);
	}
	return SVSM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snp_guest_ctx ctx;
	static struct snp_guest_msg req_page __attribute__((aligned(4096)));
	static struct snp_guest_msg resp_page __attribute__((aligned(4096)));
	static uint8_t certs[2 * 4096] __attribute__((aligned(4096)));
	struct fuzz_in in = {data, size};
	struct snp_attestation_report rep;
	uint8_t user[64] = {0};
	uint32_t status = 0;
	uint32_t pages = 2;
	size_t used = 0;
	bool ext = size > 4096 + 8 && (data[4096 + 8] & 1);

	if (snp_guest_init(&ctx, fuzz_key, 0, 0, &req_page, &resp_page, fuzz_transport, &in) !=
	    SVSM_OK) {
		abort();
	}
	(void)snp_guest_report(&ctx, user, 0, 0, &rep, &status, ext ? certs : NULL,
			       ext ? &pages : NULL);
	/* Whatever happened, seqno 1 is never used again. */
	if (ctx.key_valid && ctx.seqno != 2) {
		abort();
	}
	snp_guest_fini(&ctx);
	(void)snp_guest_certs_used(data, size, &used);
	if (used > size) {
		abort();
	}
	(void)snp_guest_report_parse(data, size, &rep, &status);
	return 0;
}

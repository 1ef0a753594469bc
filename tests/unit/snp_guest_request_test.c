/*
 * SNP guest requests (kernel/platform/snp/guest_request.c): a known-answer vector computed
 * independently (Python cryptography AESGCM) for a MSG_REPORT_REQ built as Linux's sev-guest
 * driver builds it, an independent EVP decryption of what the SVSM sends, and a fake PSP that
 * decrypts with the test key and answers, playing BUSY, INVALID_LEN, bad tags, wrong sequence
 * numbers and firmware errors. The fake PSP also checks that no sequence number is reused.
 */
#include "kernel/platform/snp/guest_request.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/platform/snp/secrets.h"
#include "svsm/abi/ghcb.h"
#include "tests/unit/harness.h"

static const uint8_t test_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* Independent AES-256-GCM with the IV and AAD rules spelled out again. */
static int evp_gcm(int enc, const uint8_t *key, uint64_t seqno, const uint8_t *aad,
		   const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[12] = {0};
	int outl = 0;
	int ok = 1;

	memcpy(iv, &seqno, 8); /* little-endian host: seqno LE then four zero bytes */
	ok &= EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc);
	ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	ok &= EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc);
	ok &= EVP_CipherUpdate(ctx, NULL, &outl, aad, 48);
	ok &= EVP_CipherUpdate(ctx, out, &outl, in, (int)len);
	if (!enc) {
		ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag);
	}
	ok &= EVP_CipherFinal_ex(ctx, out + len, &outl) == 1;
	if (enc) {
		ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

TEST(snp_guest_request, known_answer_report_request)
{
	static const uint8_t want_hdr[0x60 - 0x20] = {
		0x01, 0, 0, 0, 0, 0, 0, 0, /* msg_seqno = 1 */
		0, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x01, 0x60, 0x00,    /* algo AES-256-GCM, hdr_version 1, hdr_sz 0x60 */
		0x05, 0x01, 0x60, 0x00,    /* MSG_REPORT_REQ, msg_version 1, msg_sz 0x60 */
		0, 0, 0, 0, 0x00,          /* reserved, msg_vmpck 0 */
	};
	static const uint8_t want_tag[16] = {0xd4, 0x0d, 0x29, 0xeb, 0xc2, 0x99, 0x49, 0xc0,
					     0xf9, 0xd2, 0xaf, 0xc6, 0x3f, 0x8f, 0xf7, 0xad};
	static const uint8_t want_ct[0x60] = {
		0xe2, 0x2d, 0x80, 0x3c, 0xa0, 0xaa, 0xea, 0x00, 0x42, 0x0d, 0x0f, 0xc8, 0x30, 0xcc,
		0x86, 0xc4, 0xdc, 0x70, 0xdd, 0x3d, 0x68, 0xbd, 0x7d, 0x05, 0x56, 0x06, 0x47, 0xe5,
		0x01, 0x3b, 0x99, 0x6f, 0xcc, 0xdd, 0xd2, 0xea, 0x04, 0x87, 0x88, 0xe8, 0xf0, 0xf4,
		0x37, 0xf8, 0x62, 0x24, 0x2e, 0xa7, 0xc0, 0xe4, 0xfc, 0xb7, 0xd1, 0x45, 0x6c, 0xa0,
		0xbb, 0xb1, 0xda, 0x49, 0x2b, 0x89, 0x16, 0x78, 0xbe, 0xaf, 0xa4, 0x92, 0x13, 0xc0,
		0xf2, 0x44, 0x50, 0x44, 0xcd, 0x48, 0xbe, 0x94, 0xfd, 0x5e, 0xb5, 0xf3, 0xe8, 0xb7,
		0x61, 0xe8, 0x08, 0x96, 0xf3, 0x53, 0x18, 0x5b, 0x4a, 0xbd, 0x74, 0x0d};
	struct snp_guest_msg *msg = calloc(1, sizeof(*msg));
	struct snp_report_req req;
	uint8_t plain[0x60 + 16];
	uint8_t zero[16] = {0};

	memset(&req, 0, sizeof(req));
	for (unsigned int i = 0; i < 64; i++) {
		req.user_data[i] = (uint8_t)i;
	}
	req.vmpl = 2;
	ASSERT_EQ(snp_guest_msg_encrypt(test_key, msg, 1, SNP_MSG_REPORT_REQ, 1, 0, &req,
					sizeof(req)),
		  SVSM_OK);
	EXPECT_MEMEQ((uint8_t *)msg + 0x20, want_hdr, sizeof(want_hdr));
	EXPECT_MEMEQ(msg->hdr.authtag, want_tag, 16);
	EXPECT_MEMEQ(msg->hdr.authtag + 16, zero, 16);
	EXPECT_MEMEQ(msg->payload, want_ct, sizeof(want_ct));
	/* Independent decryption. */
	ASSERT_TRUE(evp_gcm(0, test_key, 1, (uint8_t *)msg + 0x30, msg->payload, 0x60, plain,
			    msg->hdr.authtag));
	EXPECT_MEMEQ(plain, &req, sizeof(req));
	free(msg);
}

/* ---- Fake PSP. ---- */

struct fake_psp {
	int busy_left;           /* answer BUSY this many times */
	uint32_t certs_needed;   /* pages; 0 = any size is fine */
	int corrupt_tag;
	int wrong_seqno;
	uint32_t fw_error;       /* exit_info_2 low half */
	uint32_t report_status;
	size_t calls;
	size_t psp_seen;         /* messages the PSP decrypted */
	uint64_t seen_seqno[16];
	uint8_t last_req[4096];
	int last_had_certs;
	int reuse_detected;
};

static enum svsm_err psp_transport(void *ctx, struct snp_guest_xfer *x)
{
	struct fake_psp *p = ctx;
	const struct snp_guest_msg *rq = x->req;
	struct snp_guest_msg *rs = x->resp;
	struct snp_report_req req;
	struct snp_report_resp resp;
	uint8_t plain[0x60 + 16];
	uint8_t hdr_aad[48];

	p->calls++;
	memcpy(p->last_req, rq, 4096);
	p->last_had_certs = x->certs != NULL;
	if (p->busy_left > 0) {
		p->busy_left--;
		x->exit_info_2 = SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY);
		return SVSM_OK;
	}
	if (x->certs != NULL && p->certs_needed > x->cert_pages) {
		x->cert_pages = p->certs_needed;
		x->exit_info_2 = SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN);
		return SVSM_OK;
	}
	/* The PSP: check the header, decrypt, refuse replays. */
	if (rq->hdr.algo != 1 || rq->hdr.hdr_version != 1 || rq->hdr.hdr_sz != 0x60 ||
	    rq->hdr.msg_type != SNP_MSG_REPORT_REQ || rq->hdr.msg_sz != sizeof(req) ||
	    !evp_gcm(0, test_key, rq->hdr.msg_seqno, (const uint8_t *)rq + 0x30, rq->payload,
		     sizeof(req), plain, (uint8_t *)rq->hdr.authtag)) {
		x->exit_info_2 = 0x16;
		return SVSM_OK;
	}
	for (size_t i = 0; i < p->psp_seen && i < 16; i++) {
		if (p->seen_seqno[i] >= rq->hdr.msg_seqno) {
			p->reuse_detected = 1;
		}
	}
	if (p->psp_seen < 16) {
		p->seen_seqno[p->psp_seen] = rq->hdr.msg_seqno;
	}
	p->psp_seen++;
	if (p->fw_error != 0) {
		x->exit_info_2 = p->fw_error;
		return SVSM_OK;
	}
	memcpy(&req, plain, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	resp.status = p->report_status;
	resp.report_size = SNP_REPORT_SIZE;
	resp.report.version = 2;
	resp.report.vmpl = req.vmpl;
	memcpy(resp.report.report_data, req.user_data, 64);
	memset(rs, 0, sizeof(*rs));
	rs->hdr.algo = 1;
	rs->hdr.hdr_version = 1;
	rs->hdr.hdr_sz = 0x60;
	rs->hdr.msg_type = SNP_MSG_REPORT_RSP;
	rs->hdr.msg_version = 1;
	rs->hdr.msg_sz = sizeof(resp);
	rs->hdr.msg_seqno = rq->hdr.msg_seqno + 1 + (p->wrong_seqno ? 2 : 0);
	memcpy(hdr_aad, (uint8_t *)rs + 0x30, 48);
	evp_gcm(1, test_key, rs->hdr.msg_seqno, hdr_aad, (uint8_t *)&resp, sizeof(resp),
		rs->payload, rs->hdr.authtag);
	if (p->corrupt_tag) {
		rs->hdr.authtag[3] ^= 1;
	}
	if (x->certs != NULL) {
		struct snp_cert_entry e = {{0x63, 0xda, 0x75, 0x8d}, 48, 100};

		memset(x->certs, 0, (size_t)x->cert_pages * 4096);
		memcpy(x->certs, &e, sizeof(e));
		memset((uint8_t *)x->certs + 48, 0xcc, 100);
	}
	x->exit_info_2 = 0;
	return SVSM_OK;
}

struct gr_env {
	struct snp_guest_ctx *ctx;
	struct snp_guest_msg *req_page;
	struct snp_guest_msg *resp_page;
	struct fake_psp psp;
	uint8_t user[64];
};

static struct gr_env *env_new(uint64_t last_seqno)
{
	struct gr_env *e = calloc(1, sizeof(*e));

	e->ctx = calloc(1, sizeof(*e->ctx));
	e->req_page = aligned_alloc(4096, 4096);
	e->resp_page = aligned_alloc(4096, 4096);
	for (unsigned int i = 0; i < 64; i++) {
		e->user[i] = (uint8_t)(0xf0 ^ i);
	}
	if (snp_guest_init(e->ctx, test_key, 0, last_seqno, e->req_page, e->resp_page,
			   psp_transport, &e->psp) != SVSM_OK) {
		abort();
	}
	return e;
}

static void env_free(struct gr_env *e)
{
	snp_guest_fini(e->ctx);
	free(e->ctx);
	free(e->req_page);
	free(e->resp_page);
	free(e);
}

static bool key_is_zero(const struct snp_guest_ctx *c)
{
	uint8_t zero[32] = {0};

	return memcmp(c->key, zero, 32) == 0 && !c->key_valid;
}

TEST(snp_guest_request, report_roundtrip_and_sequence)
{
	struct gr_env *e = env_new(0);
	struct snp_attestation_report rep;
	uint32_t status = 0;

	ASSERT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL), SVSM_OK);
	EXPECT_MEMEQ(rep.report_data, e->user, 64);
	EXPECT_EQ(rep.vmpl, 2);
	EXPECT_EQ(e->psp.seen_seqno[0], 1);
	ASSERT_EQ(snp_guest_report(e->ctx, e->user, 0, 0, &rep, &status, NULL, NULL), SVSM_OK);
	EXPECT_EQ(e->psp.seen_seqno[1], 3);
	EXPECT_EQ(e->ctx->seqno, 4);
	EXPECT_FALSE(e->psp.reuse_detected);
	EXPECT_FALSE(e->psp.last_had_certs);
	env_free(e);
}

TEST(snp_guest_request, busy_resends_the_same_message)
{
	struct gr_env *e = env_new(10);
	struct snp_attestation_report rep;
	uint32_t status = 0;

	e->psp.busy_left = 3;
	ASSERT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL), SVSM_OK);
	EXPECT_EQ(e->psp.calls, 4);
	EXPECT_EQ(e->psp.psp_seen, 1);
	EXPECT_EQ(e->psp.seen_seqno[0], 11);
	EXPECT_EQ(e->ctx->seqno, 12);
	EXPECT_TRUE(e->ctx->key_valid);
	/* Busy for ever: give up and retire the key. */
	e->psp.busy_left = 1000;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL), SVSM_E_BUSY);
	EXPECT_TRUE(key_is_zero(e->ctx));
	env_free(e);
}

TEST(snp_guest_request, failures_retire_the_key)
{
	struct snp_attestation_report rep;
	uint32_t status = 0;
	struct gr_env *e = env_new(0);
	size_t calls = 0;

	e->psp.corrupt_tag = 1;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL),
		  SVSM_E_CRYPTO);
	EXPECT_TRUE(key_is_zero(e->ctx));
	calls = e->psp.calls;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL),
		  SVSM_E_INVALID_REQUEST);
	EXPECT_EQ(e->psp.calls, calls); /* nothing sent with a retired key */
	env_free(e);

	e = env_new(0);
	e->psp.wrong_seqno = 1;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL),
		  SVSM_E_FORMAT);
	EXPECT_TRUE(key_is_zero(e->ctx));
	env_free(e);

	e = env_new(0);
	e->psp.fw_error = 0x16;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL), SVSM_E_IO);
	EXPECT_TRUE(key_is_zero(e->ctx));
	env_free(e);
}

TEST(snp_guest_request, psp_status_error_keeps_the_key)
{
	struct gr_env *e = env_new(0);
	struct snp_attestation_report rep;
	uint32_t status = 0;

	e->psp.report_status = SNP_REPORT_STATUS_INVALID_PARAMS;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, NULL, NULL),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(status, 0x16);
	EXPECT_TRUE(e->ctx->key_valid);
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 4, 0, &rep, &status, NULL, NULL),
		  SVSM_E_INVALID_PARAM); /* VMPL 4 refused before sending */
	EXPECT_EQ(e->psp.calls, 1);
	/* A certificate buffer without a page count is refused before anything is sent. */
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, &rep, NULL),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(e->psp.calls, 1);
	EXPECT_EQ(e->ctx->seqno, 2);
	env_free(e);
}

TEST(snp_guest_request, extended_request_invalid_len)
{
	struct gr_env *e = env_new(0);
	struct snp_attestation_report rep;
	uint32_t status = 0;
	uint32_t pages = 1;
	uint8_t *certs = aligned_alloc(4096, 4 * 4096);
	size_t used = 0;

	e->psp.certs_needed = 4;
	EXPECT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, certs, &pages),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(pages, 4);
	EXPECT_TRUE(e->ctx->key_valid);
	/* The message was resent without certificates so the PSP consumed seqno 1. */
	EXPECT_EQ(e->psp.psp_seen, 1);
	EXPECT_EQ(e->psp.seen_seqno[0], 1);
	EXPECT_FALSE(e->psp.last_had_certs);
	EXPECT_EQ(e->ctx->seqno, 2);
	ASSERT_EQ(snp_guest_report(e->ctx, e->user, 2, 0, &rep, &status, certs, &pages), SVSM_OK);
	EXPECT_EQ(e->psp.seen_seqno[1], 3);
	EXPECT_TRUE(e->psp.last_had_certs);
	ASSERT_EQ(snp_guest_certs_used(certs, 4 * 4096, &used), SVSM_OK);
	EXPECT_EQ(used, 148);
	EXPECT_FALSE(e->psp.reuse_detected);
	free(certs);
	env_free(e);
}

TEST(snp_guest_request, cert_table_parsing)
{
	uint8_t buf[256];
	struct snp_cert_entry e = {{1}, 72, 100};
	size_t used = 0;

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(snp_guest_certs_used(buf, sizeof(buf), &used), SVSM_OK); /* no certificates */
	EXPECT_EQ(used, 24);
	memcpy(buf, &e, sizeof(e));
	memcpy(buf + 24, &e, sizeof(e));
	EXPECT_EQ(snp_guest_certs_used(buf, sizeof(buf), &used), SVSM_OK);
	EXPECT_EQ(used, 172);
	e.length = 185; /* 72 + 185 > 256 */
	memcpy(buf + 24, &e, sizeof(e));
	EXPECT_EQ(snp_guest_certs_used(buf, sizeof(buf), &used), SVSM_E_FORMAT);
	e.offset = 0xffffffff;
	e.length = 0xffffffff;
	memcpy(buf + 24, &e, sizeof(e));
	EXPECT_EQ(snp_guest_certs_used(buf, sizeof(buf), &used), SVSM_E_FORMAT);
	memset(buf, 0x11, sizeof(buf)); /* no terminator */
	EXPECT_EQ(snp_guest_certs_used(buf, 48, &used), SVSM_E_FORMAT);
}

TEST(snp_guest_request, panic_wipe_reaches_context_keys)
{
	struct gr_env *e = env_new(0);

	EXPECT_TRUE(e->ctx->key_valid);
	snp_wipe_vmpcks();
	EXPECT_MEMEQ(e->ctx->key, (uint8_t[32]){0}, 32);
	env_free(e);
}

TEST(snp_guest_request, response_header_checks)
{
	struct snp_guest_msg_hdr rq;
	struct snp_guest_msg_hdr rs;

	memset(&rq, 0, sizeof(rq));
	rq.algo = 1;
	rq.hdr_version = 1;
	rq.hdr_sz = 0x60;
	rq.msg_type = 5;
	rq.msg_version = 1;
	rq.msg_seqno = 7;
	rs = rq;
	rs.msg_type = 6;
	rs.msg_seqno = 8;
	rs.msg_sz = 0x4c0;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_OK);
	rs.msg_seqno = 7;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_E_FORMAT);
	rs.msg_seqno = 8;
	rs.msg_type = 5;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_E_FORMAT);
	rs.msg_type = 6;
	rs.msg_sz = 4001;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_E_FORMAT);
	rs.msg_sz = 0x4c0;
	rs.msg_vmpck = 1;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_E_FORMAT);
	rs.msg_vmpck = 0;
	rs.algo = 2;
	EXPECT_EQ(snp_guest_msg_check_resp(&rq, &rs), SVSM_E_FORMAT);
}

/* The fuzz seed with a valid response must reach the report parser (keeps the seed honest). */
static enum svsm_err seed_transport(void *ctx, struct snp_guest_xfer *x)
{
	memcpy(x->resp, ctx, 4096);
	x->exit_info_2 = 0;
	return SVSM_OK;
}

TEST(snp_guest_request, fuzz_seed_is_a_valid_response)
{
	FILE *f = fopen("tests/fuzz/seeds/snp_guest_msg/snp_valid_report", "rb");
	uint8_t *page = calloc(1, 4096);
	struct snp_guest_ctx *c = calloc(1, sizeof(*c));
	struct snp_guest_msg *rq = aligned_alloc(4096, 4096);
	struct snp_guest_msg *rs = aligned_alloc(4096, 4096);
	struct snp_attestation_report rep;
	uint8_t user[64] = {0};
	uint32_t status = 1;

	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(fread(page, 1, 4096, f), 4096);
	fclose(f);
	ASSERT_EQ(snp_guest_init(c, test_key, 0, 0, rq, rs, seed_transport, page), SVSM_OK);
	EXPECT_EQ(snp_guest_report(c, user, 0, 0, &rep, &status, NULL, NULL), SVSM_OK);
	EXPECT_EQ(status, 0);
	snp_guest_fini(c);
	free(c);
	free(rq);
	free(rs);
	free(page);
}

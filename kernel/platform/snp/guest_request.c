/*
 * SNP guest requests: owns the VMPCK channel state (key copy, sequence number), the message
 * encryption and the checks on everything the host hands back (response header, tag, report,
 * certificate table). A sequence number is never used twice: after any failure other than BUSY
 * the key is wiped, as Linux's sev-guest driver and COCONUT do. The caller serialises use of a
 * context (one request at a time).
 */
#include "kernel/platform/snp/guest_request.h"

#include <openssl/evp.h>
#include <string.h>

#include "kernel/platform/snp/secrets.h"
#include "svsm/abi/ghcb.h"

static void make_iv(uint8_t iv[SNP_MSG_IV_LEN], uint64_t seqno)
{
	memset(iv, 0, SNP_MSG_IV_LEN);
	for (unsigned int i = 0; i < 8; i++) {
		iv[i] = (uint8_t)(seqno >> (8 * i));
	}
}

static const uint8_t *aad_of(const struct snp_guest_msg_hdr *h)
{
	return (const uint8_t *)h + SNP_MSG_AAD_OFFSET;
}

enum svsm_err snp_guest_msg_encrypt(const uint8_t *key, struct snp_guest_msg *msg, uint64_t seqno,
				    uint8_t msg_type, uint8_t msg_version, uint8_t vmpck_id,
				    const void *payload, size_t len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t iv[SNP_MSG_IV_LEN];
	enum svsm_err err = SVSM_E_CRYPTO;
	int outl = 0;

	if (len > SNP_GUEST_MSG_PAYLOAD_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->hdr.algo = SNP_AEAD_AES_256_GCM;
	msg->hdr.hdr_version = SNP_MSG_HDR_VER;
	msg->hdr.hdr_sz = sizeof(msg->hdr);
	msg->hdr.msg_type = msg_type;
	msg->hdr.msg_version = msg_version;
	msg->hdr.msg_seqno = seqno;
	msg->hdr.msg_vmpck = vmpck_id;
	msg->hdr.msg_sz = (uint16_t)len;
	make_iv(iv, seqno);

	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		return SVSM_E_NOMEM;
	}
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SNP_MSG_IV_LEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &outl, aad_of(&msg->hdr), SNP_MSG_AAD_LEN) != 1) {
		goto out;
	}
	if (len != 0 && EVP_EncryptUpdate(ctx, msg->payload, &outl, payload, (int)len) != 1) {
		goto out;
	}
	if (EVP_EncryptFinal_ex(ctx, msg->payload + len, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SNP_MSG_AUTHTAG_LEN,
				msg->hdr.authtag) != 1) {
		goto out;
	}
	err = SVSM_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

enum svsm_err snp_guest_msg_check_resp(const struct snp_guest_msg_hdr *req,
				       const struct snp_guest_msg_hdr *resp)
{
	if (resp->algo != SNP_AEAD_AES_256_GCM || resp->hdr_version != SNP_MSG_HDR_VER ||
	    resp->hdr_sz != sizeof(*resp)) {
		return SVSM_E_FORMAT;
	}
	if (resp->msg_seqno != req->msg_seqno + 1 || resp->msg_type != req->msg_type + 1 ||
	    resp->msg_version != req->msg_version || resp->msg_vmpck != req->msg_vmpck) {
		return SVSM_E_FORMAT;
	}
	if (resp->msg_sz > SNP_GUEST_MSG_PAYLOAD_SIZE) {
		return SVSM_E_FORMAT;
	}
	return SVSM_OK;
}

enum svsm_err snp_guest_msg_decrypt(const uint8_t *key, const struct snp_guest_msg *msg, void *out,
				    size_t cap, size_t *len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t iv[SNP_MSG_IV_LEN];
	uint8_t tag[SNP_MSG_AUTHTAG_LEN];
	size_t sz = msg->hdr.msg_sz;
	enum svsm_err err = SVSM_E_CRYPTO;
	int outl = 0;

	*len = 0;
	if (sz > SNP_GUEST_MSG_PAYLOAD_SIZE || sz > cap) {
		return SVSM_E_FORMAT;
	}
	make_iv(iv, msg->hdr.msg_seqno);
	memcpy(tag, msg->hdr.authtag, sizeof(tag));
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		return SVSM_E_NOMEM;
	}
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SNP_MSG_IV_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &outl, aad_of(&msg->hdr), SNP_MSG_AAD_LEN) != 1) {
		goto out;
	}
	if (sz != 0 && EVP_DecryptUpdate(ctx, out, &outl, msg->payload, (int)sz) != 1) {
		goto out;
	}
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SNP_MSG_AUTHTAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, (uint8_t *)out + sz, &outl) != 1) {
		snp_memzero_explicit(out, sz); /* never hand out unauthenticated plaintext */
		goto out;
	}
	*len = sz;
	err = SVSM_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

enum svsm_err snp_guest_init(struct snp_guest_ctx *c, const uint8_t *key, uint8_t vmpck_id,
			     uint64_t last_seqno, struct snp_guest_msg *req_page,
			     struct snp_guest_msg *resp_page, snp_guest_transport_fn transport,
			     void *transport_ctx)
{
	enum svsm_err err = SVSM_OK;

	memset(c, 0, sizeof(*c));
	if (vmpck_id >= VMPCK_COUNT || req_page == NULL || resp_page == NULL ||
	    transport == NULL) {
		return SVSM_E_INVALID_PARAM;
	}
	err = snp_secrets_register_key(c->key, sizeof(c->key));
	if (err != SVSM_OK) {
		return err;
	}
	memcpy(c->key, key, sizeof(c->key));
	c->key_valid = false;
	for (unsigned int i = 0; i < sizeof(c->key); i++) {
		if (c->key[i] != 0) {
			c->key_valid = true; /* an all-zero VMPCK was wiped or never given */
		}
	}
	c->vmpck_id = vmpck_id;
	c->seqno = last_seqno;
	c->req_page = req_page;
	c->resp_page = resp_page;
	c->transport = transport;
	c->transport_ctx = transport_ctx;
	return SVSM_OK;
}

void snp_guest_retire_key(struct snp_guest_ctx *c)
{
	snp_memzero_explicit(c->key, sizeof(c->key));
	c->key_valid = false;
}

void snp_guest_fini(struct snp_guest_ctx *c)
{
	snp_guest_retire_key(c);
	snp_secrets_unregister_key(c->key);
}

/* Send the request page until the host stops saying BUSY; returns the transport result. */
static enum svsm_err transport_until_done(struct snp_guest_ctx *c, struct snp_guest_xfer *x)
{
	enum svsm_err err = SVSM_OK;

	for (unsigned int tries = 0; tries <= SNP_GUEST_BUSY_RETRIES; tries++) {
		x->exit_info_2 = 0;
		err = c->transport(c->transport_ctx, x);
		if (err != SVSM_OK) {
			return err;
		}
		if ((x->exit_info_2 >> SNP_GUEST_VMM_ERR_SHIFT) != SNP_GUEST_VMM_ERR_BUSY) {
			return SVSM_OK;
		}
	}
	return SVSM_E_BUSY;
}

enum svsm_err snp_guest_send(struct snp_guest_ctx *c, uint8_t msg_type, uint8_t msg_version,
			     const void *req, size_t req_len, void *resp, size_t resp_cap,
			     size_t *resp_len, void *certs, uint32_t *cert_pages)
{
	struct snp_guest_xfer x;
	struct snp_guest_msg_hdr req_hdr;
	enum svsm_err err = SVSM_OK;
	uint64_t seqno = 0;
	uint32_t needed = 0;
	size_t len = 0;

	*resp_len = 0;
	if (certs != NULL && cert_pages == NULL) {
		return SVSM_E_INVALID_PARAM;
	}
	if (!c->key_valid) {
		return SVSM_E_INVALID_REQUEST; /* key retired: nothing can be sent any more */
	}
	if (c->seqno >= UINT64_MAX - 2) {
		snp_guest_retire_key(c);
		return SVSM_E_INVALID_REQUEST;
	}
	seqno = c->seqno + 1;
	err = snp_guest_msg_encrypt(c->key, &c->scratch, seqno, msg_type, msg_version,
				    c->vmpck_id, req, req_len);
	if (err != SVSM_OK) {
		return err; /* nothing left the SVSM: the sequence number is still unused */
	}
	req_hdr = c->scratch.hdr;
	memcpy(c->req_page, &c->scratch, sizeof(c->scratch));
	memset(c->resp_page, 0, sizeof(*c->resp_page));

	memset(&x, 0, sizeof(x));
	x.req = c->req_page;
	x.resp = c->resp_page;
	x.certs = certs;
	x.cert_pages = certs != NULL && cert_pages != NULL ? *cert_pages : 0;
	err = transport_until_done(c, &x);
	if (err == SVSM_OK && certs != NULL &&
	    (x.exit_info_2 >> SNP_GUEST_VMM_ERR_SHIFT) == SNP_GUEST_VMM_ERR_INVALID_LEN &&
	    (uint32_t)x.exit_info_2 == 0) {
		/*
		 * The certificate buffer is too small and the PSP has not seen the message. Send it
		 * again as a plain request so that this sequence number is consumed (Linux does
		 * the same), then report the size the host asked for.
		 */
		needed = x.cert_pages;
		x.certs = NULL;
		x.cert_pages = 0;
		err = transport_until_done(c, &x);
		c->seqno += 2;
		if (err != SVSM_OK || x.exit_info_2 != 0) {
			snp_guest_retire_key(c);
			return SVSM_E_IO;
		}
		*cert_pages = needed;
		return SVSM_E_INVALID_PARAM;
	}
	/* The message may have reached the PSP: its sequence number is used up either way. */
	c->seqno += 2;
	if (err != SVSM_OK || x.exit_info_2 != 0) {
		snp_guest_retire_key(c);
		return err == SVSM_E_BUSY ? SVSM_E_BUSY : SVSM_E_IO;
	}
	memcpy(&c->scratch, c->resp_page, sizeof(c->scratch)); /* one copy out of shared memory */
	err = snp_guest_msg_check_resp(&req_hdr, &c->scratch.hdr);
	if (err == SVSM_OK) {
		err = snp_guest_msg_decrypt(c->key, &c->scratch, c->plain, sizeof(c->plain), &len);
	}
	if (err == SVSM_OK && len > resp_cap) {
		err = SVSM_E_FORMAT;
	}
	if (err != SVSM_OK) {
		snp_guest_retire_key(c);
		snp_memzero_explicit(c->plain, sizeof(c->plain));
		return err;
	}
	memcpy(resp, c->plain, len);
	snp_memzero_explicit(c->plain, len);
	*resp_len = len;
	return SVSM_OK;
}

enum svsm_err snp_guest_report_parse(const void *payload, size_t len,
				     struct snp_attestation_report *report, uint32_t *status)
{
	struct snp_report_resp r;

	*status = 0;
	if (len < offsetof(struct snp_report_resp, report)) {
		return SVSM_E_FORMAT;
	}
	memset(&r, 0, sizeof(r));
	memcpy(&r, payload, len < sizeof(r) ? len : sizeof(r));
	*status = r.status;
	if (r.status != SNP_REPORT_STATUS_SUCCESS) {
		return SVSM_E_INVALID_PARAM;
	}
	if (r.report_size != SNP_REPORT_SIZE || len < sizeof(r)) {
		return SVSM_E_FORMAT;
	}
	memcpy(report, &r.report, sizeof(*report));
	return SVSM_OK;
}

enum svsm_err snp_guest_report(struct snp_guest_ctx *c, const uint8_t *user_data, uint32_t vmpl,
			       uint32_t key_sel, struct snp_attestation_report *report,
			       uint32_t *status, void *certs, uint32_t *cert_pages)
{
	struct snp_report_req req;
	uint8_t resp[sizeof(struct snp_report_resp)];
	size_t len = 0;
	enum svsm_err err = SVSM_OK;

	*status = 0;
	if (vmpl > SNP_VMPL_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	memset(&req, 0, sizeof(req));
	memcpy(req.user_data, user_data, sizeof(req.user_data));
	req.vmpl = vmpl;
	req.key_sel = key_sel;
	err = snp_guest_send(c, SNP_MSG_REPORT_REQ, 1, &req, sizeof(req), resp, sizeof(resp), &len,
			     certs, cert_pages);
	if (err != SVSM_OK) {
		return err;
	}
	return snp_guest_report_parse(resp, len, report, status);
}

enum svsm_err snp_guest_certs_used(const uint8_t *certs, size_t len, size_t *used)
{
	size_t end = 0;

	*used = 0;
	for (size_t off = 0; off + sizeof(struct snp_cert_entry) <= len;
	     off += sizeof(struct snp_cert_entry)) {
		struct snp_cert_entry e;
		static const uint8_t zero[sizeof(struct snp_cert_entry)];

		memcpy(&e, certs + off, sizeof(e));
		if (memcmp(&e, zero, sizeof(e)) == 0) {
			size_t table_end = off + sizeof(e);

			*used = end > table_end ? end : table_end;
			return SVSM_OK;
		}
		if (e.offset > len || e.length > len - e.offset) {
			return SVSM_E_FORMAT;
		}
		if ((size_t)e.offset + e.length > end) {
			end = (size_t)e.offset + e.length;
		}
	}
	return SVSM_E_FORMAT; /* no terminating entry */
}

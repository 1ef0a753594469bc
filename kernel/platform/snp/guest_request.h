/*
 * SNP guest requests: messages to the PSP encrypted with a VMPCK (AES-256-GCM), the sequence
 * number discipline, MSG_REPORT_REQ/RSP and the extended request with certificates. The
 * hypervisor transport is injected so tests can play hypervisor and PSP.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/snp.h"
#include "svsm/err.h"

/* Retries of a message the host answered BUSY before the key is retired. */
#define SNP_GUEST_BUSY_RETRIES 64u

/**
 * struct snp_guest_xfer - one guest request as the transport sees it.
 * @req:         shared request page (already encrypted).
 * @resp:        shared response page the host/PSP fills.
 * @certs:       NULL for a plain request (NAE 0x80000011), else the shared certificate pages
 *               of an extended request (NAE 0x80000012, RAX = GPA, RBX = @cert_pages).
 * @cert_pages:  in: pages at @certs; out: pages needed when the host reports INVALID_LEN.
 * @exit_info_2: out: [31:0] firmware error, [63:32] VMM error.
 */
struct snp_guest_xfer {
	const struct snp_guest_msg *req;
	struct snp_guest_msg *resp;
	void *certs;
	uint32_t cert_pages;
	uint64_t exit_info_2;
};

/*
 * The transport: issues the VMGEXIT (kernel) or plays the host (tests). A failure of the
 * transport itself (GHCB error) is returned as an error. One function pointer, set once at init.
 */
typedef enum svsm_err (*snp_guest_transport_fn)(void *ctx, struct snp_guest_xfer *x);

/** struct snp_guest_ctx - one VMPCK channel to the PSP. Fields are private to guest_request.c. */
struct snp_guest_ctx {
	uint8_t key[VMPCK_KEY_LEN];
	bool key_valid;
	uint8_t vmpck_id;
	uint64_t seqno;                     /* last sequence number used */
	struct snp_guest_msg *req_page;     /* shared */
	struct snp_guest_msg *resp_page;    /* shared */
	snp_guest_transport_fn transport;
	void *transport_ctx;
	struct snp_guest_msg scratch;       /* private copy of the request or response */
	uint8_t plain[SNP_GUEST_MSG_PAYLOAD_SIZE]; /* decrypted response payload */
};

/**
 * snp_guest_init() - set up @c with a copy of @key (VMPCK @vmpck_id), the last used sequence
 * number @last_seqno, two shared pages and the transport. The key copy is registered with
 * snp_wipe_vmpcks().
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_init(struct snp_guest_ctx *c, const uint8_t *key,
					     uint8_t vmpck_id, uint64_t last_seqno,
					     struct snp_guest_msg *req_page,
					     struct snp_guest_msg *resp_page,
					     snp_guest_transport_fn transport, void *transport_ctx);
/** snp_guest_fini() - wipe the key and unregister it. */
void snp_guest_fini(struct snp_guest_ctx *c);
/** snp_guest_retire_key() - wipe the key: no further message can be sent (no IV reuse). */
void snp_guest_retire_key(struct snp_guest_ctx *c);

/**
 * snp_guest_msg_encrypt() - build @msg: header as Linux enc_payload() fills it, payload
 * AES-256-GCM encrypted with IV = @seqno (LE) || 0^4 and AAD = header bytes 0x30..0x5f.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_msg_encrypt(const uint8_t *key, struct snp_guest_msg *msg,
						    uint64_t seqno, uint8_t msg_type,
						    uint8_t msg_version, uint8_t vmpck_id,
						    const void *payload, size_t len);

/**
 * snp_guest_msg_check_resp() - check a response header (private copy) against the request
 * header: algo, header version and size, seqno == request + 1, type == request + 1, same
 * message version and VMPCK, payload size within the page. SVSM_OK or SVSM_E_FORMAT.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_msg_check_resp(const struct snp_guest_msg_hdr *req,
						       const struct snp_guest_msg_hdr *resp);

/**
 * snp_guest_msg_decrypt() - authenticate and decrypt @msg (private copy) into @out (capacity
 * @cap); *@len = msg_sz. SVSM_E_CRYPTO on a bad tag, SVSM_E_FORMAT on sizes.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_msg_decrypt(const uint8_t *key,
						    const struct snp_guest_msg *msg, void *out,
						    size_t cap, size_t *len);

/**
 * snp_guest_send() - send one message and return the decrypted answer in @resp/@resp_len.
 * @certs/@cert_pages select the extended request. On BUSY the same message is resent; on an
 * INVALID_LEN answer to an extended request the message is resent without certificates (so
 * the PSP consumes the sequence number), *@cert_pages is set to the pages the host wants and
 * SVSM_E_INVALID_PARAM returned with the key kept. Every other failure retires the key.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_send(struct snp_guest_ctx *c, uint8_t msg_type,
					     uint8_t msg_version, const void *req, size_t req_len,
					     void *resp, size_t resp_cap, size_t *resp_len,
					     void *certs, uint32_t *cert_pages);

/**
 * snp_guest_report() - MSG_REPORT_REQ for @user_data at @vmpl; the report in @report.
 * SVSM_E_INVALID_PARAM if the PSP reports a bad status (*@status set), SVSM_E_FORMAT if the
 * response does not parse.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_report(struct snp_guest_ctx *c, const uint8_t *user_data,
					       uint32_t vmpl, uint32_t key_sel,
					       struct snp_attestation_report *report,
					       uint32_t *status, void *certs, uint32_t *cert_pages);

/** snp_guest_report_parse() - check a decrypted MSG_REPORT_RSP and copy the report out. */
SVSM_MUST_CHECK enum svsm_err snp_guest_report_parse(const void *payload, size_t len,
						     struct snp_attestation_report *report,
						     uint32_t *status);

/**
 * snp_guest_certs_used() - walk the host's certificate table (24-byte GUID/offset/length
 * entries ended by an all-zero entry) in @len bytes and return in *@used the bytes the table
 * and the certificates occupy. SVSM_E_FORMAT if an entry points outside the buffer or the
 * table has no terminator.
 */
SVSM_MUST_CHECK enum svsm_err snp_guest_certs_used(const uint8_t *certs, size_t len, size_t *used);

/*
 * Client side of Trustee's KBS attestation protocol (RCAR: auth, attest, resource) over an
 * abstract transport, so the same code runs in the SVSM (framed over the proxy UART), in
 * the host unit tests (a fake KBS in process) and in host tools (frames over a UNIX
 * socket). It builds every request body, the ephemeral P-256 key pair (the private half
 * never leaves this module), the SHA-384 binding of the key, nonce and additional evidence
 * (RFC 8785 canonical JSON, as Trustee computes it), and checks every reply: HTTP status,
 * JSON, nonce, the JWE header, ECDH-ES+A256KW key agreement and unwrap, and the A256GCM tag
 * with the protected header as AAD. docs/attestation.md describes the exchange.
 * Uses libcrypto (in the kernel: only inside services_run()). No global state.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/** enum kbs_status - how a fetch ended; kbs_status_str() gives a console line for each. */
enum kbs_status {
	KBS_OK = 0,
	KBS_ERR_CONFIG,	     /* bad arguments (resource path, buffer sizes) */
	KBS_ERR_TRANSPORT,   /* proxy unreachable, time-out, garbled frames after retries */
	KBS_ERR_REFUSED,     /* the KBS refused (HTTP 401): policy, rollback, replay */
	KBS_ERR_HTTP,	     /* another non-200 HTTP status */
	KBS_ERR_TOO_LARGE,   /* a reply larger than the client accepts */
	KBS_ERR_MALFORMED,   /* a reply that is not the JSON expected */
	KBS_ERR_NONCE,	     /* the nonce is not base64 of 32 bytes */
	KBS_ERR_EVIDENCE,    /* the evidence callback failed */
	KBS_ERR_JWE_FORMAT,  /* JWE members missing, not base64url, or of the wrong size */
	KBS_ERR_JWE_ALG,     /* protected header alg is not ECDH-ES+A256KW */
	KBS_ERR_JWE_ENC,     /* protected header enc is not A256GCM */
	KBS_ERR_JWE_EPK,     /* epk is not an EC P-256 point on the curve */
	KBS_ERR_JWE_UNWRAP,  /* AES key unwrap failed: not made for this session's key */
	KBS_ERR_JWE_TAG,     /* the GCM tag does not authenticate the secret */
	KBS_ERR_SECRET_SIZE, /* the secret is not the size asked for */
	KBS_ERR_CRYPTO,	     /* a local libcrypto failure (key generation, ...) */
	KBS_ERR_NOMEM,
	KBS_STATUS_COUNT,
};

/**
 * struct kbs_transport - one HTTP request through the proxy.
 * @http: send @method ("GET" or "POST") to @path with the JSON @body (@len bytes, none for
 *        GET); on SVSM_OK the reply's HTTP status is in *@status and its body (at most
 *        @cap bytes) in @rsp, *@rsp_len bytes. The session cookie is the proxy's business.
 *        SVSM_E_IO: unreachable or timed out after the transport's retries; SVSM_E_NOMEM:
 *        the reply does not fit @cap; anything else: a transport failure.
 */
struct kbs_transport {
	void *ctx;
	enum svsm_err (*http)(void *ctx, const char *method, const char *path, const uint8_t *body,
			      uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			      uint32_t *rsp_len);
};

#define KBS_REPORT_DATA_SIZE 64
#define KBS_EVIDENCE_MAX 8192

/**
 * kbs_evidence_fn - write the primary evidence for @report_data as one JSON value into
 * @out (@cap bytes), *@len bytes. Native: kbs_sample_evidence(); SEV-SNP: a signed report
 * whose REPORT_DATA is @report_data (in the JSON form Trustee's SNP verifier reads).
 */
typedef enum svsm_err (*kbs_evidence_fn)(void *ctx, const uint8_t report_data[KBS_REPORT_DATA_SIZE],
					 char *out, uint32_t cap, uint32_t *len);

/**
 * struct kbs_client_config - what to ask for and how to prove it.
 * @tee:           "sample" (native) or "snp": the Request's tee.
 * @evidence:      the primary evidence callback, @evidence_ctx its argument.
 * @resource_path: the resource to fetch, "/kbs/v0/resource/<repository>/<type>/<tag>".
 * @generation:    the persistent state's generation, bound into the additional evidence
 *                 (docs/attestation.md "Rollback and clones").
 * @secret_size:   the exact size of the secret (32 for the state key).
 */
struct kbs_client_config {
	const char *tee;
	kbs_evidence_fn evidence;
	void *evidence_ctx;
	const char *resource_path;
	uint64_t generation;
	uint32_t secret_size;
};

/**
 * kbs_client_fetch - run auth, attest and the resource GET; on KBS_OK the secret is in
 * @secret (@cap bytes, exactly cfg->secret_size of them). On any failure @secret is
 * zeroed. *@http_status (may be NULL) is the last HTTP status seen (0 if none).
 */
enum kbs_status kbs_client_fetch(const struct kbs_client_config *cfg, const struct kbs_transport *t,
				 uint8_t *secret, uint32_t cap,
				 uint32_t *http_status) SVSM_MUST_CHECK;

/** kbs_status_str - a short English description of @s ("KBS refused (401)", ...). */
const char *kbs_status_str(enum kbs_status s);

/**
 * kbs_sample_evidence - Trustee's `sample` TEE evidence: {"svn":"1","report_data":"<base64
 * of the 64 bytes>"}. For the native platform; @ctx is unused.
 */
enum svsm_err kbs_sample_evidence(void *ctx, const uint8_t report_data[KBS_REPORT_DATA_SIZE],
				  char *out, uint32_t cap, uint32_t *len) SVSM_MUST_CHECK;

/**
 * kbs_binding_digest - SHA-384 of the RFC 8785 form of the JSON @json (@len bytes),
 * zero-padded to 64 bytes: how Trustee derives REPORT_DATA. For tests and tools.
 */
enum svsm_err kbs_binding_digest(const char *json, uint32_t len,
				 uint8_t out[KBS_REPORT_DATA_SIZE]) SVSM_MUST_CHECK;

/**
 * kbs_jwe_decrypt - decrypt the flattened JWE JSON @jwe (@len bytes) with the P-256 private
 * scalar @d (32 bytes, big-endian) into @out (@cap bytes), *@out_len bytes. The checks and
 * errors of kbs_client_fetch()'s last step; exposed for tests and the fuzz target.
 */
enum kbs_status kbs_jwe_decrypt(const uint8_t d[32], const char *jwe, uint32_t len, uint8_t *out,
				uint32_t cap, uint32_t *out_len) SVSM_MUST_CHECK;

/*
 * Framing between the SVSM and the host proxy (tools/svsm-proxy), docs/attestation.md
 * "Frames": pure encode/decode of frames and of the HTTP request/response bodies they
 * carry, and proxy_link, the request/response exchange with a time-out, bounded retries,
 * resynchronisation on the magic and sequence numbers, over byte-stream callbacks (the
 * SVSM's UART driver kernel/drivers/proxy_serial.c, a UNIX socket in host tools).
 * Everything received is untrusted. Freestanding; a proxy_link is owned by one caller.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#define PROXY_FRAME_MAGIC 0x58505653u /* "SVPX" in memory order */
#define PROXY_FRAME_VERSION 1
#define PROXY_FRAME_HDR_SIZE 20
#define PROXY_FRAME_CRC_SIZE 4
#define PROXY_FRAME_MAX_BODY 32768u
#define PROXY_FRAME_MAX (PROXY_FRAME_HDR_SIZE + PROXY_FRAME_MAX_BODY + PROXY_FRAME_CRC_SIZE)
#define PROXY_PATH_MAX 256

/** Frame types. */
enum proxy_frame_type {
	PROXY_HELLO = 1,    /* SVSM -> proxy: a new boot (forget the cookie); echoed back */
	PROXY_HTTP_REQ = 2, /* SVSM -> proxy: one HTTP request */
	PROXY_HTTP_RSP = 3, /* proxy -> SVSM: its HTTP status and body */
	PROXY_ERROR = 4,    /* proxy -> SVSM: no HTTP answer (KBS unreachable, bad request) */
};

enum proxy_method {
	PROXY_GET = 1,
	PROXY_POST = 2,
};

/** struct proxy_frame_hdr - a decoded, checked frame header. */
struct proxy_frame_hdr {
	uint8_t type;
	uint32_t seq;
	uint32_t len;
};

/**
 * proxy_frame_encode - frame @len bytes of @body as @type/@seq into @out (@cap bytes).
 * SVSM_E_INVALID_PARAM when the body is too large or @out too small.
 */
enum svsm_err proxy_frame_encode(uint8_t type, uint32_t seq, const uint8_t *body, uint32_t len,
				 uint8_t *out, uint32_t cap, uint32_t *out_len) SVSM_MUST_CHECK;

/**
 * proxy_frame_header - check the @PROXY_FRAME_HDR_SIZE bytes at @hdr (magic, version,
 * reserved bits, header CRC, type, body length bound); SVSM_E_FORMAT otherwise.
 */
enum svsm_err proxy_frame_header(const uint8_t *hdr, struct proxy_frame_hdr *h) SVSM_MUST_CHECK;

/**
 * proxy_frame_decode - a whole frame of exactly @len bytes at @buf: header checked, body
 * CRC checked; *@body points into @buf. SVSM_E_FORMAT for anything else.
 */
enum svsm_err proxy_frame_decode(const uint8_t *buf, uint32_t len, struct proxy_frame_hdr *h,
				 const uint8_t **body) SVSM_MUST_CHECK;

/** proxy_http_req_encode - an HTTP_REQ body: method, path (ASCII, < PROXY_PATH_MAX), JSON. */
enum svsm_err proxy_http_req_encode(enum proxy_method method, const char *path, const uint8_t *json,
				    uint32_t json_len, uint8_t *out, uint32_t cap,
				    uint32_t *out_len) SVSM_MUST_CHECK;

/** proxy_http_rsp_decode - an HTTP_RSP body: status (100-599) and the reply's bytes. */
enum svsm_err proxy_http_rsp_decode(const uint8_t *body, uint32_t len, uint32_t *status,
				    const uint8_t **payload, uint32_t *payload_len) SVSM_MUST_CHECK;

/**
 * struct proxy_link_ops - the byte stream under a link.
 * @send:   write all @len bytes (SVSM_E_IO when the stream is gone or stuck).
 * @recv:   read up to @len bytes, waiting until @deadline_us at most; the count read (0 at
 *          the deadline or when the stream is gone).
 * @now_us: a monotonic clock.
 */
struct proxy_link_ops {
	void *ctx;
	enum svsm_err (*send)(void *ctx, const uint8_t *buf, uint32_t len);
	uint32_t (*recv)(void *ctx, uint8_t *buf, uint32_t len, uint64_t deadline_us);
	uint64_t (*now_us)(void *ctx);
};

/**
 * struct proxy_link - one end of the exchange: @timeout_us per attempt, @attempts sends of
 * one request (the proxy answers a repeated sequence number from its cache), @seq the
 * last number used. @last_error: a short reason for the last failure (for the console).
 */
struct proxy_link {
	struct proxy_link_ops ops;
	uint64_t timeout_us;
	uint32_t attempts;
	uint32_t seq;
	const char *last_error;
	uint8_t tx[PROXY_FRAME_MAX];
	uint8_t rx[PROXY_FRAME_MAX];
};

/** proxy_link_init - @ops, @timeout_us per attempt, @attempts (at least 1). */
void proxy_link_init(struct proxy_link *l, const struct proxy_link_ops *ops, uint64_t timeout_us,
		     uint32_t attempts);

/**
 * proxy_link_call - send a @type frame with @req and wait for the answer with the same
 * sequence number; its type in *@rsp_type and body in @rsp (@cap bytes). SVSM_E_IO after
 * the last attempt timed out (garbled, truncated and stale frames are skipped),
 * SVSM_E_NOMEM when the answer does not fit @cap.
 */
enum svsm_err proxy_link_call(struct proxy_link *l, uint8_t type, const uint8_t *req, uint32_t len,
			      uint8_t *rsp_type, uint8_t *rsp, uint32_t cap,
			      uint32_t *rsp_len) SVSM_MUST_CHECK;

/** proxy_link_hello - tell the proxy a new session starts (it drops its cookie). */
enum svsm_err proxy_link_hello(struct proxy_link *l) SVSM_MUST_CHECK;

/**
 * proxy_link_http - struct kbs_transport's http callback over the link @ctx (a struct
 * proxy_link). A PROXY_ERROR answer is SVSM_E_IO (the KBS is unreachable).
 */
enum svsm_err proxy_link_http(void *ctx, const char *method, const char *path, const uint8_t *body,
			      uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			      uint32_t *rsp_len) SVSM_MUST_CHECK;

/*
 * Proxy frames and the link exchange (proxy_frame.h). A link's buffers and sequence number
 * belong to its one caller; nothing else is shared.
 */
#include "lib/proxy_frame.h"

#include <stdbool.h>

#include "lib/crc32.h"
#include <string.h>

/* How many bytes the receiver skips looking for a magic before the attempt fails. */
#define PROXY_RESYNC_MAX (2 * PROXY_FRAME_MAX)

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

enum svsm_err proxy_frame_encode(uint8_t type, uint32_t seq, const uint8_t *body, uint32_t len,
				 uint8_t *out, uint32_t cap, uint32_t *out_len)
{
	*out_len = 0;
	if (len > PROXY_FRAME_MAX_BODY || cap < PROXY_FRAME_HDR_SIZE + len + PROXY_FRAME_CRC_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	put32(out, PROXY_FRAME_MAGIC);
	out[4] = PROXY_FRAME_VERSION;
	out[5] = type;
	put16(out + 6, 0);
	put32(out + 8, seq);
	put32(out + 12, len);
	put32(out + 16, crc32_update(0, out, 16));
	if (len > 0) {
		memmove(out + PROXY_FRAME_HDR_SIZE, body, len);
	}
	put32(out + PROXY_FRAME_HDR_SIZE + len, crc32_update(0, out + PROXY_FRAME_HDR_SIZE, len));
	*out_len = PROXY_FRAME_HDR_SIZE + len + PROXY_FRAME_CRC_SIZE;
	return SVSM_OK;
}

enum svsm_err proxy_frame_header(const uint8_t *hdr, struct proxy_frame_hdr *h)
{
	if (get32(hdr) != PROXY_FRAME_MAGIC || hdr[4] != PROXY_FRAME_VERSION ||
	    get16(hdr + 6) != 0 || get32(hdr + 16) != crc32_update(0, hdr, 16)) {
		return SVSM_E_FORMAT;
	}
	h->type = hdr[5];
	h->seq = get32(hdr + 8);
	h->len = get32(hdr + 12);
	if (h->type < PROXY_HELLO || h->type > PROXY_ERROR || h->len > PROXY_FRAME_MAX_BODY) {
		return SVSM_E_FORMAT;
	}
	return SVSM_OK;
}

enum svsm_err proxy_frame_decode(const uint8_t *buf, uint32_t len, struct proxy_frame_hdr *h,
				 const uint8_t **body)
{
	enum svsm_err err;

	if (len < PROXY_FRAME_HDR_SIZE + PROXY_FRAME_CRC_SIZE) {
		return SVSM_E_FORMAT;
	}
	err = proxy_frame_header(buf, h);
	if (err != SVSM_OK) {
		return err;
	}
	if (len != PROXY_FRAME_HDR_SIZE + h->len + PROXY_FRAME_CRC_SIZE ||
	    get32(buf + PROXY_FRAME_HDR_SIZE + h->len) !=
		crc32_update(0, buf + PROXY_FRAME_HDR_SIZE, h->len)) {
		return SVSM_E_FORMAT;
	}
	*body = buf + PROXY_FRAME_HDR_SIZE;
	return SVSM_OK;
}

enum svsm_err proxy_http_req_encode(enum proxy_method method, const char *path, const uint8_t *json,
				    uint32_t json_len, uint8_t *out, uint32_t cap,
				    uint32_t *out_len)
{
	size_t plen = strlen(path);

	*out_len = 0;
	if ((method != PROXY_GET && method != PROXY_POST) || plen == 0 || plen >= PROXY_PATH_MAX ||
	    path[0] != '/' || (uint64_t)4 + plen + json_len > cap ||
	    (uint64_t)4 + plen + json_len > PROXY_FRAME_MAX_BODY) {
		return SVSM_E_INVALID_PARAM;
	}
	for (size_t i = 0; i < plen; i++) {
		if (path[i] <= ' ' || path[i] > '~') {
			return SVSM_E_INVALID_PARAM;
		}
	}
	out[0] = (uint8_t)method;
	out[1] = 0;
	put16(out + 2, (uint32_t)plen);
	memcpy(out + 4, path, plen);
	if (json_len > 0) {
		memcpy(out + 4 + plen, json, json_len);
	}
	*out_len = (uint32_t)(4 + plen + json_len);
	return SVSM_OK;
}

enum svsm_err proxy_http_rsp_decode(const uint8_t *body, uint32_t len, uint32_t *status,
				    const uint8_t **payload, uint32_t *payload_len)
{
	if (len < 4 || get16(body + 2) != 0) {
		return SVSM_E_FORMAT;
	}
	*status = get16(body);
	if (*status < 100 || *status > 599) {
		return SVSM_E_FORMAT;
	}
	*payload = body + 4;
	*payload_len = len - 4;
	return SVSM_OK;
}

void proxy_link_init(struct proxy_link *l, const struct proxy_link_ops *ops, uint64_t timeout_us,
		     uint32_t attempts)
{
	l->ops = *ops;
	l->timeout_us = timeout_us;
	l->attempts = attempts == 0 ? 1 : attempts;
	l->seq = 0;
	l->last_error = NULL;
}

static bool recv_exact(struct proxy_link *l, uint8_t *buf, uint32_t len, uint64_t deadline)
{
	uint32_t got = 0;

	while (got < len) {
		uint32_t n = l->ops.recv(l->ops.ctx, buf + got, len - got, deadline);

		if (n == 0 || n > len - got) {
			return false;
		}
		got += n;
	}
	return true;
}

/*
 * Wait until @deadline for a well-formed frame answering @seq: skip bytes until a magic,
 * skip frames whose header or CRC is bad or whose sequence number is another's.
 */
static enum svsm_err recv_frame(struct proxy_link *l, uint32_t seq, uint64_t deadline,
				struct proxy_frame_hdr *h)
{
	uint32_t skipped = 0;

	while (skipped < PROXY_RESYNC_MAX) {
		uint32_t have = 0;

		/* Find the magic one byte at a time, keeping the last four. */
		while (have < 4 || get32(l->rx) != PROXY_FRAME_MAGIC) {
			if (have == 4) {
				memmove(l->rx, l->rx + 1, 3);
				have = 3;
				if (++skipped >= PROXY_RESYNC_MAX) {
					l->last_error = "no frame (garbage on the line)";
					return SVSM_E_IO;
				}
			}
			if (!recv_exact(l, l->rx + have, 1, deadline)) {
				l->last_error = "time-out waiting for the proxy";
				return SVSM_E_IO;
			}
			have++;
		}
		if (!recv_exact(l, l->rx + 4, PROXY_FRAME_HDR_SIZE - 4, deadline)) {
			l->last_error = "truncated frame header";
			return SVSM_E_IO;
		}
		if (proxy_frame_header(l->rx, h) != SVSM_OK) {
			l->last_error = "garbled frame header";
			skipped += PROXY_FRAME_HDR_SIZE;
			continue;
		}
		if (!recv_exact(l, l->rx + PROXY_FRAME_HDR_SIZE, h->len + PROXY_FRAME_CRC_SIZE,
				deadline)) {
			l->last_error = "truncated frame";
			return SVSM_E_IO;
		}
		if (get32(l->rx + PROXY_FRAME_HDR_SIZE + h->len) !=
		    crc32_update(0, l->rx + PROXY_FRAME_HDR_SIZE, h->len)) {
			l->last_error = "frame CRC mismatch";
			skipped += PROXY_FRAME_HDR_SIZE + h->len;
			continue;
		}
		if (h->seq != seq || (h->type != PROXY_HELLO && h->type != PROXY_HTTP_RSP &&
				      h->type != PROXY_ERROR)) {
			skipped += PROXY_FRAME_HDR_SIZE + h->len;
			continue; /* a stale answer to an earlier attempt, or not an answer */
		}
		return SVSM_OK;
	}
	l->last_error = "no frame (garbage on the line)";
	return SVSM_E_IO;
}

static enum svsm_err link_call(struct proxy_link *l, uint8_t type, const uint8_t *req, uint32_t len,
			       struct proxy_frame_hdr *h)
{
	uint32_t frame_len;
	enum svsm_err err;

	l->seq++;
	err = proxy_frame_encode(type, l->seq, req, len, l->tx, sizeof(l->tx), &frame_len);
	if (err != SVSM_OK) {
		return err;
	}
	for (uint32_t attempt = 0; attempt < l->attempts; attempt++) {
		uint64_t deadline = l->ops.now_us(l->ops.ctx) + l->timeout_us;

		if (l->ops.send(l->ops.ctx, l->tx, frame_len) != SVSM_OK) {
			l->last_error = "cannot send to the proxy";
			continue;
		}
		err = recv_frame(l, l->seq, deadline, h);
		if (err == SVSM_OK) {
			l->last_error = NULL;
			return SVSM_OK;
		}
	}
	return SVSM_E_IO;
}

enum svsm_err proxy_link_call(struct proxy_link *l, uint8_t type, const uint8_t *req, uint32_t len,
			      uint8_t *rsp_type, uint8_t *rsp, uint32_t cap, uint32_t *rsp_len)
{
	struct proxy_frame_hdr h;
	enum svsm_err err = link_call(l, type, req, len, &h);

	*rsp_len = 0;
	if (err != SVSM_OK) {
		return err;
	}
	if (h.len > cap) {
		return SVSM_E_NOMEM;
	}
	*rsp_type = h.type;
	memcpy(rsp, l->rx + PROXY_FRAME_HDR_SIZE, h.len);
	*rsp_len = h.len;
	return SVSM_OK;
}

enum svsm_err proxy_link_hello(struct proxy_link *l)
{
	struct proxy_frame_hdr h;
	enum svsm_err err = link_call(l, PROXY_HELLO, NULL, 0, &h);

	if (err == SVSM_OK && h.type != PROXY_HELLO) {
		l->last_error = "proxy did not answer HELLO";
		err = SVSM_E_IO;
	}
	return err;
}

enum svsm_err proxy_link_http(void *ctx, const char *method, const char *path, const uint8_t *body,
			      uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			      uint32_t *rsp_len)
{
	struct proxy_link *l = ctx;
	struct proxy_frame_hdr h;
	const uint8_t *payload;
	uint32_t req_len, plen;
	enum proxy_method m;
	enum svsm_err err;

	*status = 0;
	*rsp_len = 0;
	if (strcmp(method, "GET") == 0) {
		m = PROXY_GET;
	} else if (strcmp(method, "POST") == 0) {
		m = PROXY_POST;
	} else {
		return SVSM_E_INVALID_PARAM;
	}
	/* The request body is built in rx, free until the answer arrives (after encoding). */
	err = proxy_http_req_encode(m, path, body, len, l->rx, sizeof(l->rx), &req_len);
	if (err == SVSM_OK) {
		err = link_call(l, PROXY_HTTP_REQ, l->rx, req_len, &h);
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (h.type == PROXY_ERROR) {
		l->last_error = "proxy: KBS unreachable";
		return SVSM_E_IO;
	}
	if (h.type != PROXY_HTTP_RSP || proxy_http_rsp_decode(l->rx + PROXY_FRAME_HDR_SIZE, h.len,
							      status, &payload, &plen) != SVSM_OK) {
		l->last_error = "malformed answer frame";
		return SVSM_E_IO;
	}
	if (plen > cap) {
		return SVSM_E_NOMEM;
	}
	memcpy(rsp, payload, plen);
	*rsp_len = plen;
	return SVSM_OK;
}

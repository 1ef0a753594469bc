/*
 * libFuzzer target for the proxy framing (lib/proxy_frame.c). First byte 0: the rest is
 * one frame; a frame that decodes must re-encode to the same bytes. Otherwise the rest is
 * the byte stream the SVSM receives for one HTTP request (garbage, stale, truncated,
 * oversized frames): the link must end (answer or error) without crashing, and an answer
 * must fit the buffer.
 */
#include "lib/proxy_frame.h"

#include <stdint.h>
#include <stdlib.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct stream {
	const uint8_t *p;
	size_t left;
	uint64_t clock;
};

static enum svsm_err f_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	return SVSM_OK;
}

static uint32_t f_recv(void *ctx, uint8_t *buf, uint32_t len, uint64_t deadline)
{
	struct stream *s = ctx;
	uint32_t n = len < s->left ? len : (uint32_t)s->left;

	if (n == 0) {
		s->clock = deadline;
		return 0;
	}
	n = n > 7 ? 7 : n; /* short reads, as a UART gives */
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

static uint64_t f_now(void *ctx)
{
	return ((struct stream *)ctx)->clock;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy_link link;
	static uint8_t again[PROXY_FRAME_MAX];
	uint8_t rsp[256];
	struct proxy_frame_hdr h;
	const uint8_t *body;
	uint32_t len, status;

	if (size < 1) {
		return 0;
	}
	if (data[0] == 0) {
		if (proxy_frame_decode(data + 1, (uint32_t)(size - 1), &h, &body) == SVSM_OK) {
			if (proxy_frame_encode(h.type, h.seq, body, h.len, again, sizeof(again),
					       &len) != SVSM_OK ||
			    len != size - 1 || memcmp(again, data + 1, len) != 0) {
				abort();
			}
		}
		return 0;
	}
	{
		struct stream s = {.p = data + 1, .left = size - 1};
		struct proxy_link_ops ops = {
		    .ctx = &s, .send = f_send, .recv = f_recv, .now_us = f_now};

		proxy_link_init(&link, &ops, 1000, 2);
		link.seq = data[0] - 1; /* the next request's number is data[0] */
		if (proxy_link_http(&link, "GET", "/kbs/v0/resource/a/b/c", NULL, 0, &status, rsp,
				    sizeof(rsp), &len) == SVSM_OK &&
		    (len > sizeof(rsp) || status < 100 || status > 599)) {
			abort();
		}
	}
	return 0;
}

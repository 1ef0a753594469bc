/*
 * Unit tests of lib/proxy_frame.c: frame and HTTP body encoding, header and CRC checks,
 * and proxy_link against a scripted byte stream: garbage before a frame, stale answers,
 * truncated and garbled frames, silence (time-out, bounded retries), oversized answers.
 */
#include "lib/crc32.h"
#include "lib/proxy_frame.h"
#include "tests/unit/harness.h"
#include <string.h>

/* A scripted peer: each send() is answered by the next canned byte string. */
struct script {
	const uint8_t *answers[4];
	uint32_t lens[4];
	unsigned sends;
	const uint8_t *cur;
	uint32_t cur_len;
	uint64_t clock;
	uint32_t last_seq;
};

static enum svsm_err s_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	struct script *s = ctx;
	struct proxy_frame_hdr h;
	const uint8_t *body;

	if (proxy_frame_decode(buf, len, &h, &body) != SVSM_OK) {
		return SVSM_E_IO;
	}
	s->last_seq = h.seq;
	s->cur = s->sends < 4 ? s->answers[s->sends] : NULL;
	s->cur_len = s->sends < 4 ? s->lens[s->sends] : 0;
	s->sends++;
	return SVSM_OK;
}

static uint32_t s_recv(void *ctx, uint8_t *buf, uint32_t len, uint64_t deadline)
{
	struct script *s = ctx;
	uint32_t n = len < s->cur_len ? len : s->cur_len;

	if (n == 0) {
		s->clock = deadline; /* silence: time passes to the deadline */
		return 0;
	}
	memcpy(buf, s->cur, n);
	s->cur += n;
	s->cur_len -= n;
	return n;
}

static uint64_t s_now(void *ctx)
{
	return ((struct script *)ctx)->clock;
}

static struct proxy_link link_;

static void link_setup(struct script *s)
{
	struct proxy_link_ops ops = {.ctx = s, .send = s_send, .recv = s_recv, .now_us = s_now};

	proxy_link_init(&link_, &ops, 1000, 3);
}

#define CHECK_FRAME(e)                                                                             \
	do {                                                                                       \
		if ((e) != SVSM_OK) {                                                              \
			return 0;                                                                  \
		}                                                                                  \
	} while (0)

static uint32_t rsp_frame(uint8_t *out, uint32_t cap, uint32_t seq, uint16_t status,
			  const char *body)
{
	uint8_t b[256];
	uint32_t n = (uint32_t)strlen(body), len;

	b[0] = (uint8_t)status;
	b[1] = (uint8_t)(status >> 8);
	b[2] = b[3] = 0;
	memcpy(b + 4, body, n);
	CHECK_FRAME(proxy_frame_encode(PROXY_HTTP_RSP, seq, b, n + 4, out, cap, &len));
	return len;
}

TEST(proxy_frame, encode_decode_and_checks)
{
	uint8_t f[128];
	struct proxy_frame_hdr h;
	const uint8_t *body;
	uint32_t len;

	ASSERT_EQ(
	    proxy_frame_encode(PROXY_HTTP_REQ, 7, (const uint8_t *)"abc", 3, f, sizeof(f), &len),
	    SVSM_OK);
	ASSERT_EQ(len, 27);
	EXPECT_MEMEQ(f, "SVPX", 4);
	ASSERT_EQ(proxy_frame_decode(f, len, &h, &body), SVSM_OK);
	EXPECT_EQ(h.type, PROXY_HTTP_REQ);
	EXPECT_EQ(h.seq, 7);
	EXPECT_EQ(h.len, 3);
	EXPECT_MEMEQ(body, "abc", 3);
	EXPECT_EQ(proxy_frame_decode(f, len - 1, &h, &body), SVSM_E_FORMAT);
	for (uint32_t i = 0; i < len; i++) {
		f[i] ^= 0x10;
		if (proxy_frame_decode(f, len, &h, &body) == SVSM_OK) {
			unit_fail(__FILE__, __LINE__, "flipped byte %u accepted", i);
		}
		f[i] ^= 0x10;
	}
	/* A length beyond the bound is refused from the header alone (CRC made valid). */
	f[12] = 0xff, f[13] = 0xff, f[14] = 0xff, f[15] = 0;
	{
		uint32_t c = crc32_update(0, f, 16);

		f[16] = (uint8_t)c, f[17] = (uint8_t)(c >> 8), f[18] = (uint8_t)(c >> 16),
		f[19] = (uint8_t)(c >> 24);
	}
	EXPECT_EQ(proxy_frame_header(f, &h), SVSM_E_FORMAT);
	EXPECT_EQ(proxy_frame_encode(1, 1, f, PROXY_FRAME_MAX_BODY + 1, f, sizeof(f), &len),
		  SVSM_E_INVALID_PARAM);
}

TEST(proxy_frame, http_bodies)
{
	uint8_t b[64];
	uint32_t len, status, plen;
	const uint8_t *p;

	ASSERT_EQ(proxy_http_req_encode(PROXY_POST, "/kbs/v0/auth", (const uint8_t *)"{}", 2, b,
					sizeof(b), &len),
		  SVSM_OK);
	EXPECT_EQ(len, 4 + 12 + 2);
	EXPECT_EQ(b[0], PROXY_POST);
	EXPECT_EQ(b[2], 12);
	EXPECT_EQ(proxy_http_req_encode(PROXY_GET, "no-slash", NULL, 0, b, sizeof(b), &len),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(proxy_http_req_encode(PROXY_GET, "/a b", NULL, 0, b, sizeof(b), &len),
		  SVSM_E_INVALID_PARAM);
	memcpy(b, "\x91\x01\0\0{}", 6);
	ASSERT_EQ(proxy_http_rsp_decode(b, 6, &status, &p, &plen), SVSM_OK);
	EXPECT_EQ(status, 401);
	EXPECT_EQ(plen, 2);
	b[0] = 0x10, b[1] = 0x27; /* 10000 */
	EXPECT_EQ(proxy_http_rsp_decode(b, 6, &status, &p, &plen), SVSM_E_FORMAT);
	EXPECT_EQ(proxy_http_rsp_decode(b, 3, &status, &p, &plen), SVSM_E_FORMAT);
}

TEST(proxy_link, garbage_and_stale_frames_are_skipped)
{
	static uint8_t stream[1024];
	struct script s = {0};
	uint8_t rsp[64];
	uint32_t n = 0, status, rlen;

	memcpy(stream, "noise SVPX garbage", 18);
	n = 18;
	n += rsp_frame(stream + n, sizeof(stream) - n, 99, 200, "stale"); /* another seq */
	n += rsp_frame(stream + n, sizeof(stream) - n, 1, 200, "{\"ok\":1}");
	s.answers[0] = stream;
	s.lens[0] = n;
	link_setup(&s);
	ASSERT_EQ(proxy_link_http(&link_, "POST", "/kbs/v0/auth", (const uint8_t *)"{}", 2, &status,
				  rsp, sizeof(rsp), &rlen),
		  SVSM_OK);
	EXPECT_EQ(status, 200);
	EXPECT_EQ(rlen, 8);
	EXPECT_MEMEQ(rsp, "{\"ok\":1}", 8);
	EXPECT_EQ(s.sends, 1);
}

TEST(proxy_link, silence_truncation_and_garble_time_out_after_bounded_retries)
{
	static uint8_t good[256], trunc[256], garbled[256];
	struct script s = {0};
	uint8_t rsp[64];
	uint32_t status, rlen, gl, tl;

	/* Attempt 1: silence. Attempt 2: a truncated frame. Attempt 3: a CRC error. */
	tl = rsp_frame(trunc, sizeof(trunc), 1, 200, "{}") - 3;
	gl = rsp_frame(garbled, sizeof(garbled), 1, 200, "{}");
	garbled[gl - 6] ^= 1;
	s.answers[1] = trunc;
	s.lens[1] = tl;
	s.answers[2] = garbled;
	s.lens[2] = gl;
	link_setup(&s);
	EXPECT_EQ(proxy_link_http(&link_, "GET", "/kbs/v0/resource/a/b/c", NULL, 0, &status, rsp,
				  sizeof(rsp), &rlen),
		  SVSM_E_IO);
	EXPECT_EQ(s.sends, 3);
	EXPECT_TRUE(link_.last_error != NULL);

	/* The retry that finally gets an answer succeeds. */
	memset(&s, 0, sizeof(s));
	s.answers[1] = good;
	s.lens[1] = rsp_frame(good, sizeof(good), 1, 200, "{}");
	link_setup(&s);
	EXPECT_EQ(proxy_link_http(&link_, "GET", "/kbs/v0/resource/a/b/c", NULL, 0, &status, rsp,
				  sizeof(rsp), &rlen),
		  SVSM_OK);
	EXPECT_EQ(s.sends, 2);
}

TEST(proxy_link, oversized_answer_and_proxy_error)
{
	static uint8_t big[512], err[64];
	struct script s = {0};
	uint8_t rsp[8];
	uint32_t status, rlen, el;

	s.answers[0] = big;
	s.lens[0] = rsp_frame(big, sizeof(big), 1, 200, "{\"a\":\"0123456789\"}");
	link_setup(&s);
	EXPECT_EQ(proxy_link_http(&link_, "GET", "/x", NULL, 0, &status, rsp, sizeof(rsp), &rlen),
		  SVSM_E_NOMEM);
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(proxy_frame_encode(PROXY_ERROR, 1, (const uint8_t *)"\x01\0\0\0down", 8, err,
				     sizeof(err), &el),
		  SVSM_OK);
	s.answers[0] = err;
	s.lens[0] = el;
	link_setup(&s);
	EXPECT_EQ(proxy_link_http(&link_, "GET", "/x", NULL, 0, &status, rsp, sizeof(rsp), &rlen),
		  SVSM_E_IO);
	EXPECT_EQ(proxy_link_http(&link_, "PUT", "/x", NULL, 0, &status, rsp, sizeof(rsp), &rlen),
		  SVSM_E_INVALID_PARAM);
}

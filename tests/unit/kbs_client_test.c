/*
 * Unit tests of lib/kbs_client.c, lib/json.c, lib/base64.c: the RCAR exchange against an
 * in-process fake KBS whose JWEs are made here with OpenSSL (independently of the
 * client's decryption code), every reply fault the client must name, JWEs made by
 * python3-jwcrypto (data/kbs_jwe_vectors.h), and the JCS/SHA-384 binding vectors.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>

#include "lib/base64.h"
#include "lib/json.h"
#include "lib/kbs_client.h"
#include "tests/unit/data/kbs_jwe_vectors.h"
#include "tests/unit/harness.h"
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

enum fake_fault {
	F_NONE,
	F_AUTH_401,
	F_AUTH_MALFORMED,
	F_AUTH_BAD_NONCE,
	F_ATTEST_401,
	F_RESOURCE_401,
	F_RESOURCE_500,
	F_WRONG_ALG,
	F_WRONG_ENC,
	F_BAD_TAG,
	F_TAMPERED_PROTECTED,
	F_WRONG_CURVE,
	F_OFF_CURVE,
	F_REPLAY_OTHER_KEY,
	F_SHORT_SECRET,
	F_TRUNCATED,
	F_OVERSIZED,
	F_TRANSPORT,
	F_NOT_JSON,
};

struct fake_kbs {
	enum fake_fault fault;
	char nonce[64];
	uint8_t cx[32], cy[32]; /* the client's tee-pubkey */
	bool attested;
	bool binding_ok;
	uint64_t generation_seen;
	uint8_t secret[32];
	unsigned calls;
};

/* A test-setup step that cannot fail unless the test itself is broken. */
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: setup failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#define CHECK_OK(e) CHECK((e) == SVSM_OK)

static void hexdec(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void b64u(const uint8_t *in, uint32_t len, char *out, uint32_t cap)
{
	CHECK_OK(base64_encode(in, len, true, out, cap));
}

/* ---- the fake KBS's JWE encryption (OpenSSL, RFC 7518 4.6 + RFC 3394 + GCM) ---------- */

static EVP_PKEY *pub_from(const uint8_t x[32], const uint8_t y[32])
{
	uint8_t pub[65];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;

	pub[0] = 4;
	memcpy(pub + 1, x, 32);
	memcpy(pub + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		k = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static void kdf(const uint8_t z[32], uint8_t kek[32])
{
	uint8_t in[4 + 32 + 4 + 14 + 4 + 4 + 4] = {0, 0, 0, 1};
	unsigned int len;

	memcpy(in + 4, z, 32);
	memcpy(in + 36,
	       "\0\0\0\x0e"
	       "ECDH-ES+A256KW",
	       18);
	memcpy(in + 54, "\0\0\0\0\0\0\0\0\0\0\x01\x00", 12);
	EVP_Digest(in, sizeof(in), kek, &len, EVP_sha256(), NULL);
}

static void make_jwe(struct fake_kbs *f, char *out, uint32_t cap)
{
	EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *peer = pub_from(f->cx, f->cy);
	EVP_PKEY_CTX *dctx = EVP_PKEY_CTX_new_from_pkey(NULL, eph, NULL);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t epub[65], z[32], kek[32], cek[32], wrapped[40], iv[12], ct[64], tag[16];
	char ex[48], ey[48], hdr[400], prot[600], wk[64], ivs[32], cts[96], tags[32];
	size_t zlen = 32, elen = 0;
	uint32_t secret_len = f->fault == F_SHORT_SECRET ? 31 : 32;
	int n = 0;

	if (f->fault == F_REPLAY_OTHER_KEY) {
		/* A reply made for another session's key. */
		EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

		EVP_PKEY_free(peer);
		peer = other;
	}
	EVP_PKEY_get_octet_string_param(eph, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, epub, 65, &elen);
	EVP_PKEY_derive_init(dctx);
	EVP_PKEY_derive_set_peer(dctx, peer);
	EVP_PKEY_derive(dctx, z, &zlen);
	kdf(z, kek);
	RAND_bytes(cek, 32);
	RAND_bytes(iv, 12);
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	EVP_EncryptInit_ex(c, EVP_aes_256_wrap(), NULL, kek, NULL);
	EVP_EncryptUpdate(c, wrapped, &n, cek, 32);
	EVP_EncryptFinal_ex(c, wrapped + n, &n);
	if (f->fault == F_OFF_CURVE) {
		epub[64] ^= 1;
	}
	b64u(epub + 1, 32, ex, sizeof(ex));
	b64u(epub + 33, 32, ey, sizeof(ey));
	snprintf(hdr, sizeof(hdr),
		 "{\"alg\":\"%s\",\"enc\":\"%s\",\"epk\":{\"crv\":\"%s\",\"kty\":\"EC\",\"x\":\"%"
		 "s\",\"y\":\"%s\"}}",
		 f->fault == F_WRONG_ALG ? "ECDH-ES+A128KW" : "ECDH-ES+A256KW",
		 f->fault == F_WRONG_ENC ? "A128GCM" : "A256GCM",
		 f->fault == F_WRONG_CURVE ? "P-384" : "P-256", ex, ey);
	b64u((const uint8_t *)hdr, (uint32_t)strlen(hdr), prot, sizeof(prot));
	EVP_CIPHER_CTX_reset(c);
	EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, cek, iv);
	EVP_EncryptUpdate(c, NULL, &n, (const uint8_t *)prot, (int)strlen(prot));
	EVP_EncryptUpdate(c, ct, &n, f->secret, (int)secret_len);
	EVP_EncryptFinal_ex(c, ct + n, &n);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
	if (f->fault == F_BAD_TAG) {
		tag[5] ^= 0x40;
	}
	if (f->fault == F_TAMPERED_PROTECTED) {
		/* Same header, re-encoded with a space: decodes fine, but the AAD differs. */
		char hdr2[420];

		snprintf(hdr2, sizeof(hdr2), "{ %s", hdr + 1);
		b64u((const uint8_t *)hdr2, (uint32_t)strlen(hdr2), prot, sizeof(prot));
	}
	b64u(wrapped, 40, wk, sizeof(wk));
	b64u(iv, 12, ivs, sizeof(ivs));
	b64u(ct, secret_len, cts, sizeof(cts));
	b64u(tag, 16, tags, sizeof(tags));
	snprintf(out, cap,
		 "{\"protected\":\"%s\",\"encrypted_key\":\"%s\",\"iv\":\"%s\",\"ciphertext\":\"%"
		 "s\",\"tag\":\"%s\"}",
		 prot, wk, ivs, cts, tags);
	EVP_CIPHER_CTX_free(c);
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(peer);
}

/* ---- the fake KBS's endpoints -------------------------------------------------------- */

static void reply(const char *s, uint8_t *rsp, uint32_t cap, uint32_t *rsp_len)
{
	size_t n = strlen(s);

	CHECK(n <= cap);
	memcpy(rsp, s, n);
	*rsp_len = (uint32_t)n;
}

/* Check the attest body's binding independently: hash the canonical string built here. */
static void check_attest(struct fake_kbs *f, const char *body, uint32_t len)
{
	struct json_tok toks[64];
	struct json_doc doc;
	char x[64], y[64], ev[512], rd64[128], canon[2048], esc[600];
	uint8_t rd[64], want[64] = {0};
	uint32_t rt, pk, te, pe, n, pos = 0;
	unsigned int dl;
	const char *g;

	ASSERT_EQ(json_parse(&doc, body, len, toks, 64), SVSM_OK);
	rt = json_get(&doc, 0, "runtime-data");
	pk = json_get(&doc, rt, "tee-pubkey");
	te = json_get(&doc, 0, "tee-evidence");
	pe = json_get(&doc, te, "primary_evidence");
	ASSERT_TRUE(json_str_eq(&doc, json_get(&doc, rt, "nonce"), f->nonce));
	ASSERT_EQ(json_get_str(&doc, json_get(&doc, pk, "x"), x, sizeof(x), &n), SVSM_OK);
	ASSERT_EQ(json_get_str(&doc, json_get(&doc, pk, "y"), y, sizeof(y), &n), SVSM_OK);
	ASSERT_EQ(json_get_str(&doc, json_get(&doc, te, "additional_evidence"), ev, sizeof(ev), &n),
		  SVSM_OK);
	ASSERT_EQ(json_get_str(&doc, json_get(&doc, pe, "report_data"), rd64, sizeof(rd64), &n),
		  SVSM_OK);
	ASSERT_EQ(base64_decode(rd64, n, false, rd, sizeof(rd), &n), SVSM_OK);
	ASSERT_EQ(n, 64);
	ASSERT_EQ(json_escape(ev, (uint32_t)strlen(ev), esc, sizeof(esc), &pos), SVSM_OK);
	snprintf(canon, sizeof(canon),
		 "{\"additional-evidence\":%s,\"nonce\":\"%s\",\"tee-pubkey\":{\"alg\":\"ECDH-ES+"
		 "A256KW\","
		 "\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}}",
		 esc, f->nonce, x, y);
	EVP_Digest(canon, strlen(canon), want, &dl, EVP_sha384(), NULL);
	f->binding_ok = memcmp(rd, want, 64) == 0;
	g = strstr(ev, "\"svn\":\"");
	f->generation_seen = g != NULL ? strtoull(g + 7, NULL, 10) : UINT64_MAX;
	ASSERT_EQ(base64_decode(x, (uint32_t)strlen(x), true, f->cx, 32, &n), SVSM_OK);
	ASSERT_EQ(base64_decode(y, (uint32_t)strlen(y), true, f->cy, 32, &n), SVSM_OK);
	f->attested = true;
}

static enum svsm_err fake_http(void *ctx, const char *method, const char *path, const uint8_t *body,
			       uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			       uint32_t *rsp_len)
{
	struct fake_kbs *f = ctx;
	static char jwe[4096];

	f->calls++;
	*status = 200;
	if (f->fault == F_TRANSPORT) {
		return SVSM_E_IO;
	}
	if (strcmp(path, "/kbs/v0/auth") == 0) {
		uint8_t raw[32];

		CHECK(strcmp(method, "POST") == 0);
		CHECK(memmem(body, len, "\"version\":\"0.4.0\"", 17) != NULL);
		CHECK(memmem(body, len, "\"tee\":\"sample\"", 14) != NULL);
		RAND_bytes(raw, 32);
		CHECK_OK(base64_encode(raw, 32, false, f->nonce, sizeof(f->nonce)));
		if (f->fault == F_AUTH_401) {
			*status = 401;
			reply("{\"type\":\"Unauthorized\"}", rsp, cap, rsp_len);
		} else if (f->fault == F_AUTH_MALFORMED) {
			reply("{\"nonce\":\"abc\",}", rsp, cap, rsp_len);
		} else if (f->fault == F_AUTH_BAD_NONCE) {
			reply("{\"nonce\":\"c2hvcnQ=\",\"extra-params\":\"\"}", rsp, cap, rsp_len);
		} else {
			char r[128];

			snprintf(r, sizeof(r), "{\"nonce\":\"%s\",\"extra-params\":\"\"}",
				 f->nonce);
			reply(r, rsp, cap, rsp_len);
		}
		return SVSM_OK;
	}
	if (strcmp(path, "/kbs/v0/attest") == 0) {
		check_attest(f, (const char *)body, len);
		if (f->fault == F_ATTEST_401) {
			*status = 401;
			reply("{}", rsp, cap, rsp_len);
		} else {
			reply("{\"token\":\"eyJhbGciOiJub25lIn0.e30.\"}", rsp, cap, rsp_len);
		}
		return SVSM_OK;
	}
	CHECK(strcmp(method, "GET") == 0 && f->attested);
	if (f->fault == F_RESOURCE_401 || f->fault == F_RESOURCE_500) {
		*status = f->fault == F_RESOURCE_401 ? 401 : 500;
		reply("{\"type\":\"x\"}", rsp, cap, rsp_len);
		return SVSM_OK;
	}
	if (f->fault == F_OVERSIZED) {
		return SVSM_E_NOMEM; /* the transport's answer to a reply larger than cap */
	}
	if (f->fault == F_NOT_JSON) {
		reply("<html>oops</html>", rsp, cap, rsp_len);
		return SVSM_OK;
	}
	make_jwe(f, jwe, sizeof(jwe));
	if (f->fault == F_TRUNCATED) {
		jwe[strlen(jwe) / 2] = '\0';
	}
	reply(jwe, rsp, cap, rsp_len);
	return SVSM_OK;
}

static enum kbs_status run(enum fake_fault fault, uint8_t secret[64], struct fake_kbs *f)
{
	struct kbs_client_config cfg = {
	    .tee = "sample",
	    .evidence = kbs_sample_evidence,
	    .resource_path = "/kbs/v0/resource/default/svsm/state-key",
	    .generation = 42,
	    .secret_size = 32,
	};
	struct kbs_transport t = {.ctx = f, .http = fake_http};
	uint32_t st = 0;

	memset(f, 0, sizeof(*f));
	f->fault = fault;
	for (int i = 0; i < 32; i++) {
		f->secret[i] = (uint8_t)(0xa0 + i);
	}
	return kbs_client_fetch(&cfg, &t, secret, 64, &st);
}

TEST(kbs_client, happy_path_yields_secret_and_binds_generation)
{
	struct fake_kbs f;
	uint8_t secret[64];

	ASSERT_EQ(run(F_NONE, secret, &f), KBS_OK);
	EXPECT_MEMEQ(secret, f.secret, 32);
	EXPECT_TRUE(f.binding_ok);
	EXPECT_EQ(f.generation_seen, 42);
	EXPECT_EQ(f.calls, 3);
}

TEST(kbs_client, every_fault_has_its_error)
{
	static const struct {
		enum fake_fault fault;
		enum kbs_status want;
	} cases[] = {
	    {F_AUTH_401, KBS_ERR_REFUSED},
	    {F_AUTH_MALFORMED, KBS_ERR_MALFORMED},
	    {F_AUTH_BAD_NONCE, KBS_ERR_NONCE},
	    {F_ATTEST_401, KBS_ERR_REFUSED},
	    {F_RESOURCE_401, KBS_ERR_REFUSED},
	    {F_RESOURCE_500, KBS_ERR_HTTP},
	    {F_WRONG_ALG, KBS_ERR_JWE_ALG},
	    {F_WRONG_ENC, KBS_ERR_JWE_ENC},
	    {F_BAD_TAG, KBS_ERR_JWE_TAG},
	    {F_TAMPERED_PROTECTED, KBS_ERR_JWE_TAG},
	    {F_WRONG_CURVE, KBS_ERR_JWE_EPK},
	    {F_OFF_CURVE, KBS_ERR_JWE_EPK},
	    {F_REPLAY_OTHER_KEY, KBS_ERR_JWE_UNWRAP},
	    {F_SHORT_SECRET, KBS_ERR_SECRET_SIZE},
	    {F_TRUNCATED, KBS_ERR_MALFORMED},
	    {F_OVERSIZED, KBS_ERR_TOO_LARGE},
	    {F_TRANSPORT, KBS_ERR_TRANSPORT},
	    {F_NOT_JSON, KBS_ERR_MALFORMED},
	};
	static const uint8_t zero[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_kbs f;
		uint8_t secret[64];
		enum kbs_status st = run(cases[i].fault, secret, &f);

		if (st != cases[i].want) {
			unit_fail(__FILE__, __LINE__, "fault %d: got %s, want %s", cases[i].fault,
				  kbs_status_str(st), kbs_status_str(cases[i].want));
		}
		EXPECT_MEMEQ(secret, zero, 64);
		EXPECT_STREQ(kbs_status_str(KBS_ERR_REFUSED), "KBS refused (401)");
	}
}

TEST(kbs_client, config_is_checked)
{
	struct fake_kbs f = {0};
	struct kbs_transport t = {.ctx = &f, .http = fake_http};
	struct kbs_client_config cfg = {
	    .tee = "sample",
	    .evidence = kbs_sample_evidence,
	    .secret_size = 32,
	    .resource_path = "/kbs/v0/resource/default/../key",
	};
	uint8_t secret[32];

	EXPECT_EQ(kbs_client_fetch(&cfg, &t, secret, 32, NULL), KBS_ERR_CONFIG);
	cfg.resource_path = "/kbs/v0/resource/a/b";
	EXPECT_EQ(kbs_client_fetch(&cfg, &t, secret, 32, NULL), KBS_ERR_CONFIG);
	cfg.resource_path = "/kbs/v0/resource/a/b/c";
	EXPECT_EQ(kbs_client_fetch(&cfg, &t, secret, 16, NULL), KBS_ERR_CONFIG);
	EXPECT_EQ(f.calls, 0);
}

TEST(kbs_client, jwcrypto_vectors)
{
	uint8_t d[32], want[32], out[64];
	uint32_t n = 0;

	hexdec(kbs_vec_d_hex, d, 32);
	hexdec(kbs_vec_secret_hex, want, 32);
	ASSERT_EQ(
	    kbs_jwe_decrypt(d, kbs_vec_jwe, (uint32_t)strlen(kbs_vec_jwe), out, sizeof(out), &n),
	    KBS_OK);
	EXPECT_EQ(n, 32);
	EXPECT_MEMEQ(out, want, 32);
	EXPECT_EQ(kbs_jwe_decrypt(d, kbs_vec_jwe_a128kw, (uint32_t)strlen(kbs_vec_jwe_a128kw), out,
				  sizeof(out), &n),
		  KBS_ERR_JWE_ALG);
	d[31] ^= 1; /* another key: the unwrap must fail */
	EXPECT_EQ(
	    kbs_jwe_decrypt(d, kbs_vec_jwe, (uint32_t)strlen(kbs_vec_jwe), out, sizeof(out), &n),
	    KBS_ERR_JWE_UNWRAP);
}

TEST(kbs_client, binding_digest_trustee_vector)
{
	static const char in[] = "{\"b\": 1, \"a\": \"test\", \"c\": {\"d\": \"e\"}}";
	uint8_t out[64], want[48];

	hexdec("e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
	       "4597480a186427c813ca941da78870c3",
	       want, 48);
	ASSERT_EQ(kbs_binding_digest(in, sizeof(in) - 1, out), SVSM_OK);
	EXPECT_MEMEQ(out, want, 48);
	for (int i = 48; i < 64; i++) {
		EXPECT_EQ(out[i], 0);
	}
}

static void canon_is(const char *in, const char *want)
{
	struct json_tok toks[64];
	struct json_doc doc;
	char out[512];
	uint32_t n;

	if (json_parse(&doc, in, (uint32_t)strlen(in), toks, 64) != SVSM_OK ||
	    json_canon(&doc, 0, out, sizeof(out), &n) != SVSM_OK) {
		unit_fail(__FILE__, __LINE__, "canon of %s failed", in);
		return;
	}
	EXPECT_STREQ(out, want);
}

TEST(json, canonical_form)
{
	canon_is("{\"b\": 1, \"a\": \"test\", \"c\": {\"d\": \"e\"}}",
		 "{\"a\":\"test\",\"b\":1,\"c\":{\"d\":\"e\"}}");
	canon_is(" [ -0 , true,false, null, \"\\u0041\\n\\/\" ] ", "[0,true,false,null,\"A\\n/\"]");
	canon_is("{\"\\u00e9\":1,\"z\":2,\"\\ud83d\\ude00\":3,\"\\uffff\":4}",
		 "{\"z\":2,\"\xc3\xa9\":1,\"\xf0\x9f\x98\x80\":3,\"\xef\xbf\xbf\":4}");
	canon_is("\"\\u001f\\\"\"", "\"\\u001f\\\"\"");
}

TEST(json, strict_parser_rejects)
{
	static const char *const bad[] = {
	    "",
	    "{",
	    "{\"a\":1,}",
	    "[1,]",
	    "{\"a\":1}x",
	    "{\"a\" 1}",
	    "01",
	    "1.",
	    "-",
	    "1e",
	    "\"\x01\"",
	    "\"\\x\"",
	    "\"\\ud800\"",
	    "\"\\udc00\"",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "{\"a\":1,\"a\":2}",
	    "{\"a\":1,\"\\u0061\":2}",
	    "tru",
	    "nul",
	    "[[[[[[[[[1]]]]]]]]]",
	    "'a'",
	    "{a:1}",
	    "\"abc",
	};
	struct json_tok toks[64];
	struct json_doc doc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (json_parse(&doc, bad[i], (uint32_t)strlen(bad[i]), toks, 64) == SVSM_OK) {
			unit_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
		}
	}
	/* Bounded tokens. */
	EXPECT_EQ(json_parse(&doc, "[1,2,3,4]", 9, toks, 4), SVSM_E_NOMEM);
	EXPECT_EQ(json_parse(&doc, "[[[[[[[[1]]]]]]]]", 17, toks, 64), SVSM_OK);
}

TEST(base64, strict_round_trips)
{
	uint8_t raw[5] = {0xfb, 0xff, 0x01, 0x02, 0x03}, out[8];
	char s[16];
	uint32_t n;

	ASSERT_EQ(base64_encode(raw, 5, false, s, sizeof(s)), SVSM_OK);
	EXPECT_STREQ(s, "+/8BAgM=");
	ASSERT_EQ(base64_encode(raw, 5, true, s, sizeof(s)), SVSM_OK);
	EXPECT_STREQ(s, "-_8BAgM");
	ASSERT_EQ(base64_decode("-_8BAgM", 7, true, out, sizeof(out), &n), SVSM_OK);
	EXPECT_EQ(n, 5);
	EXPECT_MEMEQ(out, raw, 5);
	EXPECT_EQ(base64_decode("+/8BAgM", 7, false, out, sizeof(out), &n), SVSM_E_FORMAT);
	EXPECT_EQ(base64_decode("-_8BAgN", 7, true, out, sizeof(out), &n), SVSM_E_FORMAT);
	EXPECT_EQ(base64_decode("+/8BAgM=", 8, true, out, sizeof(out), &n), SVSM_E_FORMAT);
	EXPECT_EQ(base64_decode("AAAA", 4, false, out, 2, &n), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(base64_decode("A", 1, true, out, 8, &n), SVSM_E_FORMAT);
}

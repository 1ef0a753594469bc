/*
 * Trustee KBS client (kbs_client.h): the RCAR exchange, the key binding and the JWE
 * decryption. Each fetch owns one heap session (cleared and freed before returning) that
 * holds the ephemeral key, the nonce and the message buffers. No global state.
 */
#include "lib/kbs_client.h"

#include <stdbool.h>

#include "lib/base64.h"
#include "lib/json.h"
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

#define KBS_VERSION "0.4.0"
#define KBS_ALG "ECDH-ES+A256KW"
#define KBS_ENC "A256GCM"
#define KBS_NONCE_BYTES 32
#define KBS_BODY_MAX (KBS_EVIDENCE_MAX + 4096)
#define KBS_RSP_MAX 16384
#define KBS_TOKS 96
#define JWE_HDR_MAX 1024
#define JWE_APU_MAX 64
#define JWE_WRAPPED_LEN 40
#define JWE_IV_LEN 12
#define JWE_TAG_LEN 16
#define P256_COORD 32
#define RESOURCE_PREFIX "/kbs/v0/resource/"

struct kbs_session {
	EVP_PKEY *key;
	char nonce[64];
	char pubkey[256]; /* tee-pubkey, canonical JSON */
	char add_ev[256]; /* additional-evidence string (not yet JSON-escaped) */
	char evidence[KBS_EVIDENCE_MAX];
	char body[KBS_BODY_MAX];
	char rsp[KBS_RSP_MAX + 1];
	char canon[KBS_BODY_MAX];
	struct json_tok toks[KBS_TOKS];
};

/* ---- small helpers -------------------------------------------------------------------- */

struct sbuf {
	char *p;
	uint32_t cap;
	uint32_t len;
	bool bad;
};

static void sb_put(struct sbuf *b, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);

	if (b->bad || b->cap - b->len <= n) {
		b->bad = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	if (!b->bad && json_escape(s, (uint32_t)strlen(s), b->p, b->cap, &b->len) != SVSM_OK) {
		b->bad = true;
	}
}

static void sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[21];
	int i = 20;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_put(b, &tmp[i]);
}

const char *kbs_status_str(enum kbs_status s)
{
	static const char *const names[KBS_STATUS_COUNT] = {
	    [KBS_OK] = "ok",
	    [KBS_ERR_CONFIG] = "bad client configuration",
	    [KBS_ERR_TRANSPORT] = "proxy unreachable/timeout",
	    [KBS_ERR_REFUSED] = "KBS refused (401)",
	    [KBS_ERR_HTTP] = "KBS error (unexpected HTTP status)",
	    [KBS_ERR_TOO_LARGE] = "reply too large",
	    [KBS_ERR_MALFORMED] = "malformed reply",
	    [KBS_ERR_NONCE] = "malformed nonce",
	    [KBS_ERR_EVIDENCE] = "evidence unavailable",
	    [KBS_ERR_JWE_FORMAT] = "malformed JWE",
	    [KBS_ERR_JWE_ALG] = "JWE alg not ECDH-ES+A256KW",
	    [KBS_ERR_JWE_ENC] = "JWE enc not A256GCM",
	    [KBS_ERR_JWE_EPK] = "JWE epk not a P-256 point",
	    [KBS_ERR_JWE_UNWRAP] = "JWE key unwrap failed (not for this session's key)",
	    [KBS_ERR_JWE_TAG] = "JWE tag mismatch",
	    [KBS_ERR_SECRET_SIZE] = "secret has the wrong size",
	    [KBS_ERR_CRYPTO] = "local crypto failure",
	    [KBS_ERR_NOMEM] = "out of memory",
	};

	if ((unsigned)s >= KBS_STATUS_COUNT) {
		return "unknown";
	}
	return names[s];
}

enum svsm_err kbs_binding_digest(const char *json, uint32_t len, uint8_t out[KBS_REPORT_DATA_SIZE])
{
	struct json_tok toks[32];
	struct json_doc doc;
	static const uint32_t canon_cap = 4096;
	char *canon = OPENSSL_zalloc(canon_cap);
	unsigned int dlen = 0;
	uint32_t clen;
	enum svsm_err err;

	if (canon == NULL) {
		return SVSM_E_NOMEM;
	}
	memset(out, 0, KBS_REPORT_DATA_SIZE);
	err = json_parse(&doc, json, len, toks, 32);
	if (err == SVSM_OK) {
		err = json_canon(&doc, 0, canon, canon_cap, &clen);
	}
	if (err == SVSM_OK &&
	    (EVP_Digest(canon, clen, out, &dlen, EVP_sha384(), NULL) != 1 || dlen != 48)) {
		err = SVSM_E_CRYPTO;
	}
	OPENSSL_clear_free(canon, canon_cap);
	return err;
}

enum svsm_err kbs_sample_evidence(void *ctx, const uint8_t report_data[KBS_REPORT_DATA_SIZE],
				  char *out, uint32_t cap, uint32_t *len)
{
	char b64[96];
	struct sbuf b = {.p = out, .cap = cap};

	*len = 0;
	if (cap == 0 ||
	    base64_encode(report_data, KBS_REPORT_DATA_SIZE, false, b64, sizeof(b64)) != SVSM_OK) {
		return SVSM_E_INVALID_PARAM;
	}
	out[0] = '\0';
	sb_put(&b, "{\"svn\":\"1\",\"report_data\":\"");
	sb_put(&b, b64);
	sb_put(&b, "\"}");
	if (b.bad) {
		return SVSM_E_INVALID_PARAM;
	}
	*len = b.len;
	return SVSM_OK;
}

/* ---- keys ------------------------------------------------------------------------------ */

/* An EC P-256 public key from 04||x||y; NULL unless the point is on the curve. */
static EVP_PKEY *p256_pub_key(const uint8_t x[P256_COORD], const uint8_t y[P256_COORD])
{
	uint8_t pub[1 + 2 * P256_COORD];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	EVP_PKEY *key = NULL;
	bool ok;

	pub[0] = 0x04;
	memcpy(pub + 1, x, P256_COORD);
	memcpy(pub + 1 + P256_COORD, y, P256_COORD);
	ok = bld != NULL &&
	     OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ==
		 1 &&
	     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)) == 1;
	if (ok) {
		params = OSSL_PARAM_BLD_to_param(bld);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		ok = params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
		     EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
	}
	/* The point must be on the curve (fromdata decodes it; check again explicitly). */
	if (ok) {
		check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
		ok = check != NULL && EVP_PKEY_public_check(check) == 1;
	}
	if (!ok) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

static bool p256_pub_coords(EVP_PKEY *key, uint8_t x[P256_COORD], uint8_t y[P256_COORD])
{
	uint8_t pub[1 + 2 * P256_COORD];
	size_t len = 0;

	if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub,
					    sizeof(pub), &len) != 1 ||
	    len != sizeof(pub) || pub[0] != 0x04) {
		return false;
	}
	memcpy(x, pub + 1, P256_COORD);
	memcpy(y, pub + 1 + P256_COORD, P256_COORD);
	return true;
}

/* ---- JWE ------------------------------------------------------------------------------- */

/* The raw text of string member @key of @obj (base64url needs no unescaping). */
static bool member_raw(const struct json_doc *doc, uint32_t obj, const char *key, const char **s,
		       uint32_t *len)
{
	uint32_t t = json_get(doc, obj, key);

	if (t == JSON_NONE || doc->toks[t].type != JSON_STRING) {
		return false;
	}
	*s = doc->text + doc->toks[t].start;
	*len = doc->toks[t].end - doc->toks[t].start;
	return true;
}

static bool member_b64(const struct json_doc *doc, uint32_t obj, const char *key, uint8_t *out,
		       uint32_t cap, uint32_t *len)
{
	const char *s;
	uint32_t n;

	return member_raw(doc, obj, key, &s, &n) &&
	       base64_decode(s, n, true, out, cap, len) == SVSM_OK;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 7518 section 4.6.2: Concat KDF with SHA-256, one round for a 256-bit key. */
static bool concat_kdf(const uint8_t *z, size_t zlen, const uint8_t *apu, uint32_t apu_len,
		       const uint8_t *apv, uint32_t apv_len, uint8_t kek[32])
{
	static const char alg[] = KBS_ALG;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t n[4];
	unsigned int len = 0;
	bool ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	be32(n, 1);
	ok = ok && EVP_DigestUpdate(md, n, 4) == 1 && EVP_DigestUpdate(md, z, zlen) == 1;
	be32(n, sizeof(alg) - 1);
	ok = ok && EVP_DigestUpdate(md, n, 4) == 1 &&
	     EVP_DigestUpdate(md, alg, sizeof(alg) - 1) == 1;
	be32(n, apu_len);
	ok = ok && EVP_DigestUpdate(md, n, 4) == 1 &&
	     (apu_len == 0 || EVP_DigestUpdate(md, apu, apu_len) == 1);
	be32(n, apv_len);
	ok = ok && EVP_DigestUpdate(md, n, 4) == 1 &&
	     (apv_len == 0 || EVP_DigestUpdate(md, apv, apv_len) == 1);
	be32(n, 256);
	ok = ok && EVP_DigestUpdate(md, n, 4) == 1 && EVP_DigestFinal_ex(md, kek, &len) == 1 &&
	     len == 32;
	EVP_MD_CTX_free(md);
	return ok;
}

static bool ecdh(EVP_PKEY *priv, EVP_PKEY *peer, uint8_t z[32])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
	size_t len = 32;
	bool ok;

	ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_derive_set_peer(ctx, peer) == 1 && EVP_PKEY_derive(ctx, z, &len) == 1 &&
	     len == 32;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static enum kbs_status aes_unwrap(const uint8_t kek[32], const uint8_t *wrapped, uint8_t cek[32])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0;
	enum kbs_status st = KBS_ERR_CRYPTO;

	if (ctx == NULL) {
		return KBS_ERR_NOMEM;
	}
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek, NULL) == 1) {
		/* RFC 3394's integrity check fails for a key wrapped under another KEK. */
		st = EVP_DecryptUpdate(ctx, cek, &len, wrapped, JWE_WRAPPED_LEN) == 1 &&
			     EVP_DecryptFinal_ex(ctx, cek + len, &fin) == 1 && len + fin == 32
			 ? KBS_OK
			 : KBS_ERR_JWE_UNWRAP;
	}
	EVP_CIPHER_CTX_free(ctx);
	return st;
}

static enum kbs_status gcm_decrypt(const uint8_t cek[32], const uint8_t *iv, const char *aad,
				   uint32_t aad_len, const uint8_t *ct, uint32_t ct_len,
				   const uint8_t *tag, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0;
	enum kbs_status st = KBS_ERR_CRYPTO;

	if (ctx == NULL) {
		return KBS_ERR_NOMEM;
	}
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, JWE_IV_LEN, NULL) == 1 &&
	    EVP_DecryptInit_ex(ctx, NULL, NULL, cek, iv) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const uint8_t *)aad, (int)aad_len) == 1 &&
	    (ct_len == 0 || EVP_DecryptUpdate(ctx, out, &len, ct, (int)ct_len) == 1) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, JWE_TAG_LEN, (void *)tag) == 1) {
		if (ct_len == 0) {
			len = 0;
		}
		st = EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1 ? KBS_OK : KBS_ERR_JWE_TAG;
	}
	EVP_CIPHER_CTX_free(ctx);
	return st;
}

/* The protected header: alg, enc, epk (and optional apu/apv) -> the peer key. */
static enum kbs_status jwe_header(const char *prot, uint32_t prot_len, EVP_PKEY **peer,
				  uint8_t *apu, uint32_t *apu_len, uint8_t *apv, uint32_t *apv_len)
{
	char hdr[JWE_HDR_MAX];
	struct json_tok toks[32];
	struct json_doc doc;
	uint8_t x[P256_COORD + 1], y[P256_COORD + 1];
	uint32_t hlen, epk, xl, yl;

	*apu_len = *apv_len = 0;
	if (base64_decode(prot, prot_len, true, (uint8_t *)hdr, sizeof(hdr), &hlen) != SVSM_OK ||
	    json_parse(&doc, hdr, hlen, toks, 32) != SVSM_OK || toks[0].type != JSON_OBJECT) {
		return KBS_ERR_JWE_FORMAT;
	}
	if (!json_str_eq(&doc, json_get(&doc, 0, "alg"), KBS_ALG)) {
		return KBS_ERR_JWE_ALG;
	}
	if (!json_str_eq(&doc, json_get(&doc, 0, "enc"), KBS_ENC)) {
		return KBS_ERR_JWE_ENC;
	}
	/* Compression or critical extensions we do not implement are refused. */
	if (json_get(&doc, 0, "zip") != JSON_NONE || json_get(&doc, 0, "crit") != JSON_NONE) {
		return KBS_ERR_JWE_FORMAT;
	}
	if ((json_get(&doc, 0, "apu") != JSON_NONE &&
	     !member_b64(&doc, 0, "apu", apu, JWE_APU_MAX, apu_len)) ||
	    (json_get(&doc, 0, "apv") != JSON_NONE &&
	     !member_b64(&doc, 0, "apv", apv, JWE_APU_MAX, apv_len))) {
		return KBS_ERR_JWE_FORMAT;
	}
	epk = json_get(&doc, 0, "epk");
	if (epk == JSON_NONE || toks[epk].type != JSON_OBJECT ||
	    !json_str_eq(&doc, json_get(&doc, epk, "kty"), "EC") ||
	    !json_str_eq(&doc, json_get(&doc, epk, "crv"), "P-256") ||
	    !member_b64(&doc, epk, "x", x, sizeof(x), &xl) || xl != P256_COORD ||
	    !member_b64(&doc, epk, "y", y, sizeof(y), &yl) || yl != P256_COORD) {
		return KBS_ERR_JWE_EPK;
	}
	*peer = p256_pub_key(x, y);
	return *peer != NULL ? KBS_OK : KBS_ERR_JWE_EPK;
}

static enum kbs_status jwe_decrypt(EVP_PKEY *priv, const char *jwe, uint32_t len, uint8_t *out,
				   uint32_t cap, uint32_t *out_len)
{
	struct json_tok toks[24];
	struct json_doc doc;
	const char *prot = NULL;
	uint32_t prot_len = 0, wl = 0, ivl = 0, tl = 0, ctl = 0, apu_len, apv_len;
	uint8_t wrapped[JWE_WRAPPED_LEN + 1], iv[JWE_IV_LEN + 1], tag[JWE_TAG_LEN + 1];
	uint8_t apu[JWE_APU_MAX], apv[JWE_APU_MAX], z[32], kek[32], cek[32];
	uint8_t *ct = NULL;
	EVP_PKEY *peer = NULL;
	enum kbs_status st;

	*out_len = 0;
	if (json_parse(&doc, jwe, len, toks, 24) != SVSM_OK || toks[0].type != JSON_OBJECT) {
		return KBS_ERR_MALFORMED;
	}
	/* A JWE AAD member would change what the tag covers: not part of Trustee's replies. */
	if (json_get(&doc, 0, "aad") != JSON_NONE ||
	    !member_raw(&doc, 0, "protected", &prot, &prot_len) ||
	    !member_b64(&doc, 0, "encrypted_key", wrapped, sizeof(wrapped), &wl) ||
	    wl != JWE_WRAPPED_LEN || !member_b64(&doc, 0, "iv", iv, sizeof(iv), &ivl) ||
	    ivl != JWE_IV_LEN || !member_b64(&doc, 0, "tag", tag, sizeof(tag), &tl) ||
	    tl != JWE_TAG_LEN) {
		return KBS_ERR_JWE_FORMAT;
	}
	st = jwe_header(prot, prot_len, &peer, apu, &apu_len, apv, &apv_len);
	if (st != KBS_OK) {
		return st;
	}
	ct = OPENSSL_zalloc(cap + 1);
	if (ct == NULL) {
		st = KBS_ERR_NOMEM;
		goto out;
	}
	{
		const char *s;
		uint32_t n;

		if (!member_raw(&doc, 0, "ciphertext", &s, &n)) {
			st = KBS_ERR_JWE_FORMAT;
			goto out;
		}
		if ((uint64_t)n * 3 / 4 > cap) {
			st = KBS_ERR_SECRET_SIZE;
			goto out;
		}
		if (base64_decode(s, n, true, ct, cap + 1, &ctl) != SVSM_OK) {
			st = KBS_ERR_JWE_FORMAT;
			goto out;
		}
	}
	if (!ecdh(priv, peer, z) || !concat_kdf(z, sizeof(z), apu, apu_len, apv, apv_len, kek)) {
		st = KBS_ERR_CRYPTO;
		goto out;
	}
	st = aes_unwrap(kek, wrapped, cek);
	if (st == KBS_OK) {
		st = gcm_decrypt(cek, iv, prot, prot_len, ct, ctl, tag, out);
	}
	if (st == KBS_OK) {
		*out_len = ctl;
	} else {
		OPENSSL_cleanse(out, cap);
	}
out:
	OPENSSL_cleanse(z, sizeof(z));
	OPENSSL_cleanse(kek, sizeof(kek));
	OPENSSL_cleanse(cek, sizeof(cek));
	OPENSSL_clear_free(ct, cap + 1);
	EVP_PKEY_free(peer);
	return st;
}

enum kbs_status kbs_jwe_decrypt(const uint8_t d[32], const char *jwe, uint32_t len, uint8_t *out,
				uint32_t cap, uint32_t *out_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	BIGNUM *scalar = BN_bin2bn(d, 32, NULL);
	EVP_PKEY *priv = NULL;
	enum kbs_status st = KBS_ERR_CRYPTO;

	*out_len = 0;
	/* ECDH needs only the private scalar. */
	if (bld != NULL && ctx != NULL && scalar != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ==
		1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, scalar) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &priv, EVP_PKEY_KEYPAIR, params) == 1) {
		st = jwe_decrypt(priv, jwe, len, out, cap, out_len);
	}
	EVP_PKEY_free(priv);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_clear_free(scalar);
	return st;
}

/* ---- the exchange ---------------------------------------------------------------------- */

static enum kbs_status http(struct kbs_session *s, const struct kbs_transport *t,
			    const char *method, const char *path, uint32_t body_len,
			    uint32_t *status, uint32_t *rsp_len)
{
	enum svsm_err err;

	*status = 0;
	err = t->http(t->ctx, method, path, (const uint8_t *)s->body, body_len, status,
		      (uint8_t *)s->rsp, KBS_RSP_MAX, rsp_len);
	if (err == SVSM_E_NOMEM) {
		return KBS_ERR_TOO_LARGE;
	}
	if (err != SVSM_OK) {
		return KBS_ERR_TRANSPORT;
	}
	if (*rsp_len > KBS_RSP_MAX) {
		return KBS_ERR_TOO_LARGE;
	}
	s->rsp[*rsp_len] = '\0';
	if (*status == 401) {
		return KBS_ERR_REFUSED;
	}
	return *status == 200 ? KBS_OK : KBS_ERR_HTTP;
}

/* Parse a reply body that must be a JSON object; its string member @key into @out. */
static enum kbs_status reply_member(struct kbs_session *s, uint32_t len, const char *key, char *out,
				    uint32_t cap)
{
	struct json_doc doc;
	uint32_t t, n;

	if (json_parse(&doc, s->rsp, len, s->toks, KBS_TOKS) != SVSM_OK ||
	    s->toks[0].type != JSON_OBJECT) {
		return KBS_ERR_MALFORMED;
	}
	t = json_get(&doc, 0, key);
	if (t == JSON_NONE || s->toks[t].type != JSON_STRING) {
		return KBS_ERR_MALFORMED;
	}
	if (out == NULL) {
		return KBS_OK;
	}
	return json_get_str(&doc, t, out, cap, &n) == SVSM_OK ? KBS_OK : KBS_ERR_MALFORMED;
}

static enum kbs_status make_key(struct kbs_session *s)
{
	uint8_t x[P256_COORD], y[P256_COORD];
	char xb[48], yb[48];
	struct sbuf b = {.p = s->pubkey, .cap = sizeof(s->pubkey)};

	s->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (s->key == NULL || !p256_pub_coords(s->key, x, y) ||
	    base64_encode(x, P256_COORD, true, xb, sizeof(xb)) != SVSM_OK ||
	    base64_encode(y, P256_COORD, true, yb, sizeof(yb)) != SVSM_OK) {
		return KBS_ERR_CRYPTO;
	}
	/* Canonical member order (alg, crv, kty, x, y): the same bytes go on the wire. */
	sb_put(&b, "{\"alg\":\"" KBS_ALG "\",\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"");
	sb_put(&b, xb);
	sb_put(&b, "\",\"y\":\"");
	sb_put(&b, yb);
	sb_put(&b, "\"}");
	return b.bad ? KBS_ERR_CRYPTO : KBS_OK;
}

static bool nonce_ok(const char *nonce)
{
	uint8_t raw[KBS_NONCE_BYTES + 3];
	uint32_t n;

	return base64_decode(nonce, (uint32_t)strlen(nonce), false, raw, sizeof(raw), &n) ==
		   SVSM_OK &&
	       n == KBS_NONCE_BYTES;
}

/*
 * The additional evidence carries the state generation as Trustee-parsable evidence: a
 * map from TEE type to evidence ({"sample":{...}}), whose report_data binds it to this
 * session's nonce and key. The string itself is covered by the primary binding.
 */
static enum kbs_status make_additional(struct kbs_session *s, uint64_t generation)
{
	uint8_t rd[KBS_REPORT_DATA_SIZE];
	char rd64[96];
	struct sbuf b = {.p = s->canon, .cap = sizeof(s->canon)};
	struct sbuf a = {.p = s->add_ev, .cap = sizeof(s->add_ev)};

	sb_put(&b, "{\"nonce\":\"");
	sb_put(&b, s->nonce);
	sb_put(&b, "\",\"tee-pubkey\":");
	sb_put(&b, s->pubkey);
	sb_put(&b, "}");
	if (b.bad || kbs_binding_digest(s->canon, b.len, rd) != SVSM_OK ||
	    base64_encode(rd, sizeof(rd), false, rd64, sizeof(rd64)) != SVSM_OK) {
		return KBS_ERR_CRYPTO;
	}
	sb_put(&a, "{\"sample\":{\"report_data\":\"");
	sb_put(&a, rd64);
	sb_put(&a, "\",\"svn\":\"");
	sb_u64(&a, generation);
	sb_put(&a, "\"}}");
	return a.bad ? KBS_ERR_CRYPTO : KBS_OK;
}

static enum kbs_status attest(struct kbs_session *s, const struct kbs_client_config *cfg,
			      const struct kbs_transport *t, uint32_t *status)
{
	uint8_t rd[KBS_REPORT_DATA_SIZE];
	struct sbuf b = {.p = s->canon, .cap = sizeof(s->canon)};
	uint32_t ev_len = 0, rsp_len;
	enum kbs_status st;

	/* REPORT_DATA = SHA-384(JCS({additional-evidence, nonce, tee-pubkey})) || zeros. */
	sb_put(&b, "{\"additional-evidence\":");
	sb_str(&b, s->add_ev);
	sb_put(&b, ",\"nonce\":\"");
	sb_put(&b, s->nonce);
	sb_put(&b, "\",\"tee-pubkey\":");
	sb_put(&b, s->pubkey);
	sb_put(&b, "}");
	if (b.bad || kbs_binding_digest(s->canon, b.len, rd) != SVSM_OK) {
		return KBS_ERR_CRYPTO;
	}
	if (cfg->evidence(cfg->evidence_ctx, rd, s->evidence, sizeof(s->evidence), &ev_len) !=
		SVSM_OK ||
	    ev_len == 0 || ev_len >= sizeof(s->evidence)) {
		return KBS_ERR_EVIDENCE;
	}
	s->evidence[ev_len] = '\0';
	b = (struct sbuf){.p = s->body, .cap = sizeof(s->body)};
	sb_put(&b, "{\"init-data\":null,\"runtime-data\":{\"nonce\":\"");
	sb_put(&b, s->nonce);
	sb_put(&b, "\",\"tee-pubkey\":");
	sb_put(&b, s->pubkey);
	sb_put(&b, "},\"tee-evidence\":{\"primary_evidence\":");
	sb_put(&b, s->evidence);
	sb_put(&b, ",\"additional_evidence\":");
	sb_str(&b, s->add_ev);
	sb_put(&b, "}}");
	if (b.bad) {
		return KBS_ERR_EVIDENCE;
	}
	st = http(s, t, "POST", "/kbs/v0/attest", b.len, status, &rsp_len);
	if (st != KBS_OK) {
		return st;
	}
	return reply_member(s, rsp_len, "token", NULL, 0);
}

static bool path_ok(const char *path)
{
	size_t n = strlen(RESOURCE_PREFIX), len = strlen(path);
	unsigned slashes = 0;

	if (len <= n || len > 200 || strncmp(path, RESOURCE_PREFIX, n) != 0) {
		return false;
	}
	for (size_t i = n; i < len; i++) {
		char c = path[i];

		if (c == '/') {
			if (path[i - 1] == '/' || i + 1 == len) {
				return false;
			}
			slashes++;
		} else if (c == '.' && path[i - 1] == '/') {
			return false; /* no "." or ".." segment, nothing hidden */
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
			return false;
		}
	}
	return slashes == 2;
}

enum kbs_status kbs_client_fetch(const struct kbs_client_config *cfg, const struct kbs_transport *t,
				 uint8_t *secret, uint32_t cap, uint32_t *http_status)
{
	struct kbs_session *s;
	struct sbuf b;
	uint32_t status = 0, rsp_len = 0, got = 0;
	enum kbs_status st;

	if (cap > 0) {
		OPENSSL_cleanse(secret, cap);
	}
	if (http_status != NULL) {
		*http_status = 0;
	}
	if (cfg == NULL || t == NULL || t->http == NULL || cfg->evidence == NULL ||
	    cfg->tee == NULL || cfg->resource_path == NULL || !path_ok(cfg->resource_path) ||
	    cfg->secret_size == 0 || cfg->secret_size > cap || strlen(cfg->tee) > 16) {
		return KBS_ERR_CONFIG;
	}
	s = OPENSSL_zalloc(sizeof(*s));
	if (s == NULL) {
		return KBS_ERR_NOMEM;
	}
	st = make_key(s);
	if (st != KBS_OK) {
		goto out;
	}
	/* Request -> Challenge. */
	b = (struct sbuf){.p = s->body, .cap = sizeof(s->body)};
	sb_put(&b, "{\"version\":\"" KBS_VERSION "\",\"tee\":");
	sb_str(&b, cfg->tee);
	sb_put(&b, ",\"extra-params\":\"\"}");
	if (b.bad) {
		st = KBS_ERR_CONFIG;
		goto out;
	}
	st = http(s, t, "POST", "/kbs/v0/auth", b.len, &status, &rsp_len);
	if (st == KBS_OK) {
		st = reply_member(s, rsp_len, "nonce", s->nonce, sizeof(s->nonce));
		if (st == KBS_ERR_MALFORMED &&
		    reply_member(s, rsp_len, "nonce", NULL, 0) == KBS_OK) {
			st = KBS_ERR_NONCE; /* a string, too long */
		}
	}
	if (st == KBS_OK && !nonce_ok(s->nonce)) {
		st = KBS_ERR_NONCE;
	}
	if (st == KBS_OK) {
		st = make_additional(s, cfg->generation);
	}
	/* Attestation -> token. */
	if (st == KBS_OK) {
		st = attest(s, cfg, t, &status);
	}
	/* Resource -> JWE. */
	if (st == KBS_OK) {
		st = http(s, t, "GET", cfg->resource_path, 0, &status, &rsp_len);
	}
	if (st == KBS_OK) {
		st = jwe_decrypt(s->key, s->rsp, rsp_len, secret, cap, &got);
	}
	if (st == KBS_OK && got != cfg->secret_size) {
		st = KBS_ERR_SECRET_SIZE;
	}
out:
	if (st != KBS_OK && cap > 0) {
		OPENSSL_cleanse(secret, cap);
	}
	if (http_status != NULL) {
		*http_status = status;
	}
	EVP_PKEY_free(s->key);
	OPENSSL_clear_free(s, sizeof(*s));
	return st;
}

/*
 * Owns the native platform's report signing key (report_key) and report ID, created
 * by report_native_init() at service start and read-only afterwards; single caller at
 * a time (the attestation handler), so no lock. Signatures use SNP's encoding: ECDSA
 * P-384 over SHA-384 of bytes 0..0x29F, r and s little-endian, zero-padded to 72 bytes.
 */
#include "kernel/platform/native/report_native.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

/* Report format version written into native reports (the v2 SNP layout). */
#define REPORT_NATIVE_VERSION 2u

static EVP_PKEY *report_key;
static uint8_t report_id[32];

enum svsm_err report_native_init(void)
{
	if (report_key != NULL) {
		return SVSM_OK;
	}
	if (RAND_bytes(report_id, sizeof(report_id)) != 1) {
		return SVSM_E_CRYPTO;
	}
	report_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	return report_key != NULL ? SVSM_OK : SVSM_E_CRYPTO;
}

void report_native_fini(void)
{
	EVP_PKEY_free(report_key);
	report_key = NULL;
}

enum svsm_err report_native_public_key(uint8_t out[REPORT_NATIVE_PUBKEY_SIZE])
{
	size_t len = 0;

	if (report_key == NULL) {
		return SVSM_E_INVALID_REQUEST;
	}
	if (EVP_PKEY_get_octet_string_param(report_key, OSSL_PKEY_PARAM_PUB_KEY, out,
					    REPORT_NATIVE_PUBKEY_SIZE, &len) != 1 ||
	    len != REPORT_NATIVE_PUBKEY_SIZE || out[0] != 0x04) {
		return SVSM_E_CRYPTO;
	}
	return SVSM_OK;
}

static enum svsm_err report_sign(struct snp_attestation_report *r)
{
	enum svsm_err err = SVSM_E_CRYPTO;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *sig = NULL;
	unsigned char der[128];
	const unsigned char *p = der;
	size_t der_len = sizeof(der);
	const BIGNUM *sr = NULL;
	const BIGNUM *ss = NULL;

	if (ctx == NULL) {
		return SVSM_E_NOMEM;
	}
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, report_key) != 1 ||
	    EVP_DigestSign(ctx, der, &der_len, (const unsigned char *)r,
			   SNP_REPORT_SIGNED_SIZE) != 1) {
		goto out;
	}
	sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (sig == NULL) {
		goto out;
	}
	ECDSA_SIG_get0(sig, &sr, &ss);
	if (BN_bn2lebinpad(sr, r->sig_r, sizeof(r->sig_r)) < 0 ||
	    BN_bn2lebinpad(ss, r->sig_s, sizeof(r->sig_s)) < 0) {
		goto out;
	}
	err = SVSM_OK;
out:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return err;
}

enum svsm_err report_native_get(const uint8_t report_data[64], const uint8_t measurement[48],
				uint32_t vmpl, struct snp_attestation_report *out)
{
	enum svsm_err err = SVSM_OK;

	memset(out, 0, sizeof(*out));
	if (report_key == NULL) {
		return SVSM_E_INVALID_REQUEST;
	}
	out->version = REPORT_NATIVE_VERSION;
	out->vmpl = vmpl;
	out->signature_algo = SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384;
	out->platform_info = SVSM_PLATFORM_INFO_NATIVE_UNROOTED;
	memcpy(out->report_data, report_data, sizeof(out->report_data));
	memcpy(out->measurement, measurement, sizeof(out->measurement));
	memcpy(out->report_id, report_id, sizeof(out->report_id));
	err = report_sign(out);
	if (err != SVSM_OK) {
		memset(out, 0, sizeof(*out));
	}
	return err;
}

static EVP_PKEY *report_import_pubkey(const uint8_t pubkey[REPORT_NATIVE_PUBKEY_SIZE])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-384", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pubkey,
					     REPORT_NATIVE_PUBKEY_SIZE) != 1) {
		goto out;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		key = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

enum svsm_err report_native_verify(const struct snp_attestation_report *r,
				   const uint8_t pubkey[REPORT_NATIVE_PUBKEY_SIZE])
{
	enum svsm_err err = SVSM_E_CRYPTO;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *br = NULL;
	BIGNUM *bs = NULL;
	unsigned char *der = NULL;
	int der_len = 0;

	if (r->signature_algo != SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384 ||
	    (r->platform_info & SVSM_PLATFORM_INFO_NATIVE_UNROOTED) == 0) {
		return SVSM_E_FORMAT;
	}
	key = report_import_pubkey(pubkey);
	ctx = EVP_MD_CTX_new();
	sig = ECDSA_SIG_new();
	br = BN_lebin2bn(r->sig_r, sizeof(r->sig_r), NULL);
	bs = BN_lebin2bn(r->sig_s, sizeof(r->sig_s), NULL);
	if (key == NULL || ctx == NULL || sig == NULL || br == NULL || bs == NULL) {
		goto out;
	}
	if (ECDSA_SIG_set0(sig, br, bs) != 1) {
		goto out;
	}
	br = NULL;	/* owned by sig now */
	bs = NULL;
	der_len = i2d_ECDSA_SIG(sig, &der);
	if (der_len <= 0) {
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, der, (size_t)der_len, (const unsigned char *)r,
			     SNP_REPORT_SIGNED_SIZE) == 1) {
		err = SVSM_OK;
	}
out:
	OPENSSL_free(der);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return err;
}

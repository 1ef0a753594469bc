/*
 * Owns EK creation and the cached EK public area (ek_pub). Written once by
 * vtpm_ek_create() at service start and read by the attestation manifest builder;
 * single-threaded like the rest of the vTPM service, so no lock.
 * Commands are marshalled by hand (lib/tpm_marshal.h); no TSS library.
 */
#include "kernel/services/vtpm/ek.h"

#include <stdbool.h>
#include <string.h>

#include "kernel/services/vtpm/vtpm.h"
#include "lib/tpm_marshal.h"

/* TPM 2.0 Part 2 constants. */
#define TPM_CC_CREATE_PRIMARY 0x00000131u
#define TPM_CC_STARTUP        0x00000144u
#define TPM_CC_SHUTDOWN       0x00000145u
#define TPM_CC_FLUSH_CONTEXT  0x00000165u
#define TPM_RH_ENDORSEMENT    0x4000000bu
#define TPM_SU_CLEAR          0x0000u
#define TPM_ALG_RSA           0x0001u
#define TPM_ALG_AES           0x0006u
#define TPM_ALG_SHA256        0x000bu
#define TPM_ALG_NULL          0x0010u
#define TPM_ALG_ECC           0x0023u
#define TPM_ALG_CFB           0x0043u
#define TPM_ECC_NIST_P256     0x0003u

/*
 * TCG EK Credential Profile, default templates L-1/L-2: fixedTPM | fixedParent |
 * sensitiveDataOrigin | adminWithPolicy | restricted | decrypt.
 */
#define EK_ATTRIBUTES 0x000300b2u

/* PolicyA (SHA-256): TPM2_PolicySecret(TPM_RH_ENDORSEMENT), from the EK profile. */
static const uint8_t ek_policy_a_sha256[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
	0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
};

static const uint8_t ek_zero[256];

static uint8_t ek_pub[VTPM_EK_PUBLIC_MAX];
static uint32_t ek_pub_size;

size_t vtpm_ek_template(enum vtpm_ek_type type, uint8_t *buf, size_t cap)
{
	struct tpm_writer w;
	bool rsa = type == VTPM_EK_RSA_2048;

	tpm_writer_init(&w, buf, cap);
	tpm_put_u16(&w, rsa ? TPM_ALG_RSA : TPM_ALG_ECC);
	tpm_put_u16(&w, TPM_ALG_SHA256);
	tpm_put_u32(&w, EK_ATTRIBUTES);
	tpm_put_tpm2b(&w, ek_policy_a_sha256, sizeof(ek_policy_a_sha256));
	tpm_put_u16(&w, TPM_ALG_AES);	/* symmetric: AES-128-CFB */
	tpm_put_u16(&w, 128);
	tpm_put_u16(&w, TPM_ALG_CFB);
	tpm_put_u16(&w, TPM_ALG_NULL);	/* scheme */
	if (rsa) {
		tpm_put_u16(&w, 2048);	/* keyBits */
		tpm_put_u32(&w, 0);	/* exponent: default 65537 */
		tpm_put_tpm2b(&w, ek_zero, 256);
	} else {
		tpm_put_u16(&w, TPM_ECC_NIST_P256);
		tpm_put_u16(&w, TPM_ALG_NULL);	/* kdf */
		tpm_put_tpm2b(&w, ek_zero, 32);	/* unique.x */
		tpm_put_tpm2b(&w, ek_zero, 32);	/* unique.y */
	}
	return w.err ? 0 : w.len;
}

/* Run a command built in @cmd; returns the TPM response code or 0xffffffff. */
static uint32_t ek_run(uint8_t *cmd, size_t len, const uint8_t **rsp, uint32_t *rsp_size)
{
	if (len == 0 || vtpm_run(0, cmd, (uint32_t)len, rsp, rsp_size) != SVSM_OK) {
		return 0xffffffffu;
	}
	return vtpm_rsp_code(*rsp, *rsp_size);
}

static uint32_t ek_simple(uint32_t cc, uint32_t arg, bool arg16)
{
	uint8_t cmd[16];
	struct tpm_writer w;
	const uint8_t *rsp = NULL;
	uint32_t rsp_size = 0;

	tpm_writer_init(&w, cmd, sizeof(cmd));
	tpm_cmd_begin(&w, TPM_ST_NO_SESSIONS, cc);
	if (arg16) {
		tpm_put_u16(&w, (uint16_t)arg);
	} else {
		tpm_put_u32(&w, arg);
	}
	return ek_run(cmd, tpm_cmd_end(&w), &rsp, &rsp_size);
}

static enum svsm_err ek_create_primary(enum vtpm_ek_type type)
{
	uint8_t cmd[512];
	uint8_t tmpl[VTPM_EK_PUBLIC_MAX];
	size_t tmpl_size = vtpm_ek_template(type, tmpl, sizeof(tmpl));
	struct tpm_writer w;
	struct tpm_reader r;
	const uint8_t *rsp = NULL;
	const uint8_t *pub = NULL;
	uint32_t rsp_size = 0;
	uint32_t handle = 0;
	uint16_t pub_size = 0;

	tpm_writer_init(&w, cmd, sizeof(cmd));
	tpm_cmd_begin(&w, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
	tpm_put_u32(&w, TPM_RH_ENDORSEMENT);
	tpm_put_pw_session(&w);
	tpm_put_u16(&w, 4);	/* inSensitive: TPM2B_SENSITIVE_CREATE, empty auth and data */
	tpm_put_u16(&w, 0);
	tpm_put_u16(&w, 0);
	tpm_put_tpm2b(&w, tmpl, (uint16_t)tmpl_size);
	tpm_put_u16(&w, 0);	/* outsideInfo */
	tpm_put_u32(&w, 0);	/* creationPCR: no selections */
	if (ek_run(cmd, tpm_cmd_end(&w), &rsp, &rsp_size) != VTPM_RC_SUCCESS) {
		return SVSM_E_IO;
	}
	/* Response: header, objectHandle, parameterSize, TPM2B_PUBLIC outPublic, ... */
	tpm_reader_init(&r, rsp, rsp_size);
	(void)tpm_get_bytes(&r, TPM_HEADER_SIZE);
	handle = tpm_get_u32(&r);
	(void)tpm_get_u32(&r);
	pub_size = tpm_get_u16(&r);
	pub = tpm_get_bytes(&r, pub_size);
	if (r.err || pub == NULL || pub_size == 0 || pub_size > sizeof(ek_pub)) {
		return SVSM_E_FORMAT;
	}
	memcpy(ek_pub, pub, pub_size);
	ek_pub_size = pub_size;
	/* Transient object: flush it so the guest finds every object slot free. */
	if (ek_simple(TPM_CC_FLUSH_CONTEXT, handle, false) != VTPM_RC_SUCCESS) {
		return SVSM_E_IO;
	}
	return SVSM_OK;
}

enum svsm_err vtpm_ek_create(enum vtpm_ek_type type)
{
	enum svsm_err err = SVSM_OK;
	uint32_t rc = 0;
	bool started_here = false;

	if (type != VTPM_EK_ECC_P256 && type != VTPM_EK_RSA_2048) {
		return SVSM_E_INVALID_PARAM;
	}
	if (!vtpm_is_on()) {
		return SVSM_E_INVALID_REQUEST;
	}
	rc = ek_simple(TPM_CC_STARTUP, TPM_SU_CLEAR, true);
	if (rc == VTPM_RC_SUCCESS) {
		started_here = true;
	} else if (rc != VTPM_RC_INITIALIZE) {
		return SVSM_E_IO;
	}
	err = ek_create_primary(type);
	if (started_here) {
		/* Orderly shutdown, then _TPM_Init: the guest sends its own TPM2_Startup. */
		(void)ek_simple(TPM_CC_SHUTDOWN, TPM_SU_CLEAR, true);
		if (vtpm_reset() != SVSM_OK && err == SVSM_OK) {
			err = SVSM_E_IO;
		}
	}
	return err;
}

const uint8_t *vtpm_ek_public(uint32_t *size)
{
	*size = ek_pub_size;
	return ek_pub_size != 0 ? ek_pub : NULL;
}

void vtpm_ek_forget(void)
{
	ek_pub_size = 0;
}

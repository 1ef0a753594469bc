/* TPM 2.0 command builders and the TCG default EK templates (see tpm_cmd.h). */
#include "lib/tpm_cmd.h"

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

static const uint8_t zero[256];

void tpm_cmd_startup(struct tpm_writer *w, uint16_t startup_type)
{
	tpm_cmd_begin(w, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	tpm_put_u16(w, startup_type);
}

void tpm_cmd_get_random(struct tpm_writer *w, uint16_t bytes)
{
	tpm_cmd_begin(w, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
	tpm_put_u16(w, bytes);
}

void tpm_cmd_flush(struct tpm_writer *w, uint32_t handle)
{
	tpm_cmd_begin(w, TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT);
	tpm_put_u32(w, handle);
}

void tpm_cmd_pcr_selection(struct tpm_writer *w, unsigned pcr)
{
	tpm_put_u32(w, 1);
	tpm_put_u16(w, TPM_ALG_SHA256);
	tpm_put_u8(w, 3);
	for (unsigned byte = 0; byte < 3; byte++) {
		tpm_put_u8(w, (uint8_t)(pcr / 8 == byte ? 1u << (pcr % 8) : 0));
	}
}

void tpm_cmd_pcr_read(struct tpm_writer *w, unsigned pcr)
{
	tpm_cmd_begin(w, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	tpm_cmd_pcr_selection(w, pcr);
}

void tpm_cmd_pcr_extend(struct tpm_writer *w, unsigned pcr, const uint8_t digest[32])
{
	tpm_cmd_begin(w, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	tpm_put_u32(w, pcr);
	tpm_put_pw_session(w);
	tpm_put_u32(w, 1);
	tpm_put_u16(w, TPM_ALG_SHA256);
	tpm_put_bytes(w, digest, 32);
}

void tpm_cmd_create_primary(struct tpm_writer *w, uint32_t hierarchy, const uint8_t *tmpl,
			    uint16_t tmpl_size)
{
	tpm_cmd_begin(w, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
	tpm_put_u32(w, hierarchy);
	tpm_put_pw_session(w);
	tpm_put_u16(w, 4); /* inSensitive: TPM2B_SENSITIVE_CREATE, empty auth and data */
	tpm_put_u16(w, 0);
	tpm_put_u16(w, 0);
	tpm_put_tpm2b(w, tmpl, tmpl_size);
	tpm_put_u16(w, 0); /* outsideInfo */
	tpm_put_u32(w, 0); /* creationPCR: no selections */
}

size_t tpm_ek_template(bool rsa, uint8_t *buf, size_t cap)
{
	struct tpm_writer w;

	tpm_writer_init(&w, buf, cap);
	tpm_put_u16(&w, rsa ? TPM_ALG_RSA : TPM_ALG_ECC);
	tpm_put_u16(&w, TPM_ALG_SHA256);
	tpm_put_u32(&w, EK_ATTRIBUTES);
	tpm_put_tpm2b(&w, ek_policy_a_sha256, sizeof(ek_policy_a_sha256));
	tpm_put_u16(&w, TPM_ALG_AES); /* symmetric: AES-128-CFB */
	tpm_put_u16(&w, 128);
	tpm_put_u16(&w, TPM_ALG_CFB);
	tpm_put_u16(&w, TPM_ALG_NULL); /* scheme */
	if (rsa) {
		tpm_put_u16(&w, 2048); /* keyBits */
		tpm_put_u32(&w, 0);    /* exponent: default 65537 */
		tpm_put_tpm2b(&w, zero, 256);
	} else {
		tpm_put_u16(&w, TPM_ECC_NIST_P256);
		tpm_put_u16(&w, TPM_ALG_NULL); /* kdf */
		tpm_put_tpm2b(&w, zero, 32);   /* unique.x */
		tpm_put_tpm2b(&w, zero, 32);   /* unique.y */
	}
	return w.err ? 0 : w.len;
}

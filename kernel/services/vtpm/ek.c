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
#include "lib/tpm_cmd.h"

static uint8_t ek_pub[VTPM_EK_PUBLIC_MAX];
static uint32_t ek_pub_size;

size_t vtpm_ek_template(enum vtpm_ek_type type, uint8_t *buf, size_t cap)
{
	return tpm_ek_template(type == VTPM_EK_RSA_2048, buf, cap);
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
	tpm_cmd_create_primary(&w, TPM_RH_ENDORSEMENT, tmpl, (uint16_t)tmpl_size);
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

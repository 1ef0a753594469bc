/*
 * Owns the vTPM service state: whether libtpms is initialised and powered, and the
 * response buffer libtpms reuses across commands (no per-command allocation or copy).
 * Single-threaded: one caller at a time (the SVSM's vTPM protocol handler or the host
 * server's poll loop); no lock.
 */
#include "kernel/services/vtpm/vtpm.h"

#include <stdlib.h>

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_tis.h>

#include "kernel/services/vtpm/nv.h"
#include "lib/tpm_marshal.h"

static struct {
	bool chosen;            /* TPM version chosen and callbacks registered */
	bool on;                /* TPMLIB_MainInit done, not yet terminated */
	unsigned char *rsp;     /* libtpms-managed response buffer */
	uint32_t rsp_cap;
} vtpm;

static enum svsm_err vtpm_choose(void)
{
	struct libtpms_callbacks cb;

	if (vtpm.chosen) {
		return SVSM_OK;
	}
	if (TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) != TPM_SUCCESS) {
		return SVSM_E_UNSUPPORTED;
	}
	vtpm_nv_fill_callbacks(&cb);
	if (TPMLIB_RegisterCallbacks(&cb) != TPM_SUCCESS) {
		return SVSM_E_IO;
	}
	vtpm.chosen = true;
	return SVSM_OK;
}

enum svsm_err vtpm_power_on(void)
{
	enum svsm_err err = SVSM_OK;

	if (vtpm.on) {
		return SVSM_OK;
	}
	err = vtpm_choose();
	if (err != SVSM_OK) {
		return err;
	}
	if (TPMLIB_MainInit() != TPM_SUCCESS) {
		return SVSM_E_IO;
	}
	vtpm.on = true;
	return SVSM_OK;
}

void vtpm_power_off(void)
{
	if (!vtpm.on) {
		return;
	}
	TPMLIB_Terminate();
	vtpm.on = false;
	free(vtpm.rsp);
	vtpm.rsp = NULL;
	vtpm.rsp_cap = 0;
}

uint32_t vtpm_set_buffer_size(uint32_t size)
{
	if (vtpm_choose() != SVSM_OK) {
		return 0;
	}
	return TPMLIB_SetBufferSize(size, NULL, NULL);
}

bool vtpm_is_on(void)
{
	return vtpm.on;
}

enum svsm_err vtpm_reset(void)
{
	vtpm_power_off();
	return vtpm_power_on();
}

enum svsm_err vtpm_run(uint8_t locality, uint8_t *cmd, uint32_t cmd_size, const uint8_t **rsp,
		       uint32_t *rsp_size)
{
	uint32_t size = 0;

	*rsp = NULL;
	*rsp_size = 0;
	if (!vtpm.on) {
		return SVSM_E_INVALID_REQUEST;
	}
	if (locality > 4) {
		return SVSM_E_INVALID_PARAM;
	}
	vtpm_nv_set_locality(locality);
	if (TPMLIB_Process(&vtpm.rsp, &size, &vtpm.rsp_cap, cmd, cmd_size) != TPM_SUCCESS) {
		return SVSM_E_IO;
	}
	if (vtpm.rsp == NULL || size < TPM_HEADER_SIZE || size > vtpm.rsp_cap) {
		return SVSM_E_IO;
	}
	*rsp = vtpm.rsp;
	*rsp_size = size;
	return SVSM_OK;
}

void vtpm_cancel(void)
{
	if (vtpm.on) {
		(void)TPMLIB_CancelCommand();
	}
}

enum svsm_err vtpm_hash_start(void)
{
	if (!vtpm.on) {
		return SVSM_E_INVALID_REQUEST;
	}
	return TPM_IO_Hash_Start() == TPM_SUCCESS ? SVSM_OK : SVSM_E_IO;
}

enum svsm_err vtpm_hash_data(const uint8_t *data, uint32_t size)
{
	if (!vtpm.on) {
		return SVSM_E_INVALID_REQUEST;
	}
	return TPM_IO_Hash_Data(data, size) == TPM_SUCCESS ? SVSM_OK : SVSM_E_IO;
}

enum svsm_err vtpm_hash_end(void)
{
	if (!vtpm.on) {
		return SVSM_E_INVALID_REQUEST;
	}
	return TPM_IO_Hash_End() == TPM_SUCCESS ? SVSM_OK : SVSM_E_IO;
}

uint32_t vtpm_rsp_code(const uint8_t *rsp, uint32_t rsp_size)
{
	if (rsp == NULL || rsp_size < TPM_HEADER_SIZE) {
		return 0xffffffffu;
	}
	return tpm_be32(rsp + 6);
}

/*
 * Owns the libtpms callbacks: NV load/store/delete of libtpms' state blobs through the
 * store interface (store.h), and the I/O callbacks (locality, physical presence).
 * libtpms calls them from TPMLIB_MainInit, TPMLIB_Process and TPMLIB_Terminate only,
 * on the one thread that runs the vTPM service, so no lock.
 * libtpms stores "permall" only when a command changed persistent state (e.g. NV
 * writes, hierarchy changes), not per command; with ram_store.c that is a heap copy.
 */
#include "kernel/services/vtpm/nv.h"

#include <stdlib.h>
#include <string.h>

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>

#include "kernel/services/vtpm/store.h"

static uint8_t nv_locality;

static TPM_RESULT vtpm_nv_init(void)
{
	return TPM_SUCCESS;
}

/*
 * libtpms takes ownership of *data and frees it with free(). TPM_RETRY for a missing
 * blob tells TPMLIB_MainInit to manufacture a fresh TPM (for "permall"), as swtpm does.
 */
static TPM_RESULT vtpm_nv_loaddata(unsigned char **data, uint32_t *length, uint32_t tpm_number,
				   const char *name)
{
	enum svsm_err err = SVSM_OK;
	uint32_t size = 0;
	uint8_t *buf = NULL;

	*data = NULL;
	*length = 0;
	err = vtpm_store_size(name, &size);
	if (err == SVSM_E_NOT_FOUND) {
		return TPM_RETRY;
	}
	if (err != SVSM_OK) {
		return TPM_FAIL;
	}
	buf = malloc(size != 0 ? size : 1);
	if (buf == NULL) {
		return TPM_SIZE;
	}
	err = vtpm_store_read(name, buf, size);
	if (err != SVSM_OK) {
		free(buf);
		return TPM_FAIL;
	}
	*data = buf;
	*length = size;
	return TPM_SUCCESS;
}

static TPM_RESULT vtpm_nv_storedata(const unsigned char *data, uint32_t length,
				    uint32_t tpm_number, const char *name)
{
	enum svsm_err err = vtpm_store_write(name, data, length);

	if (err == SVSM_E_NOMEM) {
		return TPM_SIZE;
	}
	return err == SVSM_OK ? TPM_SUCCESS : TPM_FAIL;
}

static TPM_RESULT vtpm_nv_deletename(uint32_t tpm_number, const char *name, TPM_BOOL must_exist)
{
	enum svsm_err err = vtpm_store_delete(name);

	if (err == SVSM_E_NOT_FOUND) {
		return must_exist ? TPM_FAIL : TPM_SUCCESS;
	}
	return err == SVSM_OK ? TPM_SUCCESS : TPM_FAIL;
}

static TPM_RESULT vtpm_io_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT vtpm_io_getlocality(TPM_MODIFIER_INDICATOR *locality, uint32_t tpm_number)
{
	*locality = nv_locality;
	return TPM_SUCCESS;
}

static TPM_RESULT vtpm_io_getphysicalpresence(TPM_BOOL *physical_presence, uint32_t tpm_number)
{
	*physical_presence = FALSE;
	return TPM_SUCCESS;
}

void vtpm_nv_fill_callbacks(struct libtpms_callbacks *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->sizeOfStruct = sizeof(*cb);
	cb->tpm_nvram_init = vtpm_nv_init;
	cb->tpm_nvram_loaddata = vtpm_nv_loaddata;
	cb->tpm_nvram_storedata = vtpm_nv_storedata;
	cb->tpm_nvram_deletename = vtpm_nv_deletename;
	cb->tpm_io_init = vtpm_io_init;
	cb->tpm_io_getlocality = vtpm_io_getlocality;
	cb->tpm_io_getphysicalpresence = vtpm_io_getphysicalpresence;
}

void vtpm_nv_set_locality(uint8_t locality)
{
	nv_locality = locality;
}

/*
 * The UEFI variable service's link to the SVSM's persistent state (kernel only; the host
 * tests install their own commit hook): at boot the store comes from record
 * STATE_REC_UEFI_MM when the state disk has one, and afterwards every change is committed
 * to that record. No state of its own.
 */
#include "kernel/services/uefi_vars_service.h"

#include "kernel/lib/log.h"
#include "kernel/libc/libc.h"
#include "kernel/services/persist.h"
#include "lib/state_store.h"

static enum svsm_err commit_record(const uint8_t *data, uint32_t size)
{
	return persist_commit_record(STATE_REC_UEFI_MM, data, size);
}

enum svsm_err uefi_vars_service_boot(void)
{
	const uint8_t *data = NULL;
	uint32_t size = 0;
	enum svsm_err err = persist_record_get(STATE_REC_UEFI_MM, &data, &size);

	if (err == SVSM_E_NOT_FOUND || err == SVSM_E_UNSUPPORTED) { /* none, or no state disk */
		data = NULL;
		size = 0;
	} else if (err != SVSM_OK) {
		return err;
	}
	uefi_vars_service_set_stub_counter(libc_unsupported_calls);
	err = uefi_vars_service_init(data, size);
	if (err != SVSM_OK) {
		pr_err("uefi: the saved variable store (%u bytes) does not parse (error %d)\n",
		       size, (int)err);
		return err;
	}
	if (persist_enabled()) {
		uefi_vars_service_set_commit(commit_record);
	}
	pr_info("uefi: variable store %s (%u bytes saved)\n",
		persist_enabled() ? "persistent" : "volatile", size);
	return SVSM_OK;
}

/*
 * One TPM command from a guest-facing transport (the SVSM vTPM protocol in
 * kernel/protocols/vtpm.c, the CRB device in kernel/devices/tpm_crb.c): the one path both
 * take into the vTPM service. The command runs in the library context (services_run), one
 * at a time, and its response is copied once, inside that context, from libtpms' buffer to
 * the caller's.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/**
 * vtpm_exec - run @cmd (@size bytes, the caller's own copy: libtpms may write to it) at
 * @locality and copy the response into @rsp (@cap bytes), its size in @rsp_size.
 * SVSM_E_INVALID_REQUEST if the TPM is off, SVSM_E_NOMEM if the response exceeds @cap,
 * SVSM_E_IO if libtpms failed; TPM errors are in the response.
 */
enum svsm_err vtpm_exec(uint8_t locality, uint8_t *cmd, uint32_t size, uint8_t *rsp,
			uint32_t cap, uint32_t *rsp_size) SVSM_MUST_CHECK;

/**
 * vtpm_exec_set_sync - @sync runs after every command, outside the library context, before
 * the response is handed back (kernel/services/persist.c: the state becomes durable first;
 * an error from it fails the command with SVSM_E_IO). NULL: nothing (the default).
 */
void vtpm_exec_set_sync(enum svsm_err (*sync)(void));

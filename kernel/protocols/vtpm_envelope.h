/*
 * Decoder and encoder of the SVSM_VTPM_CMD buffer (include/svsm/abi/vtpm.h). Pure
 * functions over a private copy of the guest's 4 KiB buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/**
 * struct vtpm_envelope_cmd - a decoded TPM_SEND_COMMAND.
 * @cmd:  the TPM command, pointing into the caller's buffer.
 * @size: its size in bytes (1..4087, equal to the TPM header's commandSize).
 */
struct vtpm_envelope_cmd {
	uint8_t *cmd;
	uint32_t size;
};

/**
 * vtpm_envelope_decode - validate @buf (@len bytes, must be SVSM_VTPM_BUFFER_SIZE).
 * Returns SVSM_E_UNSUPPORTED for a platform command other than TPM_SEND_COMMAND,
 * SVSM_E_INVALID_PARAM for a bad buffer length, a locality other than 0, a size of 0 or
 * above 4087, or a size that disagrees with the TPM header's commandSize (as COCONUT).
 */
enum svsm_err vtpm_envelope_decode(uint8_t *buf, size_t len, struct vtpm_envelope_cmd *out)
	SVSM_MUST_CHECK;

/**
 * vtpm_envelope_encode - write the response {u32 size, bytes} at the start of @buf
 * (@len must be SVSM_VTPM_BUFFER_SIZE); exactly 4 + @rsp_size bytes are written and only
 * those are meant to go back to the guest. @rsp may point into @buf.
 * Returns SVSM_E_INVALID_PARAM if @rsp_size exceeds SVSM_VTPM_MAX_RSP_SIZE.
 */
enum svsm_err vtpm_envelope_encode(uint8_t *buf, size_t len, const uint8_t *rsp,
				   uint32_t rsp_size) SVSM_MUST_CHECK;

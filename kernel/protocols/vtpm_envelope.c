/*
 * Owns the decoding and encoding of the vTPM protocol's TPM_SEND_COMMAND envelope
 * (svsm-abi 3.4). Input is the SVSM's own copy of the guest buffer: one fetch, then
 * every field checked here before the command reaches the TPM. No state, no locks.
 */
#include "kernel/protocols/vtpm_envelope.h"

#include <string.h>

#include "lib/tpm_marshal.h"
#include "svsm/abi/vtpm.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

enum svsm_err vtpm_envelope_decode(uint8_t *buf, size_t len, struct vtpm_envelope_cmd *out)
{
	const size_t hdr = offsetof(struct svsm_vtpm_cmd_req, inbuf);
	uint32_t platform_cmd = 0;
	uint32_t size = 0;

	out->cmd = NULL;
	out->size = 0;
	if (buf == NULL || len != SVSM_VTPM_BUFFER_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	platform_cmd = le32(buf + offsetof(struct svsm_vtpm_cmd_req, platform_cmd));
	if (platform_cmd != TPM_SEND_COMMAND) {
		return SVSM_E_UNSUPPORTED;
	}
	if (buf[offsetof(struct svsm_vtpm_cmd_req, locality)] != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	size = le32(buf + offsetof(struct svsm_vtpm_cmd_req, inbuf_size));
	if (size == 0 || size > SVSM_VTPM_MAX_CMD_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	/* The TPM header (tag, commandSize, commandCode) must be there and agree. */
	if (size < TPM_HEADER_SIZE || tpm_be32(buf + hdr + 2) != size) {
		return SVSM_E_INVALID_PARAM;
	}
	out->cmd = buf + hdr;
	out->size = size;
	return SVSM_OK;
}

enum svsm_err vtpm_envelope_encode(uint8_t *buf, size_t len, const uint8_t *rsp, uint32_t rsp_size)
{
	const size_t hdr = offsetof(struct svsm_vtpm_cmd_rsp, outbuf);

	if (buf == NULL || len != SVSM_VTPM_BUFFER_SIZE || rsp_size > SVSM_VTPM_MAX_RSP_SIZE ||
	    (rsp == NULL && rsp_size != 0)) {
		return SVSM_E_INVALID_PARAM;
	}
	buf[0] = (uint8_t)rsp_size;
	buf[1] = (uint8_t)(rsp_size >> 8);
	buf[2] = (uint8_t)(rsp_size >> 16);
	buf[3] = (uint8_t)(rsp_size >> 24);
	if (rsp_size != 0) {
		memmove(buf + hdr, rsp, rsp_size);
	}
	/* Exactly hdr + rsp_size bytes are written; callers copy back only those. */
	return SVSM_OK;
}

/* Decoder of mssim frames (see mssim_frame.h). No state, no I/O. */
#include "tools/vtpm-server/mssim_frame.h"

#include <stddef.h>

#include "lib/tpm_marshal.h"
#include "svsm/abi/vtpm.h"

/* Frames of a code followed by @extra fixed bytes and, when @sized, a u32 length + data. */
static enum mssim_decode fixed(const uint8_t *buf, uint32_t len, uint32_t extra,
			       struct mssim_frame *f)
{
	if (len < 4 + extra) {
		return MSSIM_NEED_MORE;
	}
	if (extra >= 4) {
		f->arg = tpm_be32(buf + 4);
	}
	f->used = 4 + extra;
	return MSSIM_FRAME;
}

static enum mssim_decode sized(const uint8_t *buf, uint32_t len, uint32_t hdr,
			       struct mssim_frame *f)
{
	uint32_t n;

	if (len < hdr) {
		return MSSIM_NEED_MORE;
	}
	n = tpm_be32(buf + hdr - 4);
	if (n > MSSIM_MAX_PAYLOAD) {
		return MSSIM_BAD;
	}
	if (len - hdr < n) {
		return MSSIM_NEED_MORE;
	}
	f->payload = buf + hdr;
	f->size = n;
	f->used = hdr + n;
	return MSSIM_FRAME;
}

enum mssim_decode mssim_frame_decode(enum mssim_port port, const uint8_t *buf, uint32_t len,
				     struct mssim_frame *f)
{
	*f = (struct mssim_frame){0};
	if (len < 4) {
		return MSSIM_NEED_MORE;
	}
	f->code = tpm_be32(buf);
	if (port == MSSIM_PLATFORM_PORT) {
		switch (f->code) {
		case TPM_ACT_GET_SIGNALED:
			return fixed(buf, len, 4, f);
		case TPM_SIGNAL_POWER_ON:
		case TPM_SIGNAL_POWER_OFF:
		case TPM_SIGNAL_RESET:
		case TPM_SIGNAL_RESTART:
		case TPM_SIGNAL_CANCEL_ON:
		case TPM_SIGNAL_CANCEL_OFF:
		case TPM_SIGNAL_PHYS_PRES_ON:
		case TPM_SIGNAL_PHYS_PRES_OFF:
		case TPM_SIGNAL_NV_ON:
		case TPM_SIGNAL_NV_OFF:
		case TPM_SIGNAL_KEY_CACHE_ON:
		case TPM_SIGNAL_KEY_CACHE_OFF:
		case TPM_GET_COMMAND_RESPONSE_SIZES:
		case TPM_SESSION_END:
		case TPM_STOP:
			return fixed(buf, len, 0, f);
		default:
			f->used = 4;
			return MSSIM_BAD;
		}
	}
	switch (f->code) {
	case TPM_SEND_COMMAND:
		if (len >= 5) {
			f->locality = buf[4];
		}
		return sized(buf, len, 9, f);
	case TPM_SIGNAL_HASH_DATA:
		return sized(buf, len, 8, f);
	case TPM_REMOTE_HANDSHAKE:
	case TPM_SET_ALTERNATIVE_RESULT:
		return fixed(buf, len, 4, f);
	case TPM_SIGNAL_HASH_START:
	case TPM_SIGNAL_HASH_END:
	case TPM_SESSION_END:
	case TPM_STOP:
		return fixed(buf, len, 0, f);
	default:
		return MSSIM_BAD;
	}
}

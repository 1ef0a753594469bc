/*
 * libFuzzer target for kernel/protocols/vtpm_envelope.c: arbitrary bytes as the guest's
 * SVSM_VTPM_CMD buffer (zero-padded to 4 KiB). On success the decoded command must lie
 * inside the buffer and agree with its TPM header; the response encoder is then run in
 * place, as the SVSM does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/protocols/vtpm_envelope.h"
#include "lib/tpm_marshal.h"
#include "svsm/abi/vtpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[SVSM_VTPM_BUFFER_SIZE];
	struct vtpm_envelope_cmd c;
	size_t n = size < sizeof(buf) ? size : sizeof(buf);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, n);
	if (vtpm_envelope_decode(buf, sizeof(buf), &c) != SVSM_OK) {
		if (c.cmd != NULL || c.size != 0) {
			abort();
		}
		return 0;
	}
	if (c.cmd != buf + 9 || c.size < TPM_HEADER_SIZE || c.size > SVSM_VTPM_MAX_CMD_SIZE ||
	    tpm_be32(c.cmd + 2) != c.size || buf[4] != 0) {
		abort();
	}
	/* Echo the command as the "response", in place. */
	if (vtpm_envelope_encode(buf, sizeof(buf), c.cmd, c.size) != SVSM_OK ||
	    tpm_be32(buf + 4 + 2) != c.size) {
		abort();
	}
	return 0;
}

/*
 * libFuzzer target for the mssim framing vtpm-server reads from the network: the input is
 * a byte stream on the port its first byte selects; frames are decoded one after another
 * as the server does. Each decoded frame must lie inside what was received.
 */
#include <stddef.h>
#include <stdint.h>

#include "tools/vtpm-server/mssim_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mssim_port port;
	uint32_t off = 1;

	if (size < 1 || size > 1u << 20) {
		return 0;
	}
	port = (data[0] & 1) ? MSSIM_PLATFORM_PORT : MSSIM_COMMAND_PORT;
	while (off < size) {
		struct mssim_frame f;
		uint32_t len = (uint32_t)(size - off);
		enum mssim_decode d = mssim_frame_decode(port, data + off, len, &f);

		if (d != MSSIM_FRAME) {
			break;
		}
		if (f.used == 0 || f.used > len || f.size > MSSIM_MAX_PAYLOAD ||
		    (f.payload != NULL && (f.payload < data + off || f.payload + f.size > data + off + f.used))) {
			__builtin_trap();
		}
		off += f.used;
	}
	return 0;
}

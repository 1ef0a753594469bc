/*
 * Framing of the TPM simulator ("mssim") socket protocol as vtpm-server reads it: a pure
 * decoder of the bytes a client has sent so far, so that the untrusted network input is
 * parsed in one place and can be fuzzed (tests/fuzz/mssim_frame.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MSSIM_MAX_PAYLOAD 8192u

enum mssim_port { MSSIM_COMMAND_PORT, MSSIM_PLATFORM_PORT };

enum mssim_decode { MSSIM_NEED_MORE, MSSIM_FRAME, MSSIM_BAD };

/**
 * struct mssim_frame - one complete frame.
 * @code:     the u32 command or signal.
 * @locality: TPM_SEND_COMMAND only.
 * @arg:      the u32 argument of REMOTE_HANDSHAKE, SET_ALTERNATIVE_RESULT, ACT_GET_SIGNALED.
 * @payload:  TPM_SEND_COMMAND / HASH_DATA bytes, pointing into the caller's buffer.
 * @size:     their length (<= MSSIM_MAX_PAYLOAD).
 * @used:     bytes of the buffer the frame takes.
 */
struct mssim_frame {
	uint32_t code;
	uint8_t locality;
	uint32_t arg;
	const uint8_t *payload;
	uint32_t size;
	uint32_t used;
};

/**
 * mssim_frame_decode - look for one frame at the start of @buf (@len bytes received).
 * MSSIM_NEED_MORE until it is complete; MSSIM_BAD for an unknown code or a payload above
 * MSSIM_MAX_PAYLOAD (the server closes that connection).
 */
enum mssim_decode mssim_frame_decode(enum mssim_port port, const uint8_t *buf, uint32_t len,
				     struct mssim_frame *f);

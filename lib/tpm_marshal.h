/*
 * Big-endian TPM 2.0 wire-format helpers: a bounded writer and a bounded reader that
 * latch an error on overflow instead of writing or reading out of bounds, so callers
 * check once at the end. Freestanding, no global state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TPM 2.0 constants used by the marshalling callers (TPM 2.0 Part 2). */
#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_ST_SESSIONS    0x8002u
#define TPM_HEADER_SIZE    10u

/** struct tpm_writer - output cursor. @err latches when a put would overflow @cap. */
struct tpm_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool err;
};

/** struct tpm_reader - input cursor. @err latches when a get would pass @len. */
struct tpm_reader {
	const uint8_t *buf;
	size_t len;
	size_t off;
	bool err;
};

void tpm_writer_init(struct tpm_writer *w, uint8_t *buf, size_t cap);
void tpm_put_u8(struct tpm_writer *w, uint8_t v);
void tpm_put_u16(struct tpm_writer *w, uint16_t v);
void tpm_put_u32(struct tpm_writer *w, uint32_t v);
void tpm_put_bytes(struct tpm_writer *w, const uint8_t *p, size_t n);
/** tpm_put_tpm2b - u16 size then @n bytes (TPM2B_*). */
void tpm_put_tpm2b(struct tpm_writer *w, const uint8_t *p, uint16_t n);
/** tpm_cmd_begin - write a command header with a placeholder size. */
void tpm_cmd_begin(struct tpm_writer *w, uint16_t tag, uint32_t cc);
/** tpm_put_pw_session - authorization area with one empty password session. */
void tpm_put_pw_session(struct tpm_writer *w);
/** tpm_cmd_end - patch commandSize; returns the command length or 0 on overflow. */
size_t tpm_cmd_end(struct tpm_writer *w);

void tpm_reader_init(struct tpm_reader *r, const uint8_t *buf, size_t len);
uint8_t tpm_get_u8(struct tpm_reader *r);
uint16_t tpm_get_u16(struct tpm_reader *r);
uint32_t tpm_get_u32(struct tpm_reader *r);
/** tpm_get_bytes - returns a pointer to @n bytes inside the buffer, or NULL on error. */
const uint8_t *tpm_get_bytes(struct tpm_reader *r, size_t n);

/** tpm_be16/32 load from and tpm_store_be16/32 store to unaligned big-endian bytes. */
static inline uint16_t tpm_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t tpm_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void tpm_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tpm_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

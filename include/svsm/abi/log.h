/*
 * Log export ABI (guest-visible; docs/logging.md "Guest export and debug mode"): the record
 * format of the SVSM's log ring as the guest reads it, the SVSM log protocol (number, calls,
 * registers, the query result block) and the registers of the paravisor log device.
 * Freestanding; used by the kernel, the test guest, guest-os/svsmlog and host tools.
 * All integers little-endian; structures packed as laid out (no implicit padding).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/attest.h"

/*
 * Record, as copied to the guest, records packed back to back with no padding:
 *   offset size field
 *   0      8    seq      0 for the first record of a boot, +1 per record, never reused;
 *                        a reader sees dropped records as a jump in seq
 *   8      8    time_us  TSC microseconds since reset (0 before the TSC is calibrated)
 *   16     1    level    bits 0-2 SVSM_LOG_LEVEL_*; bit 5 SVSM_LOG_F_HOST (the line is in
 *                        the host-visible class); bit 6 partial; bit 7 truncated
 *   17     1    cpu      CPU index (0 = BSP), SVSM_LOG_CPU_UNKNOWN if >= 255
 *   18     2    len      bytes of text that follow, at most SVSM_LOG_TEXT_MAX
 *   20     len  text     the line without level prefix and trailing newline, no NUL
 */
struct svsm_log_record_hdr {
	uint64_t seq;
	uint64_t time_us;
	uint8_t level;
	uint8_t cpu;
	uint16_t len;
} __attribute__((packed));
_Static_assert(offsetof(struct svsm_log_record_hdr, seq) == 0, "log seq");
_Static_assert(offsetof(struct svsm_log_record_hdr, time_us) == 8, "log time_us");
_Static_assert(offsetof(struct svsm_log_record_hdr, level) == 16, "log level");
_Static_assert(offsetof(struct svsm_log_record_hdr, cpu) == 17, "log cpu");
_Static_assert(offsetof(struct svsm_log_record_hdr, len) == 18, "log len");
_Static_assert(sizeof(struct svsm_log_record_hdr) == 20, "log record header");

#define SVSM_LOG_HDR_SIZE   20u
#define SVSM_LOG_TEXT_MAX   240u
#define SVSM_LOG_RECORD_MAX (SVSM_LOG_HDR_SIZE + SVSM_LOG_TEXT_MAX) /* 260: one record fits */

#define SVSM_LOG_LEVEL_ERROR 0u
#define SVSM_LOG_LEVEL_WARN  1u
#define SVSM_LOG_LEVEL_INFO  2u
#define SVSM_LOG_LEVEL_DEBUG 3u
#define SVSM_LOG_LEVEL_RAW   4u    /* log_raw(): panic and test output, no level */
#define SVSM_LOG_LEVEL_MASK  0x07u
#define SVSM_LOG_F_HOST      0x20u /* host-visible class: shown on the host console by default */
#define SVSM_LOG_F_PARTIAL   0x40u /* the call's text did not end with a newline */
#define SVSM_LOG_F_TRUNCATED 0x80u /* the text was longer than SVSM_LOG_TEXT_MAX and was cut */
#define SVSM_LOG_CPU_UNKNOWN 0xffu

/*
 * SVSM log protocol. The SVSM specification leaves protocol numbers to implementations
 * (0-4 are taken by core, attestation, vTPM, COCONUT's APIC and UEFI MM); this project
 * takes 0x4C4F4700 ("LOG" in the top three bytes), far from any number in use, so a
 * future standard protocol cannot collide with it. Version 1.
 */
#define SVSM_LOG_PROTOCOL         0x4C4F4700u
#define SVSM_LOG_PROTOCOL_VERSION 1u

/*
 * SVSM_LOG_QUERY: RCX = GPA of a struct svsm_log_query (8-byte aligned, within one 4 KiB
 * page, guest RAM); the SVSM writes it. RCX..R9 are not changed.
 */
#define SVSM_LOG_QUERY 0u
/*
 * SVSM_LOG_READ: RCX = buffer GPA, RDX = buffer size (1..SVSM_LOG_READ_MAX), R8 = from_seq.
 * Whole records from from_seq on, oldest first, packed into the buffer.
 * Out: RCX = bytes copied (0 when nothing is new, or the buffer is smaller than the next
 * record: SVSM_LOG_RECORD_MAX always fits one), RDX = the seq to pass next time.
 * A buffer that is not all guest RAM, or lies in SVSM memory: INVALID_ADDRESS; size 0 or
 * above SVSM_LOG_READ_MAX: INVALID_PARAMETER.
 */
#define SVSM_LOG_READ     1u
#define SVSM_LOG_READ_MAX (64u * 1024u)
/*
 * SVSM_LOG_SET_DEBUG: RCX = 0 (off) or 1 (on); anything else INVALID_PARAMETER.
 * Out: RCX = the previous state. On: every ring record from now on is also printed on the
 * host console (earlier records are not replayed). The state is in the attestation manifest.
 */
#define SVSM_LOG_SET_DEBUG 2u

/** struct svsm_log_query - SVSM_LOG_QUERY's result block. */
struct svsm_log_query {
	uint32_t version;    /* SVSM_LOG_PROTOCOL_VERSION */
	uint32_t ring_size;  /* bytes of record storage in the ring */
	uint64_t first_seq;  /* seq of the oldest record held (== next_seq when empty) */
	uint64_t next_seq;   /* seq the next record will get */
	uint64_t dropped;    /* records dropped to make room since boot */
	uint32_t debug;      /* 1 when debug mode mirrors the ring to the host console */
	uint32_t record_max; /* SVSM_LOG_RECORD_MAX */
} __attribute__((packed));
_Static_assert(offsetof(struct svsm_log_query, first_seq) == 8, "log query first_seq");
_Static_assert(offsetof(struct svsm_log_query, next_seq) == 16, "log query next_seq");
_Static_assert(offsetof(struct svsm_log_query, dropped) == 24, "log query dropped");
_Static_assert(offsetof(struct svsm_log_query, debug) == 32, "log query debug");
_Static_assert(sizeof(struct svsm_log_query) == 40, "log query size");

/*
 * The log service's entry in the attestation services manifest (docs/attestation.md):
 * GUID 677df59d-77d1-4fc4-8e04-a39864743330 (this project's), data = struct
 * svsm_log_manifest, so a relying party sees whether the guest turned debug mode on.
 */
#define SVSM_LOG_MANIFEST_GUID                                                          \
	SVSM_GUID_INIT(0x677df59du, 0x77d1u, 0x4fc4u, 0x8e, 0x04, 0xa3, 0x98, 0x64, 0x74, \
		       0x33, 0x30)
#define SVSM_LOG_MANIFEST_VERSION 1u
#define SVSM_LOG_MANIFEST_DEBUG_ON      0x1u /* debug mode is on now */
#define SVSM_LOG_MANIFEST_DEBUG_WAS_ON  0x2u /* debug mode was on at some time since boot */
/* The console level (the host's `log=` word) shows leveled lines, not only the host class. */
#define SVSM_LOG_MANIFEST_CONSOLE_LEVELED 0x4u

/** struct svsm_log_manifest - the log service's manifest data. */
struct svsm_log_manifest {
	uint32_t version; /* SVSM_LOG_MANIFEST_VERSION */
	uint32_t flags;   /* SVSM_LOG_MANIFEST_* */
} __attribute__((packed));
_Static_assert(offsetof(struct svsm_log_manifest, flags) == 4, "log manifest flags");
_Static_assert(sizeof(struct svsm_log_manifest) == 8, "log manifest size");

/*
 * The log device (paravisor mode: a guest OS that makes no SVSM calls reads the ring with
 * port I/O; docs/logging.md "The log device"). 32 ports at SVSM_LOG_DEV_PORT; registers are
 * 32 bits, accessed with aligned 4-byte IN/OUT, except DATA (1, 2 or 4 bytes). Other
 * accesses read all-ones and are ignored.
 *   0x00 ID      R   SVSM_LOG_DEV_ID ("SLOG")
 *   0x04 VERSION R   SVSM_LOG_DEV_VERSION
 *   0x08 CTRL    W   SVSM_LOG_DEV_CMD_*; reads 0
 *   0x0c STATUS  R   bit 0: debug mode on
 *   0x10 SEQ_LO  RW  low and high halves of the seq the next FETCH starts at; a FETCH sets
 *   0x14 SEQ_HI  RW  it to the seq after the record it loaded (or, with nothing new, to the
 *                    seq the next record will get)
 *   0x18 LEN     R   bytes of the record in the window (0: nothing new); one whole record
 *                    in the format above (header and text), oldest first from SEQ
 *   0x1c DATA    R   the window's next 1, 2 or 4 bytes, little-endian; 0 past LEN. A FETCH
 *                    rewinds it to the window's first byte.
 */
#define SVSM_LOG_DEV_PORT    0x5e0u
#define SVSM_LOG_DEV_PORTS   32u
#define SVSM_LOG_DEV_ID      0x474f4c53u /* "SLOG" in IN order */
#define SVSM_LOG_DEV_VERSION 1u

#define SVSM_LOG_DEV_REG_ID      0x00u
#define SVSM_LOG_DEV_REG_VERSION 0x04u
#define SVSM_LOG_DEV_REG_CTRL    0x08u
#define SVSM_LOG_DEV_REG_STATUS  0x0cu
#define SVSM_LOG_DEV_REG_SEQ_LO  0x10u
#define SVSM_LOG_DEV_REG_SEQ_HI  0x14u
#define SVSM_LOG_DEV_REG_LEN     0x18u
#define SVSM_LOG_DEV_REG_DATA    0x1cu

#define SVSM_LOG_DEV_CMD_FETCH     1u /* load the record at SEQ into the window */
#define SVSM_LOG_DEV_CMD_DEBUG_ON  2u
#define SVSM_LOG_DEV_CMD_DEBUG_OFF 3u

#define SVSM_LOG_DEV_STATUS_DEBUG 0x1u

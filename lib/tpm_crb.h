/*
 * The TPM 2.0 CRB interface's register state machine (TCG PC Client Platform TPM Profile
 * (PTP) 1.05, section 6.5 "CRB Interface"), with no hardware access, no lock and no TPM: the
 * device in kernel/devices/tpm_crb.c owns the MMIO range, the lock and running commands.
 * Freestanding; host-tested in tests/unit/tpm_crb_test.c and tests/fuzz/tpm_crb.c.
 *
 * The window is five 4 KiB locality pages at TPM_CRB_BASE. Only locality 0 is offered
 * (INTF_ID.CapLocality = 0): pages 1..4 read all-ones and ignore writes, as addresses with
 * no register behind them. Locality 0's page holds the locality registers (0x00..0x3f), the
 * control area (0x40..0x7f) and the command/response data buffer (0x80..0xfff; command and
 * response share it, as on QEMU's tpm-crb). Accesses may be 1, 2, 4 or 8 bytes at any
 * offset; each 32-bit register a write touches gets the written bytes merged into its
 * current value and then the register's write semantics. Read-only registers ignore writes.
 *
 * Registers of locality 0:
 *   0x00 LOC_STATE    tpmEstablished (bit 0, reads 1: no DRTM), locAssigned (bit 1),
 *                     activeLocality (bits 2-4, 0), tpmRegValidSts (bit 7, 1)
 *   0x08 LOC_CTRL     write-only: requestAccess (bit 0), relinquish (bit 1), seize (bit 2:
 *                     ignored, no higher locality exists), resetEstablishmentBit (bit 3:
 *                     ignored, localities 3-4 only)
 *   0x0c LOC_STS      granted (bit 0), beenSeized (bit 1, always 0)
 *   0x30 INTF_ID      CRB active, version CRB, locality 0 only, no idle bypass, 64-byte
 *                     transfers, CRB supported, selector CRB; 0x34 INTF_ID2: VID, DID
 *   0x38 CTRL_EXT     0
 *   0x40 CTRL_REQ     write cmdReady (bit 0: leave Idle) or goIdle (bit 1: enter Idle);
 *                     completes at once, reads 0. Ignored without the locality.
 *   0x44 CTRL_STS     tpmSts (bit 0: fatal error), tpmIdle (bit 1; 1 after reset)
 *   0x48 CTRL_CANCEL  bit 0, read/write by the active locality; cleared when a START is
 *                     accepted, so a stale cancel never reaches the next command
 *   0x4c CTRL_START   write 1 to run the command (needs the locality, not Idle, not already
 *                     running); reads 1 until the response is in the buffer
 *   0x50 INT_ENABLE   stored, no interrupt is ever raised; 0x54 INT_STS: reads 0
 *   0x58 CMD_SIZE, 0x5c CMD_LADDR, 0x60 CMD_HADDR, 0x64 RSP_SIZE, 0x68 RSP_ADDR (64-bit):
 *                     read-only, the data buffer (TPM_CRB_BASE + 0x80, TPM_CRB_DATA_SIZE)
 *   0x80.. DATA       the buffer, read/write at any time (a write while a command runs
 *                     lands in the buffer and is overwritten by the response)
 *
 * A START whose command header is malformed (commandSize < 10 or > TPM_CRB_DATA_SIZE) is
 * answered by the state machine itself, as a TPM answers it: a 10-byte TPM_ST_NO_SESSIONS
 * response with TPM_RC_COMMAND_SIZE, START cleared, nothing run.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TPM_CRB_BASE      0xfed40000ull
#define TPM_CRB_LOCALITIES 5u
#define TPM_CRB_PAGE      0x1000u
#define TPM_CRB_MMIO_SIZE (TPM_CRB_LOCALITIES * TPM_CRB_PAGE)

/* Register offsets in a locality page. */
#define TPM_CRB_LOC_STATE   0x00u
#define TPM_CRB_LOC_CTRL    0x08u
#define TPM_CRB_LOC_STS     0x0cu
#define TPM_CRB_INTF_ID     0x30u
#define TPM_CRB_INTF_ID2    0x34u
#define TPM_CRB_CTRL_EXT    0x38u
#define TPM_CRB_CTRL_REQ    0x40u /* the control area starts here: the TPM2 table's address */
#define TPM_CRB_CTRL_STS    0x44u
#define TPM_CRB_CTRL_CANCEL 0x48u
#define TPM_CRB_CTRL_START  0x4cu
#define TPM_CRB_INT_ENABLE  0x50u
#define TPM_CRB_INT_STS     0x54u
#define TPM_CRB_CMD_SIZE    0x58u
#define TPM_CRB_CMD_LADDR   0x5cu
#define TPM_CRB_CMD_HADDR   0x60u
#define TPM_CRB_RSP_SIZE    0x64u
#define TPM_CRB_RSP_ADDR    0x68u
#define TPM_CRB_DATA        0x80u
#define TPM_CRB_DATA_SIZE   (TPM_CRB_PAGE - TPM_CRB_DATA) /* 3968 bytes */

/* Register bits. */
#define TPM_CRB_LOC_STATE_ESTABLISHED (1u << 0)
#define TPM_CRB_LOC_STATE_ASSIGNED    (1u << 1)
#define TPM_CRB_LOC_STATE_REG_VALID   (1u << 7)
#define TPM_CRB_LOC_CTRL_REQUEST      (1u << 0)
#define TPM_CRB_LOC_CTRL_RELINQUISH   (1u << 1)
#define TPM_CRB_LOC_CTRL_SEIZE        (1u << 2)
#define TPM_CRB_LOC_CTRL_RESET_EST    (1u << 3)
#define TPM_CRB_LOC_STS_GRANTED       (1u << 0)
#define TPM_CRB_LOC_STS_SEIZED        (1u << 1)
#define TPM_CRB_CTRL_REQ_CMD_READY    (1u << 0)
#define TPM_CRB_CTRL_REQ_GO_IDLE      (1u << 1)
#define TPM_CRB_CTRL_STS_ERROR        (1u << 0)
#define TPM_CRB_CTRL_STS_IDLE         (1u << 1)
#define TPM_CRB_START                 (1u << 0)
#define TPM_CRB_CANCEL                (1u << 0)

/* The interface identifier (PTP 1.05 table 40): type CRB (1), version CRB (1), CapLocality 0,
 * CapCRBIdleBypass 0, CapDataXferSizeSupport 3 (64 bytes), CapFIFO 0, CapCRB 1,
 * InterfaceSelector CRB (1), RID 0; INTF_ID2: VID 0x1014 (IBM: libtpms), DID 0x0001. */
#define TPM_CRB_INTF_ID_VALUE  0x00025811u /* recomputed and checked in the unit test */
#define TPM_CRB_INTF_ID2_VALUE 0x00011014u

/** TPM_RC_COMMAND_SIZE - what the state machine answers a malformed command header with. */
#define TPM_CRB_RC_COMMAND_SIZE 0x142u

/**
 * struct tpm_crb - the device state; every field is the state machine's own.
 * @assigned:   locality 0 holds the TPM (LOC_STATE.locAssigned, LOC_STS.granted).
 * @idle:       CTRL_STS.tpmIdle.
 * @error:      CTRL_STS.tpmSts (set by tpm_crb_fail(), cleared by reset only).
 * @running:    CTRL_START bit 0: a command was taken and its response is not in yet.
 * @cancel:     CTRL_CANCEL bit 0.
 * @int_enable: INT_ENABLE as written.
 * @cmd_size:   the size of the command taken at the last START (valid while @running).
 * @data:       the data buffer.
 */
struct tpm_crb {
	bool assigned;
	bool idle;
	bool error;
	bool running;
	uint32_t cancel;
	uint32_t int_enable;
	uint32_t cmd_size;
	uint8_t data[TPM_CRB_DATA_SIZE];
};

/** enum tpm_crb_action - what the device must do after a write. */
enum tpm_crb_action {
	TPM_CRB_ACT_NONE = 0,
	TPM_CRB_ACT_EXECUTE, /* a well-formed command is in the buffer: tpm_crb_command() */
	TPM_CRB_ACT_CANCEL,  /* cancel written to 1 while a command runs */
};

/** tpm_crb_init - the state after a platform reset: no locality, Idle, no error. */
void tpm_crb_init(struct tpm_crb *c);

/**
 * tpm_crb_read - the value of a @size-byte (1, 2, 4, 8) read at @off in the window
 * (0 .. TPM_CRB_MMIO_SIZE - @size; anything else reads all-ones). Reads have no side effect.
 */
uint64_t tpm_crb_read(const struct tpm_crb *c, uint32_t off, unsigned size);

/**
 * tpm_crb_write - apply a @size-byte (1, 2, 4, 8) write of @value at @off in the window
 * (out-of-window and bad sizes are ignored). Returns what the device must do.
 */
enum tpm_crb_action tpm_crb_write(struct tpm_crb *c, uint32_t off, unsigned size,
				  uint64_t value);

/**
 * tpm_crb_command - after TPM_CRB_ACT_EXECUTE: the command (the start of @c->data) and its
 * size (from its header, 10 .. TPM_CRB_DATA_SIZE). The caller copies it before it lets any
 * other access reach @c.
 */
const uint8_t *tpm_crb_command(const struct tpm_crb *c, uint32_t *size);

/**
 * tpm_crb_complete - the response of the running command: copied to the buffer (the rest of
 * the buffer zeroed), START cleared. A response larger than the buffer or shorter than a
 * TPM header is a fatal error instead (tpm_crb_fail()). No-op when nothing runs.
 */
void tpm_crb_complete(struct tpm_crb *c, const uint8_t *rsp, uint32_t size);

/** tpm_crb_fail - the running command failed outside the TPM: tpmSts set, START cleared. */
void tpm_crb_fail(struct tpm_crb *c);

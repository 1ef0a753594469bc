/*
 * The TPM 2.0 CRB register state machine (tpm_crb.h): register reads and writes of the
 * five-page window, START/cancel/locality/idle transitions and malformed-header answers.
 * Owns no lock and touches no hardware: every struct tpm_crb belongs to its caller
 * (kernel/devices/tpm_crb.c), which serialises access to it.
 *
 * Choices the header leaves open:
 * - LOC_CTRL with both requestAccess and relinquish applies the request first, so the
 *   locality ends up released.
 * - CTRL_REQ with both cmdReady and goIdle applies cmdReady first (goIdle then wins unless a
 *   command runs).
 * - CTRL_CANCEL is cleared whenever a START is accepted (also for a malformed header), so a
 *   stale cancel never reaches the next command. The device is told TPM_CRB_ACT_CANCEL on
 *   every write that leaves bit 0 at 1 while a command runs; a second one is harmless.
 * - An access straddling page 0 and page 1 reads 0xff for its page-1 bytes and drops the
 *   page-1 bytes of a write.
 */
#include "lib/tpm_crb.h"

#define TPM_CRB_HDR_SIZE  10u
#define TPM_CRB_DATA_ADDR (TPM_CRB_BASE + TPM_CRB_DATA)

/* TPM_ST_NO_SESSIONS, size 10, TPM_RC_COMMAND_SIZE: the answer to a malformed header. */
static const uint8_t tpm_crb_size_error[TPM_CRB_HDR_SIZE] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00,
	(TPM_CRB_RC_COMMAND_SIZE >> 8) & 0xff, TPM_CRB_RC_COMMAND_SIZE & 0xff,
};

void tpm_crb_init(struct tpm_crb *c)
{
	__builtin_memset(c, 0, sizeof(*c));
	c->idle = true;
}

/* The 32-bit value a read of the register at 4-aligned @reg (below TPM_CRB_DATA) sees. */
static uint32_t reg_value(const struct tpm_crb *c, uint32_t reg)
{
	switch (reg) {
	case TPM_CRB_LOC_STATE:
		return TPM_CRB_LOC_STATE_ESTABLISHED | TPM_CRB_LOC_STATE_REG_VALID |
		       (c->assigned ? TPM_CRB_LOC_STATE_ASSIGNED : 0);
	case TPM_CRB_LOC_STS:
		return c->assigned ? TPM_CRB_LOC_STS_GRANTED : 0;
	case TPM_CRB_INTF_ID:
		return TPM_CRB_INTF_ID_VALUE;
	case TPM_CRB_INTF_ID2:
		return TPM_CRB_INTF_ID2_VALUE;
	case TPM_CRB_CTRL_STS:
		return (c->error ? TPM_CRB_CTRL_STS_ERROR : 0) |
		       (c->idle ? TPM_CRB_CTRL_STS_IDLE : 0);
	case TPM_CRB_CTRL_CANCEL:
		return c->cancel;
	case TPM_CRB_CTRL_START:
		return c->running ? TPM_CRB_START : 0;
	case TPM_CRB_INT_ENABLE:
		return c->int_enable;
	case TPM_CRB_CMD_SIZE:
	case TPM_CRB_RSP_SIZE:
		return TPM_CRB_DATA_SIZE;
	case TPM_CRB_CMD_LADDR:
	case TPM_CRB_RSP_ADDR:
		return (uint32_t)TPM_CRB_DATA_ADDR;
	case TPM_CRB_CMD_HADDR:
	case TPM_CRB_RSP_ADDR + 4:
		return (uint32_t)(TPM_CRB_DATA_ADDR >> 32);
	default:
		/* LOC_CTRL and CTRL_REQ are write-only; INT_STS never has a bit set. */
		return 0;
	}
}

static bool access_ok(uint32_t off, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		return false;
	}
	return (uint64_t)off + size <= TPM_CRB_MMIO_SIZE;
}

static uint8_t read_byte(const struct tpm_crb *c, uint32_t b)
{
	if (b >= TPM_CRB_PAGE) {
		return 0xff; /* localities 1..4 are not offered */
	}
	if (b >= TPM_CRB_DATA) {
		return c->data[b - TPM_CRB_DATA];
	}
	return (uint8_t)(reg_value(c, b & ~3u) >> (8 * (b & 3u)));
}

uint64_t tpm_crb_read(const struct tpm_crb *c, uint32_t off, unsigned size)
{
	uint64_t v = 0;

	if (!access_ok(off, size)) {
		return size > 0 && size < 8 ? (1ull << (8 * size)) - 1 : ~0ull;
	}
	for (unsigned i = 0; i < size; i++) {
		v |= (uint64_t)read_byte(c, off + i) << (8 * i);
	}
	return v;
}

static void set_response(struct tpm_crb *c, const uint8_t *rsp, uint32_t size)
{
	__builtin_memmove(c->data, rsp, size);
	__builtin_memset(c->data + size, 0, TPM_CRB_DATA_SIZE - size);
}

/* START written with bit 0 set: take the command if the state allows it. */
static enum tpm_crb_action start(struct tpm_crb *c)
{
	uint32_t size = 0;

	if (c->idle || c->running) {
		return TPM_CRB_ACT_NONE;
	}
	c->cancel = 0;
	size = (uint32_t)c->data[2] << 24 | (uint32_t)c->data[3] << 16 | (uint32_t)c->data[4] << 8 |
	       c->data[5];
	if (size < TPM_CRB_HDR_SIZE || size > TPM_CRB_DATA_SIZE) {
		set_response(c, tpm_crb_size_error, sizeof(tpm_crb_size_error));
		return TPM_CRB_ACT_NONE;
	}
	c->cmd_size = size;
	c->running = true;
	return TPM_CRB_ACT_EXECUTE;
}

/* The write semantics of the register at @reg, given its merged new value @v. */
static enum tpm_crb_action reg_write(struct tpm_crb *c, uint32_t reg, uint32_t v)
{
	if (reg == TPM_CRB_LOC_CTRL) {
		/* seize and resetEstablishmentBit: no higher locality exists. */
		if (v & TPM_CRB_LOC_CTRL_REQUEST) {
			c->assigned = true;
		}
		if (v & TPM_CRB_LOC_CTRL_RELINQUISH) {
			c->assigned = false; /* a running command still completes */
		}
		return TPM_CRB_ACT_NONE;
	}
	if (!c->assigned) {
		return TPM_CRB_ACT_NONE;
	}
	switch (reg) {
	case TPM_CRB_CTRL_REQ:
		if (v & TPM_CRB_CTRL_REQ_CMD_READY) {
			c->idle = false;
		}
		if ((v & TPM_CRB_CTRL_REQ_GO_IDLE) && !c->running) {
			c->idle = true;
		}
		return TPM_CRB_ACT_NONE;
	case TPM_CRB_CTRL_CANCEL:
		c->cancel = v & TPM_CRB_CANCEL;
		return c->cancel && c->running ? TPM_CRB_ACT_CANCEL : TPM_CRB_ACT_NONE;
	case TPM_CRB_CTRL_START:
		return (v & TPM_CRB_START) ? start(c) : TPM_CRB_ACT_NONE;
	case TPM_CRB_INT_ENABLE:
		c->int_enable = v;
		return TPM_CRB_ACT_NONE;
	default:
		return TPM_CRB_ACT_NONE; /* read-only or reserved */
	}
}

enum tpm_crb_action tpm_crb_write(struct tpm_crb *c, uint32_t off, unsigned size, uint64_t value)
{
	enum tpm_crb_action act = TPM_CRB_ACT_NONE;
	uint32_t end = 0;

	if (!access_ok(off, size) || off >= TPM_CRB_PAGE) {
		return TPM_CRB_ACT_NONE;
	}
	end = off + size;
	if (end > TPM_CRB_PAGE) {
		end = TPM_CRB_PAGE;
	}
	/* Registers: merge the written bytes into each touched register, then act. */
	for (uint32_t reg = off & ~3u; reg < end && reg < TPM_CRB_DATA; reg += 4) {
		uint32_t v = reg_value(c, reg);
		enum tpm_crb_action a = TPM_CRB_ACT_NONE;

		for (uint32_t b = reg; b < reg + 4; b++) {
			if (b >= off && b < end) {
				uint32_t shift = 8 * (b & 3u);
				uint32_t byte = (uint32_t)(value >> (8 * (b - off))) & 0xffu;

				v = (v & ~(0xffu << shift)) | byte << shift;
			}
		}
		a = reg_write(c, reg, v);
		if (a != TPM_CRB_ACT_NONE) {
			act = a;
		}
	}
	/* The data buffer: writable at any time. */
	for (uint32_t b = off < TPM_CRB_DATA ? TPM_CRB_DATA : off; b < end; b++) {
		c->data[b - TPM_CRB_DATA] = (uint8_t)(value >> (8 * (b - off)));
	}
	return act;
}

const uint8_t *tpm_crb_command(const struct tpm_crb *c, uint32_t *size)
{
	*size = c->cmd_size;
	return c->data;
}

void tpm_crb_complete(struct tpm_crb *c, const uint8_t *rsp, uint32_t size)
{
	if (!c->running) {
		return;
	}
	if (size < TPM_CRB_HDR_SIZE || size > TPM_CRB_DATA_SIZE) {
		tpm_crb_fail(c);
		return;
	}
	set_response(c, rsp, size);
	c->running = false;
}

void tpm_crb_fail(struct tpm_crb *c)
{
	c->error = true;
	c->running = false;
}

/*
 * Tests of lib/tpm_crb.c: reset values, the register sequences of EDK2's PtpCrbTpmCommand and
 * Linux 6.1's tpm_crb driven end to end against a fake TPM, every refused START, malformed
 * command sizes, bad responses, locality and cancel handling, pages 1..4, unaligned and
 * 8-byte accesses. Asserts on what the guest reads back.
 */
#include "lib/tpm_crb.h"
#include "tests/unit/harness.h"

#define P0 0u /* locality 0's page */

static uint32_t rd32(const struct tpm_crb *c, uint32_t off)
{
	return (uint32_t)tpm_crb_read(c, off, 4);
}

static enum tpm_crb_action wr32(struct tpm_crb *c, uint32_t off, uint32_t v)
{
	return tpm_crb_write(c, off, 4, v);
}

/* A TPM2_GetRandom(8) command: 12 bytes, TPM_ST_NO_SESSIONS. */
static const uint8_t get_random[12] = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0c,
				       0x00, 0x00, 0x01, 0x7b, 0x00, 0x08};

/* The fake TPM: answers TPM_RC_SUCCESS with @extra payload bytes 0xa0, 0xa1, ... */
static uint32_t fake_tpm(const uint8_t *cmd, uint32_t cmd_size, uint8_t *rsp, uint32_t extra)
{
	uint32_t size = 10 + extra;

	(void)cmd;
	(void)cmd_size;
	memset(rsp, 0, size);
	rsp[0] = 0x80;
	rsp[1] = 0x01;
	rsp[2] = (uint8_t)(size >> 24);
	rsp[3] = (uint8_t)(size >> 16);
	rsp[4] = (uint8_t)(size >> 8);
	rsp[5] = (uint8_t)size;
	for (uint32_t i = 0; i < extra; i++) {
		rsp[10 + i] = (uint8_t)(0xa0 + i);
	}
	return size;
}

/* Locality, cmdReady and a command in the buffer: ready for START. */
static void ready_with(struct tpm_crb *c, const uint8_t *cmd, uint32_t len)
{
	tpm_crb_init(c);
	wr32(c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	wr32(c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	for (uint32_t i = 0; i < len; i++) {
		tpm_crb_write(c, TPM_CRB_DATA + i, 1, cmd[i]);
	}
}

static void ready_size(struct tpm_crb *c, uint32_t size)
{
	uint8_t hdr[10] = {0x80, 0x01, (uint8_t)(size >> 24), (uint8_t)(size >> 16),
			   (uint8_t)(size >> 8), (uint8_t)size, 0, 0, 0x01, 0x7b};

	ready_with(c, hdr, sizeof(hdr));
}

TEST(tpm_crb, reset_values)
{
	struct tpm_crb c;
	uint32_t id = 0;

	tpm_crb_init(&c);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_CTRL), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_EXT), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_REQ), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_ENABLE), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_STS), 0u);
	/* PTP table 40 / QEMU hw/acpi/tpm.h field positions. */
	id |= 1u << 0;  /* InterfaceType: CRB active */
	id |= 1u << 4;  /* InterfaceVersion: CRB */
	id |= 0u << 8;  /* CapLocality: locality 0 only */
	id |= 0u << 9;  /* CapCRBIdleBypass */
	id |= 3u << 11; /* CapDataXferSizeSupport: 64 bytes */
	id |= 0u << 13; /* CapFIFO */
	id |= 1u << 14; /* CapCRB */
	id |= 1u << 17; /* InterfaceSelector: CRB */
	id |= 0u << 19; /* IntfSelLock */
	id |= 0u << 24; /* RID */
	EXPECT_EQ(id, TPM_CRB_INTF_ID_VALUE);
	EXPECT_EQ(rd32(&c, TPM_CRB_INTF_ID), id);
	EXPECT_EQ(rd32(&c, TPM_CRB_INTF_ID2), 0x1014u | 0x0001u << 16);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_INTF_ID, 8),
		  (uint64_t)TPM_CRB_INTF_ID2_VALUE << 32 | TPM_CRB_INTF_ID_VALUE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_SIZE), 3968u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_LADDR), 0xfed40080u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_HADDR), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_RSP_SIZE), 3968u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_RSP_ADDR, 8), 0xfed40080ull);
	/* Between registers: zero. */
	EXPECT_EQ(rd32(&c, 0x04), 0u);
	for (uint32_t off = 0x10; off < 0x30; off += 4) {
		EXPECT_EQ(rd32(&c, off), 0u);
	}
	EXPECT_EQ(rd32(&c, 0x3c), 0u);
	EXPECT_EQ(tpm_crb_read(&c, 0x70, 8), 0u);
	EXPECT_EQ(tpm_crb_read(&c, 0x78, 8), 0u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA, 8), 0u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_PAGE - 8, 8), 0u);
}

TEST(tpm_crb, edk2_ptp_crb_command)
{
	struct tpm_crb c;
	uint8_t rsp[64];
	uint8_t got[64];
	const uint8_t *cmd = NULL;
	uint32_t cmd_size = 0;
	uint32_t rsp_size = 0;
	uint32_t n = 0;

	tpm_crb_init(&c);
	/* Request the locality and wait for granted. */
	EXPECT_EQ(wr32(&c, P0 + TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST), TPM_CRB_ACT_NONE);
	ASSERT_EQ(rd32(&c, TPM_CRB_LOC_STS) & TPM_CRB_LOC_STS_GRANTED, TPM_CRB_LOC_STS_GRANTED);
	/* Idle: cmdReady, poll it to 0, tpmIdle must be 0. */
	ASSERT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_IDLE, TPM_CRB_CTRL_STS_IDLE);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_REQ), 0u);
	ASSERT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_IDLE, 0u);
	/* The command byte by byte. */
	for (uint32_t i = 0; i < sizeof(get_random); i++) {
		EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_DATA + i, 1, get_random[i]), TPM_CRB_ACT_NONE);
	}
	/* EDK2 writes the address and size registers with what we report. */
	wr32(&c, TPM_CRB_CMD_HADDR, 0);
	wr32(&c, TPM_CRB_CMD_LADDR, 0xfed40080u);
	wr32(&c, TPM_CRB_CMD_SIZE, TPM_CRB_DATA_SIZE);
	tpm_crb_write(&c, TPM_CRB_RSP_ADDR, 8, 0xfed40080ull);
	wr32(&c, TPM_CRB_RSP_SIZE, TPM_CRB_DATA_SIZE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_LADDR), 0xfed40080u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_SIZE), TPM_CRB_DATA_SIZE);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_RSP_ADDR, 8), 0xfed40080ull);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	/* START. */
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, TPM_CRB_START), TPM_CRB_ACT_EXECUTE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), TPM_CRB_START);
	cmd = tpm_crb_command(&c, &cmd_size);
	ASSERT_EQ(cmd_size, sizeof(get_random));
	EXPECT_MEMEQ(cmd, get_random, sizeof(get_random));
	rsp_size = fake_tpm(cmd, cmd_size, rsp, 10);
	tpm_crb_complete(&c, rsp, rsp_size);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	/* The header, then the rest, byte-wise. */
	for (uint32_t i = 0; i < 10; i++) {
		got[i] = (uint8_t)tpm_crb_read(&c, TPM_CRB_DATA + i, 1);
	}
	n = (uint32_t)got[2] << 24 | (uint32_t)got[3] << 16 | (uint32_t)got[4] << 8 | got[5];
	ASSERT_EQ(n, rsp_size);
	for (uint32_t i = 10; i < n; i++) {
		got[i] = (uint8_t)tpm_crb_read(&c, TPM_CRB_DATA + i, 1);
	}
	EXPECT_MEMEQ(got, rsp, rsp_size);
	/* Past the response: zero (the command's bytes are gone). */
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA + rsp_size, 8), 0u);
	/* goIdle. */
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_REQ), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
}

TEST(tpm_crb, linux_tpm_crb_command)
{
	struct tpm_crb c;
	uint8_t cmd_buf[40];
	uint8_t rsp[600];
	uint8_t got[600];
	const uint8_t *cmd = NULL;
	uint64_t cmd_pa = 0;
	uint64_t rsp_pa = 0;
	uint32_t cmd_size = 0;
	uint32_t rsp_size = 0;
	uint32_t expected = 0;
	uint32_t i = 0;

	tpm_crb_init(&c);
	/* requestAccess, then poll LOC_STATE for locAssigned | tpmRegValidSts. */
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE) &
			  (TPM_CRB_LOC_STATE_ASSIGNED | TPM_CRB_LOC_STATE_REG_VALID),
		  TPM_CRB_LOC_STATE_ASSIGNED | TPM_CRB_LOC_STATE_REG_VALID);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_REQ) & TPM_CRB_CTRL_REQ_CMD_READY, 0u);
	/* crb_map_io: the buffer's addresses and sizes. */
	cmd_pa = (uint64_t)rd32(&c, TPM_CRB_CMD_HADDR) << 32 | rd32(&c, TPM_CRB_CMD_LADDR);
	rsp_pa = tpm_crb_read(&c, TPM_CRB_RSP_ADDR, 8);
	EXPECT_EQ(cmd_pa, TPM_CRB_BASE + TPM_CRB_DATA);
	EXPECT_EQ(rsp_pa, cmd_pa);
	EXPECT_EQ(rd32(&c, TPM_CRB_CMD_SIZE), TPM_CRB_DATA_SIZE);
	EXPECT_EQ(rd32(&c, TPM_CRB_RSP_SIZE), TPM_CRB_DATA_SIZE);
	/* crb_send: cancel to 0, memcpy_toio (8-byte words, then bytes), START. */
	for (i = 0; i < sizeof(cmd_buf); i++) {
		cmd_buf[i] = (uint8_t)(0x30 + i);
	}
	memcpy(cmd_buf, get_random, 6);
	cmd_buf[5] = 37; /* commandSize 37: not a multiple of 8 */
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_CANCEL, 0), TPM_CRB_ACT_NONE);
	for (i = 0; i + 8 <= 37; i += 8) {
		uint64_t w = 0;

		memcpy(&w, cmd_buf + i, 8);
		tpm_crb_write(&c, TPM_CRB_DATA + i, 8, w);
	}
	for (; i < 37; i++) {
		tpm_crb_write(&c, TPM_CRB_DATA + i, 1, cmd_buf[i]);
	}
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, TPM_CRB_START), TPM_CRB_ACT_EXECUTE);
	/* crb_status: not done while START reads 1. */
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START) & TPM_CRB_START, TPM_CRB_START);
	cmd = tpm_crb_command(&c, &cmd_size);
	ASSERT_EQ(cmd_size, 37u);
	EXPECT_MEMEQ(cmd, cmd_buf, 37);
	rsp_size = fake_tpm(cmd, cmd_size, rsp, 500);
	tpm_crb_complete(&c, rsp, rsp_size);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START) & TPM_CRB_START, 0u);
	/* crb_recv: 8 bytes, check tpmSts, then the rest with memcpy_fromio. */
	{
		uint64_t w = tpm_crb_read(&c, TPM_CRB_DATA, 8);

		memcpy(got, &w, 8);
	}
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR, 0u);
	expected = (uint32_t)got[2] << 24 | (uint32_t)got[3] << 16 | (uint32_t)got[4] << 8 | got[5];
	ASSERT_EQ(expected, rsp_size);
	for (i = 8; i + 4 <= expected; i += 4) {
		uint32_t w = rd32(&c, TPM_CRB_DATA + i);

		memcpy(got + i, &w, 4);
	}
	for (; i < expected; i++) {
		got[i] = (uint8_t)tpm_crb_read(&c, TPM_CRB_DATA + i, 1);
	}
	EXPECT_MEMEQ(got, rsp, rsp_size);
	/* go_idle, relinquish. */
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), 0u);
	/* A second command through the same sequence. */
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	for (i = 0; i < sizeof(get_random); i++) {
		tpm_crb_write(&c, TPM_CRB_DATA + i, 1, get_random[i]);
	}
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, TPM_CRB_START), TPM_CRB_ACT_EXECUTE);
	cmd = tpm_crb_command(&c, &cmd_size);
	EXPECT_EQ(cmd_size, 12u);
	tpm_crb_complete(&c, rsp, fake_tpm(cmd, cmd_size, rsp, 0));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_DATA + 4), 0x0a00u);
}

TEST(tpm_crb, start_refused)
{
	struct tpm_crb c;
	uint32_t size = 0;

	/* Idle (after reset, with the locality). */
	tpm_crb_init(&c);
	tpm_crb_write(&c, TPM_CRB_DATA, 8, 0x00000c0000000180ull);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	/* Idle again after goIdle. */
	ready_with(&c, get_random, sizeof(get_random));
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	/* Without the locality (not Idle). */
	ready_with(&c, get_random, sizeof(get_random));
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA, 2), 0x0180u); /* command untouched */
	/* Never assigned at all: cmdReady is ignored too, so still Idle. */
	tpm_crb_init(&c);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_NONE);
	/* While running: a second START does not re-take the command. */
	ready_with(&c, get_random, sizeof(get_random));
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	tpm_crb_write(&c, TPM_CRB_DATA + 5, 1, 0x0b); /* guest rewrites the size meanwhile */
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_NONE);
	tpm_crb_command(&c, &size);
	EXPECT_EQ(size, 12u);
	/* Writing 0 or other bits never starts. */
	ready_with(&c, get_random, sizeof(get_random));
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 0), TPM_CRB_ACT_NONE);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 0xfffffffe), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
}

TEST(tpm_crb, malformed_sizes_answered)
{
	static const uint8_t answer[10] = {0x80, 0x01, 0x00, 0x00, 0x00,
					   0x0a, 0x00, 0x00, 0x01, 0x42};
	static const uint32_t bad[] = {9, 0, 3969, 0xffffffffu, 10u << 24};
	struct tpm_crb c;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t got[16];

		ready_size(&c, bad[i]);
		tpm_crb_write(&c, TPM_CRB_DATA + 10, 4, 0xdeadbeef);
		wr32(&c, TPM_CRB_CTRL_CANCEL, 1);
		EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, TPM_CRB_START), TPM_CRB_ACT_NONE);
		EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
		EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
		EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
		for (unsigned j = 0; j < sizeof(got); j++) {
			got[j] = (uint8_t)tpm_crb_read(&c, TPM_CRB_DATA + j, 1);
		}
		EXPECT_MEMEQ(got, answer, sizeof(answer));
		EXPECT_EQ(rd32(&c, TPM_CRB_DATA + 10), 0u); /* zeroed past the answer */
	}
	/* The bounds themselves are accepted. */
	ready_size(&c, 10);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	ready_size(&c, TPM_CRB_DATA_SIZE);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
}

TEST(tpm_crb, bad_response_is_fatal)
{
	static uint8_t big[TPM_CRB_DATA_SIZE + 1];
	struct tpm_crb c;
	uint8_t rsp[16];
	uint32_t size = 0;

	/* Too large. */
	ready_with(&c, get_random, sizeof(get_random));
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	tpm_crb_complete(&c, big, sizeof(big));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR, TPM_CRB_CTRL_STS_ERROR);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA, 2), 0x0180u); /* buffer not overwritten */
	/* The error sticks across commands until reset. */
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	tpm_crb_command(&c, &size);
	tpm_crb_complete(&c, rsp, fake_tpm(NULL, 0, rsp, 2));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR, TPM_CRB_CTRL_STS_ERROR);
	tpm_crb_init(&c);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	/* Too short (9 bytes and none). */
	for (uint32_t n = 0; n < 10; n += 9) {
		ready_with(&c, get_random, sizeof(get_random));
		ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
		tpm_crb_complete(&c, rsp, n);
		EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
		EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_ERROR);
	}
	/* tpm_crb_fail directly. */
	ready_with(&c, get_random, sizeof(get_random));
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	tpm_crb_fail(&c);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_ERROR);
	/* complete with nothing running: no-op. */
	ready_with(&c, get_random, sizeof(get_random));
	tpm_crb_complete(&c, rsp, fake_tpm(NULL, 0, rsp, 2));
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA, 8), 0x00000c0000000180ull);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA + 10, 2), 0x0800u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
}

TEST(tpm_crb, locality_relinquish_seize_reset_establishment)
{
	struct tpm_crb c;
	uint8_t rsp[16];
	uint32_t size = 0;

	tpm_crb_init(&c);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x83u);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), TPM_CRB_LOC_STS_GRANTED);
	/* Seize and resetEstablishmentBit change nothing. */
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_SEIZE);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RESET_EST);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x83u);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), TPM_CRB_LOC_STS_GRANTED);
	/* LOC_STATE, LOC_STS are read-only. */
	wr32(&c, TPM_CRB_LOC_STATE, 0);
	wr32(&c, TPM_CRB_LOC_STS, 0);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x83u);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_SEIZE | TPM_CRB_LOC_CTRL_RESET_EST);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	/* Request and relinquish together: released. */
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST | TPM_CRB_LOC_CTRL_RELINQUISH);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), 0u);
	/* Relinquish while running: released, the command still completes. */
	ready_with(&c, get_random, sizeof(get_random));
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 1u);
	tpm_crb_command(&c, &size);
	tpm_crb_complete(&c, rsp, fake_tpm(NULL, 0, rsp, 4));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_DATA + 10, 4), 0xa3a2a1a0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
}

TEST(tpm_crb, gated_writes_need_locality)
{
	struct tpm_crb c;

	tpm_crb_init(&c);
	wr32(&c, TPM_CRB_INT_ENABLE, 0x1234);
	wr32(&c, TPM_CRB_CTRL_CANCEL, 1);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_ENABLE), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	/* The buffer is writable without the locality. */
	tpm_crb_write(&c, TPM_CRB_DATA + 100, 4, 0xcafef00d);
	EXPECT_EQ(rd32(&c, TPM_CRB_DATA + 100), 0xcafef00du);
	/* With it: INT_ENABLE stored, INT_STS stays 0, read-only registers unchanged. */
	wr32(&c, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	wr32(&c, TPM_CRB_INT_ENABLE, 0x80000001u);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_ENABLE), 0x80000001u);
	wr32(&c, TPM_CRB_INT_STS, 0xffffffffu);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_STS), 0u);
	wr32(&c, TPM_CRB_INTF_ID, 0);
	wr32(&c, TPM_CRB_CTRL_STS, 0xffffffffu);
	wr32(&c, TPM_CRB_CTRL_EXT, 0xffffffffu);
	wr32(&c, 0x20, 0xffffffffu);
	EXPECT_EQ(rd32(&c, TPM_CRB_INTF_ID), TPM_CRB_INTF_ID_VALUE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_EXT), 0u);
	EXPECT_EQ(rd32(&c, 0x20), 0u);
}

TEST(tpm_crb, idle_transitions)
{
	struct tpm_crb c;

	ready_with(&c, get_random, sizeof(get_random));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	/* goIdle while running: ignored. */
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	tpm_crb_fail(&c);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_IDLE | TPM_CRB_CTRL_STS_ERROR);
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), TPM_CRB_CTRL_STS_ERROR);
	/* Both bits: cmdReady, then goIdle. */
	wr32(&c, TPM_CRB_CTRL_REQ, TPM_CRB_CTRL_REQ_CMD_READY | TPM_CRB_CTRL_REQ_GO_IDLE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_IDLE, TPM_CRB_CTRL_STS_IDLE);
}

TEST(tpm_crb, cancel)
{
	struct tpm_crb c;
	uint8_t rsp[16];
	uint32_t size = 0;

	ready_with(&c, get_random, sizeof(get_random));
	/* Stored while nothing runs, bit 0 only, no action. */
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_CANCEL, 0xffffffffu), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 1u);
	/* A new START clears it. */
	ASSERT_EQ(wr32(&c, TPM_CRB_CTRL_START, 1), TPM_CRB_ACT_EXECUTE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
	/* 1 while running: cancel the command. */
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_CANCEL, 1), TPM_CRB_ACT_CANCEL);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 1u);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_CANCEL, 1, 0), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_CANCEL, 1, 1), TPM_CRB_ACT_CANCEL);
	tpm_crb_command(&c, &size);
	tpm_crb_complete(&c, rsp, fake_tpm(NULL, 0, rsp, 0));
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	/* Cancel after completion: stored, no action; Linux writes 0 before its next START. */
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 1u);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_CANCEL, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(wr32(&c, TPM_CRB_CTRL_CANCEL, 0), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
}

TEST(tpm_crb, pages_1_to_4_and_outside)
{
	struct tpm_crb c;

	tpm_crb_init(&c);
	for (uint32_t page = 1; page < TPM_CRB_LOCALITIES; page++) {
		uint32_t base = page * TPM_CRB_PAGE;

		EXPECT_EQ(rd32(&c, base + TPM_CRB_LOC_STATE), 0xffffffffu);
		EXPECT_EQ(rd32(&c, base + TPM_CRB_INTF_ID), 0xffffffffu);
		EXPECT_EQ(tpm_crb_read(&c, base + TPM_CRB_DATA, 8), ~0ull);
		EXPECT_EQ(tpm_crb_read(&c, base + 0x7, 1), 0xffu);
		EXPECT_EQ(tpm_crb_read(&c, base + 0x3, 2), 0xffffu);
		/* Writes do nothing, in particular to page 0. */
		EXPECT_EQ(wr32(&c, base + TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST),
			  TPM_CRB_ACT_NONE);
		EXPECT_EQ(tpm_crb_write(&c, base + TPM_CRB_DATA, 8, 0), TPM_CRB_ACT_NONE);
		EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	}
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_MMIO_SIZE - 8, 8), ~0ull);
	/* Beyond the window: all-ones, writes ignored. */
	EXPECT_EQ(rd32(&c, TPM_CRB_MMIO_SIZE), 0xffffffffu);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_MMIO_SIZE - 4, 8), ~0ull);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_MMIO_SIZE - 1, 2), 0xffffu);
	EXPECT_EQ(tpm_crb_read(&c, 0xfffffffeu, 4), 0xffffffffu);
	EXPECT_EQ(tpm_crb_read(&c, 0xffffffffu, 1), 0xffu);
	EXPECT_EQ(wr32(&c, 0xfffffffcu, 1), TPM_CRB_ACT_NONE);
	/* Bad sizes: all-ones, writes ignored. */
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_LOC_STATE, 3), 0xffffffu);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_LOC_STATE, 0), ~0ull);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_LOC_STATE, 16), ~0ull);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_LOC_CTRL, 3, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_DATA, 0, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STATE), 0x81u);
	EXPECT_EQ(rd32(&c, TPM_CRB_DATA), 0u);
}

TEST(tpm_crb, unaligned_and_wide_accesses)
{
	struct tpm_crb c;

	tpm_crb_init(&c);
	/* Bytes of LOC_STATE and a read across CTRL_REQ/CTRL_STS. */
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_LOC_STATE, 1), 0x81u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_LOC_STATE + 1, 1), 0u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_CTRL_STS - 1, 2), 0x0200u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_INTF_ID + 1, 4),
		  TPM_CRB_INTF_ID_VALUE >> 8 | (TPM_CRB_INTF_ID2_VALUE & 0xffu) << 24);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_CMD_LADDR + 2, 8), 0xfed4ull | 3968ull << 48);
	/* An 8-byte write at LOC_CTRL also covers LOC_STS, which is read-only. */
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_LOC_CTRL, 8, TPM_CRB_LOC_CTRL_REQUEST),
		  TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_LOC_STS), TPM_CRB_LOC_STS_GRANTED);
	/* Unaligned 2-byte write at 0x3f puts cmdReady into CTRL_REQ's low byte. */
	tpm_crb_write(&c, TPM_CRB_CTRL_REQ - 1, 2, 0x0100);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_STS), 0u);
	/* 8 bytes at INT_ENABLE - 2: INT_ENABLE gets bytes 2..5, merged with what it held. */
	wr32(&c, TPM_CRB_INT_ENABLE, 0xaabbccddu);
	tpm_crb_write(&c, TPM_CRB_INT_ENABLE - 2, 8, 0x0000112233445566ull);
	EXPECT_EQ(rd32(&c, TPM_CRB_INT_ENABLE), 0x11223344u);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u); /* 0x66 0x55 hit START's high bytes */
	/* 8 bytes at 0x7c: 4 reserved bytes, then the buffer's first 4. */
	tpm_crb_write(&c, 0x7c, 8, 0x0c00000001800000ull | 0xffull);
	EXPECT_EQ(rd32(&c, 0x7c), 0u);
	EXPECT_EQ(rd32(&c, TPM_CRB_DATA), 0x0c000000u);
	EXPECT_EQ(tpm_crb_read(&c, 0x7c, 8), 0x0c00000000000000ull);
	/* 8 bytes over CANCEL and START at once: cancel 0, start 1. */
	tpm_crb_write(&c, TPM_CRB_DATA, 8, 0x00000c0000000180ull);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_CANCEL, 8, 1ull << 32), TPM_CRB_ACT_EXECUTE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 1u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_CTRL_CANCEL, 8), 1ull << 32);
	/* 8 bytes at the end of page 0: the page-1 half reads all-ones. */
	tpm_crb_write(&c, TPM_CRB_PAGE - 4, 8, 0x1122334455667788ull);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_PAGE - 4, 8), 0xffffffff55667788ull);
	EXPECT_EQ(rd32(&c, TPM_CRB_PAGE - 4), 0x55667788u);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_PAGE - 1, 2), 0xff55u);
}

TEST(tpm_crb, byte_writes_to_start)
{
	struct tpm_crb c;

	ready_with(&c, get_random, sizeof(get_random));
	/* A write to START's upper bytes alone never starts. */
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START + 1, 1, 1), TPM_CRB_ACT_NONE);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START + 2, 2, 0xffff), TPM_CRB_ACT_NONE);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START, 1, 0xfe), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 0u);
	/* The low byte does. */
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START, 1, 1), TPM_CRB_ACT_EXECUTE);
	EXPECT_EQ(tpm_crb_read(&c, TPM_CRB_CTRL_START, 1), 1u);
	/* While running, a byte write of 0 does not clear START, nor does one to byte 1. */
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START, 1, 0), TPM_CRB_ACT_NONE);
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START + 1, 1, 0), TPM_CRB_ACT_NONE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_START), 1u);
	/* 2-byte write at 0x4b: CANCEL's top byte and START's low byte. */
	ready_with(&c, get_random, sizeof(get_random));
	EXPECT_EQ(tpm_crb_write(&c, TPM_CRB_CTRL_START - 1, 2, 0x0100), TPM_CRB_ACT_EXECUTE);
	EXPECT_EQ(rd32(&c, TPM_CRB_CTRL_CANCEL), 0u);
}

/*
 * Tests of lib/cfi_flash.c: EDK2 QemuFlash.c's exact sequences (QemuFlashDetected's probe,
 * QemuFlashWrite's byte program loop ending in READ_ARRAY, QemuFlashEraseBlock's 0x20/0xd0),
 * the read modes (status, identifier, CFI query), write to buffer, 16/32/64-bit accesses,
 * malformed sequences (error bits, back to read array), the mode events the device maps and
 * unmaps the array on, and the change counter it commits on.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/cfi_flash.h"
#include "tests/unit/harness.h"

#define VARS_SIZE 0x84000u
#define BLOCK 0x1000u

struct fixture {
	struct cfi_flash f;
	uint8_t *a;
};

static void setup(struct fixture *x)
{
	x->a = malloc(VARS_SIZE);
	for (uint32_t i = 0; i < VARS_SIZE; i++) {
		x->a[i] = (uint8_t)(i * 7 + 3);
	}
	/* An FV header's first 16 bytes (zero vector) are 0: QemuFlashDetected skips them. */
	memset(x->a, 0, 16);
	x->a[16] = 0x8d;
	cfi_flash_init(&x->f, x->a, VARS_SIZE, BLOCK);
}

static uint8_t rd8(struct fixture *x, uint32_t off)
{
	return (uint8_t)cfi_flash_read(&x->f, off, 1);
}

static unsigned wr8(struct fixture *x, uint32_t off, uint8_t v)
{
	return cfi_flash_write(&x->f, off, 1, v);
}

TEST(cfi_flash, init_refuses_bad_geometry)
{
	struct cfi_flash f;
	uint8_t a[4096];

	EXPECT_FALSE(cfi_flash_init(&f, a, sizeof(a), 3000));
	EXPECT_FALSE(cfi_flash_init(&f, a, 4000, 4096));
	EXPECT_FALSE(cfi_flash_init(&f, a, 0, 4096));
	EXPECT_FALSE(cfi_flash_init(&f, NULL, 4096, 4096));
	EXPECT_TRUE(cfi_flash_init(&f, a, sizeof(a), 4096));
	EXPECT_TRUE(cfi_flash_array_mode(&f));
	EXPECT_EQ(cfi_flash_status(&f), 0x80);
}

/* QemuFlashDetected, non-SEV-ES branch, step by step. */
TEST(cfi_flash, ovmf_probe_detects_flash)
{
	struct fixture x;
	uint32_t off = 0;
	uint8_t original, probe;

	setup(&x);
	while (off < BLOCK &&
	       (rd8(&x, off) == 0x50 || rd8(&x, off) == 0x70 || rd8(&x, off) == 0x00)) {
		off++;
	}
	ASSERT_EQ(off, 16u);
	original = rd8(&x, off);
	EXPECT_EQ(wr8(&x, off, 0x50), (unsigned)CFI_FLASH_EV_NONE); /* left and re-entered */
	probe = rd8(&x, off);
	/* Not "behaves as RAM": the byte did not become 0x50. */
	EXPECT_EQ(probe, original);
	EXPECT_EQ(wr8(&x, off, 0x70), (unsigned)CFI_FLASH_EV_LEFT_ARRAY);
	probe = rd8(&x, off);
	EXPECT_EQ(probe, 0x00); /* CLEARED_ARRAY_STATUS: "FD behaves as FLASH" */
	EXPECT_EQ(wr8(&x, off, 0xff), (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_EQ(rd8(&x, off), original);
	EXPECT_EQ(cfi_flash_changes(&x.f), 0u);
	free(x.a);
}

/* QemuFlashWrite: for each byte WRITE_BYTE_CMD then the byte; READ_ARRAY on the last. */
TEST(cfi_flash, ovmf_write_loop)
{
	struct fixture x;
	const uint8_t buf[5] = {0xde, 0xad, 0xbe, 0xef, 0x42};
	uint32_t base = 3 * BLOCK + 100;
	unsigned ev = 0;

	setup(&x);
	for (unsigned i = 0; i < sizeof(buf); i++) {
		ev |= wr8(&x, base + i, 0x10);
		EXPECT_FALSE(cfi_flash_array_mode(&x.f));
		ev |= wr8(&x, base + i, buf[i]);
		/* Between bytes the flash reads status (QEMU keeps cmd 0x10). */
		EXPECT_EQ(rd8(&x, base), 0x80);
	}
	EXPECT_EQ(ev, (unsigned)CFI_FLASH_EV_LEFT_ARRAY);
	EXPECT_EQ(wr8(&x, base + sizeof(buf) - 1, 0xff), (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_TRUE(cfi_flash_array_mode(&x.f));
	EXPECT_MEMEQ(x.a + base, buf, sizeof(buf));
	EXPECT_EQ(cfi_flash_changes(&x.f), 5u);
	EXPECT_EQ(rd8(&x, base + 2), 0xbe);
	free(x.a);
}

/* QemuFlashEraseBlock: 0x20 then 0xd0 at the block's start; no READ_ARRAY after it. */
TEST(cfi_flash, ovmf_erase_block)
{
	struct fixture x;
	uint32_t lba = 5;
	uint8_t before_next = 0;

	setup(&x);
	before_next = x.a[(lba + 1) * BLOCK];
	EXPECT_EQ(wr8(&x, lba * BLOCK, 0x20), (unsigned)CFI_FLASH_EV_LEFT_ARRAY);
	EXPECT_EQ(wr8(&x, lba * BLOCK, 0xd0), (unsigned)CFI_FLASH_EV_NONE);
	for (uint32_t i = 0; i < BLOCK; i++) {
		if (x.a[lba * BLOCK + i] != 0xff) {
			EXPECT_EQ(x.a[lba * BLOCK + i], 0xff);
			break;
		}
	}
	EXPECT_EQ(x.a[(lba + 1) * BLOCK], before_next);
	EXPECT_EQ(x.a[lba * BLOCK - 1], (uint8_t)((lba * BLOCK - 1) * 7 + 3));
	EXPECT_EQ(rd8(&x, lba * BLOCK), 0x80); /* status mode until the next command */
	EXPECT_EQ(cfi_flash_changes(&x.f), 1u);
	/* The next QemuFlashWrite ends it. */
	wr8(&x, lba * BLOCK, 0x10);
	wr8(&x, lba * BLOCK, 0x12);
	EXPECT_EQ(wr8(&x, lba * BLOCK, 0xff), (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_EQ(rd8(&x, lba * BLOCK), 0x12);
	EXPECT_EQ(rd8(&x, lba * BLOCK + 1), 0xff);
	free(x.a);
}

TEST(cfi_flash, erase_mid_block_address_erases_whole_block)
{
	struct fixture x;

	setup(&x);
	wr8(&x, 2 * BLOCK + 0x7ff, 0x20);
	wr8(&x, 2 * BLOCK + 0x7ff, 0xd0);
	EXPECT_EQ(x.a[2 * BLOCK], 0xff);
	EXPECT_EQ(x.a[3 * BLOCK - 1], 0xff);
	EXPECT_NE(x.a[3 * BLOCK], 0xff);
	free(x.a);
}

TEST(cfi_flash, status_read_widths)
{
	struct fixture x;

	setup(&x);
	wr8(&x, 0, 0x70);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 1), 0x80u);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 2), 0x80u);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 4), 0x800080u);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 8), 0x0080008000800080ull);
	wr8(&x, 0, 0x50);
	wr8(&x, 0, 0x70);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 4), 0u);
	free(x.a);
}

TEST(cfi_flash, identify_and_cfi_query)
{
	struct fixture x;

	setup(&x);
	wr8(&x, 0, 0x90);
	EXPECT_EQ(rd8(&x, 0), 0u); /* QEMU's pc flash: identifier bytes 0 */
	EXPECT_EQ(rd8(&x, 2), 0u);
	wr8(&x, 0, 0xff);
	wr8(&x, 0x55, 0x98);
	EXPECT_EQ(rd8(&x, 0x10), 'Q');
	EXPECT_EQ(rd8(&x, 0x11), 'R');
	EXPECT_EQ(rd8(&x, 0x12), 'Y');
	EXPECT_EQ(rd8(&x, 0x13), 0x01);
	EXPECT_EQ(rd8(&x, 0x2c), 0x01);
	/* 0x84 blocks of 4 KiB: region 1 holds 0x83 and 0x10 << 8. */
	EXPECT_EQ(rd8(&x, 0x2d), 0x83);
	EXPECT_EQ(rd8(&x, 0x2e), 0x00);
	EXPECT_EQ(rd8(&x, 0x2f), 0x10);
	EXPECT_EQ(rd8(&x, 0x30), 0x00);
	EXPECT_EQ(rd8(&x, 0x60), 0x00);
	EXPECT_EQ(rd8(&x, 0x110), 'Q'); /* only the low 8 bits of the offset count */
	wr8(&x, 0, 0x42);		/* anything but 0xff stays in query mode */
	EXPECT_EQ(rd8(&x, 0x10), 'Q');
	EXPECT_EQ(wr8(&x, 0, 0xff), (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_EQ(rd8(&x, 0x10), x.a[0x10]);
	free(x.a);
}

TEST(cfi_flash, program_widths_little_endian)
{
	struct fixture x;

	setup(&x);
	wr8(&x, 0x100, 0x40);
	cfi_flash_write(&x.f, 0x100, 2, 0xbbaa);
	cfi_flash_write(&x.f, 0x200, 1, 0x10);
	cfi_flash_write(&x.f, 0x200, 4, 0x44332211);
	cfi_flash_write(&x.f, 0, 1, 0xff);
	EXPECT_EQ(x.a[0x100], 0xaa);
	EXPECT_EQ(x.a[0x101], 0xbb);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x200, 4), 0x44332211u);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x200, 2), 0x2211u);
	memset(x.a + 0x204, 0x5a, 4);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x200, 8), 0x5a5a5a5a44332211ull);
	free(x.a);
}

/* An 8-byte write is two 4-byte cycles: command in the low half, data in the high half. */
TEST(cfi_flash, eight_byte_write_is_two_cycles)
{
	struct fixture x;
	unsigned ev;

	setup(&x);
	ev = cfi_flash_write(&x.f, 0x300, 8, 0x8877665500000040ull);
	EXPECT_EQ(ev, (unsigned)CFI_FLASH_EV_LEFT_ARRAY);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x304, 4), 0x800080u); /* status mode */
	ev = cfi_flash_write(&x.f, 0, 8, 0x000000ff000000ffull);
	EXPECT_EQ(ev, (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x304, 4), 0x88776655u);
	/* Command and confirm in one 8-byte write: erase. */
	ev = cfi_flash_write(&x.f, 0x1000, 8, 0x000000d000000020ull);
	EXPECT_EQ(ev, (unsigned)CFI_FLASH_EV_LEFT_ARRAY);
	EXPECT_EQ(x.a[0x1000], 0xff);
	/* 0xff then a command in one write: entered and left both reported. */
	ev = cfi_flash_write(&x.f, 0, 8, 0x00000070000000ffull);
	EXPECT_EQ(ev, (unsigned)(CFI_FLASH_EV_ENTERED_ARRAY | CFI_FLASH_EV_LEFT_ARRAY));
	EXPECT_FALSE(cfi_flash_array_mode(&x.f));
	ev = cfi_flash_write(&x.f, 0, 8, 0x000000ff00000050ull); /* clear status, read array */
	EXPECT_EQ(ev, (unsigned)CFI_FLASH_EV_ENTERED_ARRAY);
	EXPECT_TRUE(cfi_flash_array_mode(&x.f));
	free(x.a);
}

TEST(cfi_flash, write_to_buffer)
{
	struct fixture x;

	setup(&x);
	wr8(&x, 0x400, 0xe8);
	EXPECT_EQ(rd8(&x, 0x400), 0x80); /* XSR: buffer available */
	wr8(&x, 0x400, 2);		 /* three data cycles */
	wr8(&x, 0x400, 0xa1);
	wr8(&x, 0x401, 0xa2);
	wr8(&x, 0x402, 0xa3);
	EXPECT_EQ(wr8(&x, 0x400, 0xd0), (unsigned)CFI_FLASH_EV_NONE);
	EXPECT_EQ(rd8(&x, 0x400), 0x80);
	wr8(&x, 0, 0xff);
	EXPECT_EQ(cfi_flash_read(&x.f, 0x400, 4) & 0xffffff, 0xa3a2a1u);
	EXPECT_EQ(cfi_flash_changes(&x.f), 3u);
	/* A missing confirm is a sequence error. */
	wr8(&x, 0x400, 0xe8);
	wr8(&x, 0x400, 0);
	wr8(&x, 0x400, 0x55);
	wr8(&x, 0x400, 0x42);
	EXPECT_TRUE(cfi_flash_array_mode(&x.f));
	EXPECT_EQ(cfi_flash_status(&x.f) & 0x30, 0x30);
	free(x.a);
}

TEST(cfi_flash, malformed_sequences_set_error_bits)
{
	struct fixture x;
	uint8_t keep;

	setup(&x);
	keep = x.a[0x20];
	EXPECT_EQ(wr8(&x, 0x20, 0x33), (unsigned)CFI_FLASH_EV_NONE); /* unknown: back to array */
	EXPECT_TRUE(cfi_flash_array_mode(&x.f));
	EXPECT_EQ(cfi_flash_status(&x.f), 0xb0);
	EXPECT_EQ(rd8(&x, 0x20), keep);
	wr8(&x, 0, 0x50);
	EXPECT_EQ(cfi_flash_status(&x.f), 0);
	/* Erase not confirmed: QEMU already erased; the flash reports the sequence error. */
	wr8(&x, 0x2000, 0x20);
	wr8(&x, 0x2000, 0x77);
	EXPECT_TRUE(cfi_flash_array_mode(&x.f));
	EXPECT_EQ(cfi_flash_status(&x.f) & 0x30, 0x30);
	/* Lock set-up with a bad second cycle. */
	wr8(&x, 0, 0x50);
	wr8(&x, 0, 0x60);
	wr8(&x, 0, 0x02);
	EXPECT_EQ(cfi_flash_status(&x.f) & 0x30, 0x30);
	wr8(&x, 0, 0x50);
	wr8(&x, 0, 0x60);
	wr8(&x, 0, 0xd0);
	EXPECT_EQ(cfi_flash_status(&x.f), 0x80);
	free(x.a);
}

TEST(cfi_flash, out_of_range_offsets)
{
	struct fixture x;

	setup(&x);
	EXPECT_EQ(cfi_flash_read(&x.f, VARS_SIZE - 2, 4) >> 16, 0xffffu);
	EXPECT_EQ(cfi_flash_read(&x.f, 0xffffffffu, 8), ~0ull);
	wr8(&x, VARS_SIZE - 1, 0x10);
	cfi_flash_write(&x.f, VARS_SIZE - 1, 4, 0x11223344);
	EXPECT_EQ(x.a[VARS_SIZE - 1], 0x44);
	wr8(&x, 0xfffffff0u, 0x20); /* a block past the end: erase error, nothing written */
	EXPECT_EQ(cfi_flash_status(&x.f) & CFI_FLASH_SR_ERASE_ERR, CFI_FLASH_SR_ERASE_ERR);
	EXPECT_EQ(cfi_flash_write(&x.f, 0, 3, 0x10), (unsigned)CFI_FLASH_EV_NONE);
	EXPECT_EQ(cfi_flash_read(&x.f, 0, 3), 0u);
	free(x.a);
}

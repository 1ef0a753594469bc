/*
 * Tests of the guest's fw_cfg (kernel/devices/fw_cfg_view.c) against a fake host fw_cfg
 * (fw_cfg_fake.h) and a small guest RAM arena: what the guest reads through the ports and
 * DMA, what is hidden, and that bad descriptors end in ERROR, never in a stray access.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/fw_cfg_view.h"
#include "kernel/mm/guest_mem.h"
#include "tests/unit/fw_cfg_fake.h"
#include "tests/unit/harness.h"

#define ARENA_BYTES (1u << 20)
#define SVSM_BYTES  (64u << 10)

static uint8_t *arena;
static uint64_t ram; /* first guest RAM address */

static void setup(void)
{
	struct guest_mem_range r;

	if (arena == NULL) {
		arena = aligned_alloc(1u << 20, ARENA_BYTES);
	}
	memset(arena, 0, ARENA_BYTES);
	ram = (uint64_t)(uintptr_t)arena + SVSM_BYTES;
	r = (struct guest_mem_range){gpa_init(ram),
				     gpa_init((uint64_t)(uintptr_t)arena + ARENA_BYTES)};
	if (guest_mem_init(&r, 1, gpa_init((uint64_t)(uintptr_t)arena), gpa_init(ram)) != SVSM_OK) {
		abort();
	}
	bus_reset();
}

static uint64_t io(uint16_t port, uint8_t size, bool write, uint64_t value)
{
	struct bus_access a = {.port = port, .size = size, .write = write, .value = value};

	if (bus_io(NULL, &a) != BUS_DONE) {
		return ~0ull;
	}
	return a.value;
}

static void port_read(uint16_t select, void *dst, size_t len)
{
	uint8_t *p = dst;

	io(0x510, 2, true, select);
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)io(0x511, 1, false, 0);
	}
}

static bool in_ram(uint64_t gpa)
{
	return gpa >= ram && gpa <= (uint64_t)(uintptr_t)arena + ARENA_BYTES - 16;
}

/* One DMA operation with its descriptor at @desc_gpa (filled when in RAM); returns the control. */
static uint32_t dma(uint64_t desc_gpa, uint32_t control, uint32_t length, uint64_t address)
{
	uint8_t *d = (uint8_t *)(uintptr_t)desc_gpa;
	uint32_t c = __builtin_bswap32(control), l = __builtin_bswap32(length);
	uint64_t a = __builtin_bswap64(address);

	if (in_ram(desc_gpa)) {
		memcpy(d, &c, 4);
		memcpy(d + 4, &l, 4);
		memcpy(d + 8, &a, 8);
	}
	io(0x514, 4, true, __builtin_bswap32((uint32_t)(desc_gpa >> 32)));
	io(0x518, 4, true, __builtin_bswap32((uint32_t)desc_gpa));
	if (in_ram(desc_gpa)) {
		memcpy(&c, d, 4);
		return __builtin_bswap32(c);
	}
	return ~0u;
}

static uint32_t dma_read(uint16_t select, void *dst, uint32_t len)
{
	uint64_t desc = ram, buf = ram + 0x1000;
	uint32_t c = dma(desc, (uint32_t)select << 16 | FW_CFG_VIEW_DMA_SELECT |
				       FW_CFG_VIEW_DMA_READ, len, buf);

	memcpy(dst, (void *)(uintptr_t)buf, len);
	return c;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

TEST(fw_cfg_view, signature_id_and_dma_signature)
{
	uint8_t b[4];

	setup();
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	port_read(0x0000, b, 4);
	EXPECT_MEMEQ(b, "QEMU", 4);
	port_read(0x0001, b, 4);
	EXPECT_EQ(le32(b), 3u);
	EXPECT_EQ(io(0x514, 4, false, 0), 0x554d4551ull); /* "QEMU" in memory order */
	EXPECT_EQ(io(0x518, 4, false, 0), 0x47464320ull); /* " CFG" */
	EXPECT_EQ(io(0x514, 1, false, 0), ~0ull);         /* QEMU refuses byte accesses */
	EXPECT_EQ(io(0x510, 1, false, 0), ~0ull);
	port_read(0x0005, b, 2);
	EXPECT_EQ(b[0], 2);
	port_read(0x0003, b, 4); /* RAM size: not in the view */
	EXPECT_EQ(le32(b), 0u);
	/* A 16-bit read of the selector port reads data, as QEMU's combined port does. */
	io(0x510, 2, true, 0);
	EXPECT_EQ(io(0x510, 2, false, 0), (uint64_t)'Q');
	EXPECT_EQ(io(0x511, 1, false, 0), (uint64_t)'E');
	/* The data port ignores writes; reads past the end give 0 and do not wrap. */
	io(0x511, 1, true, 0x55);
	port_read(0x0000, b, 4);
	EXPECT_EQ(io(0x511, 1, false, 0), 0ull);
	bus_reset();
}

TEST(fw_cfg_view, directory_hides_svsm_files_and_replaces_e820)
{
	uint8_t dirbuf[4 + 8 * 64];
	uint32_t count;
	struct e820_entry e[8], want[8];
	unsigned n = guest_e820(want, 8);
	bool seen_e820 = false, seen_acpi = false;

	setup();
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	EXPECT_EQ(dma_read(0x19, dirbuf, sizeof(dirbuf)), 0u);
	count = __builtin_bswap32(*(uint32_t *)(void *)dirbuf);
	EXPECT_EQ(count, 3u);
	for (uint32_t i = 0; i < count && i < 8; i++) {
		const uint8_t *f = dirbuf + 4 + i * 64;
		uint32_t size = (uint32_t)f[0] << 24 | f[1] << 16 | f[2] << 8 | f[3];
		uint16_t sel = (uint16_t)(f[4] << 8 | f[5]);

		EXPECT_NE(strncmp((const char *)f + 8, "opt/svsm/", 9), 0);
		if (strcmp((const char *)f + 8, "etc/e820") == 0) {
			seen_e820 = true;
			EXPECT_EQ(size, n * 20u);
			EXPECT_EQ(sel, 0x20);
		}
		if (strcmp((const char *)f + 8, "etc/acpi/tables") == 0) {
			seen_acpi = true;
			EXPECT_EQ(size, FAKE_ACPI_SIZE);
		}
	}
	EXPECT_TRUE(seen_e820);
	EXPECT_TRUE(seen_acpi);
	ASSERT_TRUE(n <= 8);
	EXPECT_EQ(dma_read(0x20, e, n * 20u), 0u);
	EXPECT_MEMEQ(e, want, n * 20u); /* guest_e820(), not the host's map (0xee bytes) */
	/* Hidden host files (opt/svsm/firmware is 0x25) read as nothing. */
	{
		uint8_t b[8];

		port_read(0x25, b, 8);
		EXPECT_MEMEQ(b, "\0\0\0\0\0\0\0\0", 8);
		port_read(0x22, b, 8);
		EXPECT_MEMEQ(b, "\0\0\0\0\0\0\0\0", 8);
	}
	bus_reset();
}

/* The directory entry named @name: its selector and size; false if absent. */
static bool dir_find(const char *name, uint16_t *sel, uint32_t *size)
{
	uint8_t dirbuf[4 + 8 * 64];
	uint32_t count;

	if (dma_read(0x19, dirbuf, sizeof(dirbuf)) != 0) {
		return false;
	}
	count = __builtin_bswap32(*(uint32_t *)(void *)dirbuf);
	for (uint32_t i = 0; i < count && i < 8; i++) {
		const uint8_t *f = dirbuf + 4 + i * 64;

		if (strcmp((const char *)f + 8, name) == 0) {
			*size = (uint32_t)f[0] << 24 | f[1] << 16 | f[2] << 8 | f[3];
			*sel = (uint16_t)(f[4] << 8 | f[5]);
			return true;
		}
	}
	return false;
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

TEST(fw_cfg_view, acpi_tables_added_through_the_loader)
{
	uint8_t t1[40] = "TST1", t2[50] = "TST2", host[FAKE_LOADER_SIZE], loader_buf[1024],
		blob[256];
	uint16_t sel = 0, lsel = 0;
	uint32_t size = 0, lsize = 0;

	t1[4] = sizeof(t1);
	t2[4] = sizeof(t2);
	setup();
	fw_cfg_view_clear_acpi();
	ASSERT_EQ(fw_cfg_view_add_acpi(t1), SVSM_OK);
	ASSERT_EQ(fw_cfg_view_add_acpi(t2), SVSM_OK);
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	ASSERT_TRUE(dir_find("etc/svsm/acpi-tables", &sel, &size));
	EXPECT_EQ(size, 16u + sizeof(t1) + sizeof(t2));
	EXPECT_TRUE(sel > 0x26 && sel < 0x4000);
	ASSERT_EQ(dma_read(sel, blob, size), 0u);
	EXPECT_EQ(le32_at(blob), 16u); /* pointers hold offsets: the loader relocates them */
	EXPECT_EQ(le32_at(blob + 8), 16u + sizeof(t1));
	EXPECT_MEMEQ(blob + 16, t1, sizeof(t1));
	EXPECT_MEMEQ(blob + 16 + sizeof(t1), t2, sizeof(t2));
	/* The host's script unchanged, then ALLOCATE and one ADD_POINTER per table. */
	ASSERT_TRUE(dir_find("etc/table-loader", &lsel, &lsize));
	EXPECT_EQ(lsize, FAKE_LOADER_SIZE + 3 * 128u);
	ASSERT_EQ(dma_read(lsel, loader_buf, lsize), 0u);
	fw_cfg_read_at(0x26, 0, host, sizeof(host));
	EXPECT_MEMEQ(loader_buf, host, sizeof(host));
	{
		const uint8_t *a = loader_buf + FAKE_LOADER_SIZE;
		const uint8_t *p = a + 128;

		EXPECT_EQ(le32_at(a), 1u);
		EXPECT_EQ(strcmp((const char *)a + 4, "etc/svsm/acpi-tables"), 0);
		EXPECT_EQ(le32_at(a + 60), 64u);
		EXPECT_EQ(a[64], 1);
		for (unsigned i = 0; i < 2; i++, p += 128) {
			EXPECT_EQ(le32_at(p), 2u);
			EXPECT_EQ(strcmp((const char *)p + 4, "etc/svsm/acpi-tables"), 0);
			EXPECT_EQ(strcmp((const char *)p + 60, "etc/svsm/acpi-tables"), 0);
			EXPECT_EQ(le32_at(p + 116), i * 8u);
			EXPECT_EQ(p[120], 8);
		}
	}
	/* Without tables the host's script is served as it is, and no file is added. */
	fw_cfg_view_clear_acpi();
	bus_reset();
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	EXPECT_FALSE(dir_find("etc/svsm/acpi-tables", &sel, &size));
	ASSERT_TRUE(dir_find("etc/table-loader", &lsel, &lsize));
	EXPECT_EQ(lsize, FAKE_LOADER_SIZE);
	bus_reset();
}

TEST(fw_cfg_view, acpi_tables_bounded)
{
	static uint8_t big[1024] = "BIG1";
	uint8_t t[36] = "TST1";

	big[4] = 0;
	big[5] = 4; /* 1024 bytes: more than the file holds with its pointer */
	t[4] = 36;
	fw_cfg_view_clear_acpi();
	EXPECT_EQ(fw_cfg_view_add_acpi(big), SVSM_E_NOMEM);
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_EQ(fw_cfg_view_add_acpi(t), SVSM_OK);
	}
	EXPECT_EQ(fw_cfg_view_add_acpi(t), SVSM_E_NOMEM);
	fw_cfg_view_clear_acpi();
}

/* A large first table must not make the room left for the next one wrap around. */
TEST(fw_cfg_view, acpi_tables_bound_does_not_wrap)
{
	static uint8_t big[1008] = "BIG1";
	uint8_t t[36] = "TST1";

	big[4] = (uint8_t)sizeof(big);
	big[5] = (uint8_t)(sizeof(big) >> 8);
	t[4] = 36;
	fw_cfg_view_clear_acpi();
	EXPECT_EQ(fw_cfg_view_add_acpi(big), SVSM_OK); /* 8 + 1008 bytes of 1024 */
	EXPECT_EQ(fw_cfg_view_add_acpi(t), SVSM_E_NOMEM); /* 8 + 36 more do not fit */
	fw_cfg_view_clear_acpi();
}

TEST(fw_cfg_view, kernel_items_as_qemu_kernel)
{
	static uint8_t buf[FAKE_KERNEL_SIZE];
	uint8_t b[4];

	setup();
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	port_read(0x17, b, 4);
	EXPECT_EQ(le32(b), FAKE_SETUP_SIZE);
	port_read(0x08, b, 4);
	EXPECT_EQ(le32(b), FAKE_KERNEL_SIZE - FAKE_SETUP_SIZE);
	port_read(0x0b, b, 4);
	EXPECT_EQ(le32(b), FAKE_INITRD_SIZE);
	port_read(0x14, b, 4);
	EXPECT_EQ(le32(b), (uint32_t)sizeof(FAKE_CMDLINE));
	EXPECT_EQ(dma_read(0x15, buf, sizeof(FAKE_CMDLINE)), 0u);
	EXPECT_MEMEQ(buf, FAKE_CMDLINE, sizeof(FAKE_CMDLINE)); /* with its NUL */
	EXPECT_EQ(dma_read(0x18, buf, FAKE_SETUP_SIZE), 0u);
	for (uint32_t i = 0; i < FAKE_SETUP_SIZE; i++) {
		if (buf[i] != fake_host_byte(0x22, i)) {
			EXPECT_EQ(i, FAKE_SETUP_SIZE);
			break;
		}
	}
	EXPECT_EQ(dma_read(0x11, buf, FAKE_KERNEL_SIZE - FAKE_SETUP_SIZE), 0u);
	for (uint32_t i = 0; i < FAKE_KERNEL_SIZE - FAKE_SETUP_SIZE; i++) {
		if (buf[i] != fake_host_byte(0x22, FAKE_SETUP_SIZE + i)) {
			EXPECT_EQ(i, FAKE_KERNEL_SIZE);
			break;
		}
	}
	EXPECT_EQ(dma_read(0x12, buf, FAKE_INITRD_SIZE), 0u);
	EXPECT_EQ(buf[4999], fake_host_byte(0x23, 4999));
	bus_reset();
}

TEST(fw_cfg_view, dma_skip_read_past_end_write_and_bad_addresses)
{
	uint64_t desc = ram + 0x100, buf = ram + 0x2000;
	uint8_t *p = (uint8_t *)(uintptr_t)buf;
	uint64_t svsm = (uint64_t)(uintptr_t)arena;

	setup();
	ASSERT_EQ(fw_cfg_view_register(), SVSM_OK);
	/* SKIP then READ continue at the offset. */
	EXPECT_EQ(dma(desc, 0x21u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_SKIP, 10, 0), 0u);
	EXPECT_EQ(dma(desc, FW_CFG_VIEW_DMA_READ, 2, buf), 0u);
	EXPECT_EQ(p[0], fake_host_byte(0x21, 10));
	EXPECT_EQ(p[1], fake_host_byte(0x21, 11));
	/* Past the end: zero-filled, bounded. */
	memset(p, 0xaa, 64);
	EXPECT_EQ(dma(desc, 0x00u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_READ, 64, buf),
		  0u);
	EXPECT_MEMEQ(p, "QEMU", 4);
	EXPECT_EQ(p[4], 0);
	EXPECT_EQ(p[63], 0);
	EXPECT_EQ(dma(desc, FW_CFG_VIEW_DMA_READ, 0xffffffffu, buf), FW_CFG_VIEW_DMA_ERROR);
	/* Writes are refused. */
	EXPECT_EQ(dma(desc, 0x21u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_WRITE, 4, buf),
		  FW_CFG_VIEW_DMA_ERROR);
	/* A destination in the SVSM region, or outside RAM: ERROR, nothing written there. */
	EXPECT_EQ(dma(desc, 0x21u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_READ, 16,
		      svsm + 0x100),
		  FW_CFG_VIEW_DMA_ERROR);
	EXPECT_EQ(arena[0x100], 0);
	EXPECT_EQ(dma(desc, 0x21u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_READ, 16,
		      0xfff0000000000000ull),
		  FW_CFG_VIEW_DMA_ERROR);
	/* A read running off the end of RAM. */
	EXPECT_EQ(dma(desc, 0x21u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_READ, 64,
		      svsm + ARENA_BYTES - 8),
		  FW_CFG_VIEW_DMA_ERROR);
	/* Descriptors in the SVSM region or nowhere: ignored, the SVSM untouched. */
	EXPECT_EQ(dma(svsm + 0x200, FW_CFG_VIEW_DMA_READ, 16, buf), ~0u);
	EXPECT_EQ(arena[0x200], 0);
	EXPECT_EQ(dma(0xfffffffffffffff8ull, FW_CFG_VIEW_DMA_READ, 16, buf), ~0u);
	/* Still working. */
	EXPECT_EQ(dma(desc, 0x01u << 16 | FW_CFG_VIEW_DMA_SELECT | FW_CFG_VIEW_DMA_READ, 4, buf),
		  0u);
	EXPECT_EQ(p[0], 3);
	bus_reset();
}

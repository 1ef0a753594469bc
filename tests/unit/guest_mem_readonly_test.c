/*
 * Tests of guest_mem_set_readonly() (split firmware's code flash, docs/uefi-vars.md): every
 * SVSM write path refuses the range - writes, zeroing, windows, PVALIDATE claims, the
 * call-pending exchange - while reads work and memory around it stays writable.
 */
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull

static struct guest_fixture g;

TEST(guest_mem_readonly, every_write_path_refuses_the_range)
{
	gpa_t ro, before, after;
	uint8_t buf[16] = {1, 2, 3}, back[16];
	struct guest_mem_window w;
	struct guest_mem_claim c;
	bool pending = false;

	guest_fixture_setup(&g);
	ro = gpa_init(g.ram + 0x100000);
	before = gpa_init(g.ram + 0x100000 - PAGE);
	after = gpa_init(g.ram + 0x100000 + 4 * PAGE);
	memset((void *)(uintptr_t)gpa_addr(ro), 0xab, 4 * PAGE);
	guest_mem_set_readonly(ro, 4 * PAGE);

	EXPECT_EQ(guest_mem_write(ro, buf, sizeof(buf)), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_write(gpa_add(ro, 4 * PAGE - 1), buf, 1), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_write(gpa_add(before, PAGE - 8), buf, 16), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_zero(ro, PAGE), SVSM_E_INVALID_ADDRESS);
	ASSERT_EQ(guest_mem_window_open(&w, ro, PAGE), SVSM_OK);
	EXPECT_EQ(guest_mem_window_write(&w, 0, buf, 4), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_window_read(&w, 0, back, 4), SVSM_OK);
	EXPECT_EQ(guest_mem_claim_unprotected(&c, ro, PAGE), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_take_call_pending(ro, &pending), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(((uint8_t *)(uintptr_t)gpa_addr(ro))[0], 0xab); /* nothing changed */
	EXPECT_EQ(guest_mem_read(ro, back, sizeof(back)), SVSM_OK);
	EXPECT_EQ(back[0], 0xab);

	EXPECT_EQ(guest_mem_write(before, buf, sizeof(buf)), SVSM_OK);
	EXPECT_EQ(guest_mem_write(after, buf, sizeof(buf)), SVSM_OK);
	EXPECT_EQ(guest_mem_claim_unprotected(&c, after, PAGE), SVSM_OK);
	guest_mem_claim_release(&c);
}

TEST(guest_mem_readonly, init_forgets_the_range)
{
	uint8_t b = 7;

	guest_fixture_setup(&g);
	guest_mem_set_readonly(gpa_init(g.ram), PAGE);
	EXPECT_EQ(guest_mem_write(gpa_init(g.ram + 8), &b, 1), SVSM_E_INVALID_ADDRESS);
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_mem_write(gpa_init(g.ram + 8), &b, 1), SVSM_OK);
}

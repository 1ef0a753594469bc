/*
 * GHCB page helpers and page-state changes (kernel/platform/snp/ghcb.c, psc.c): valid bitmap,
 * PSC buffer bytes, the submit loop against cooperative and hostile hypervisors, and whole
 * conversions with the 2M->4K fallback and PSMASH through the fake CPU.
 */
#include "kernel/platform/snp/psc.h"

#include <stdlib.h>

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/pvalidate.h"
#include "svsm/abi/snp.h"
#include "tests/unit/harness.h"

#define BASE 0x40000000ull /* 2M aligned fake RMP window */

static struct ghcb *new_ghcb(void)
{
	struct ghcb *g = aligned_alloc(4096, sizeof(struct ghcb));

	memset(g, 0, sizeof(*g));
	return g;
}

TEST(snp_ghcb, valid_bitmap)
{
	struct ghcb *g = new_ghcb();
	uint64_t v = 0;

	snp_ghcb_set_field(g, SNP_GHCB_OFF(rax), 0x1234);
	/* rax at 0x1f8: bit 63 -> byte 7, bit 7. */
	EXPECT_EQ(g->save.valid_bitmap[7], 0x80);
	EXPECT_EQ(GHCB_BITMAP_IDX(rax), 63);
	EXPECT_TRUE(snp_ghcb_get_field(g, SNP_GHCB_OFF(rax), &v));
	EXPECT_EQ(v, 0x1234);
	EXPECT_FALSE(snp_ghcb_get_field(g, SNP_GHCB_OFF(rbx), &v));
	snp_ghcb_set_field(g, SNP_GHCB_OFF(sw_scratch), 1); /* 0x3a8 -> bit 117 */
	EXPECT_EQ(g->save.valid_bitmap[14], 0x20);
	snp_ghcb_clear_valid(g, SNP_GHCB_OFF(rax));
	EXPECT_FALSE(snp_ghcb_is_valid(g, SNP_GHCB_OFF(rax)));
	snp_ghcb_prepare(g, SVM_VMGEXIT_PSC, 5, 6);
	EXPECT_EQ(g->protocol_version, 2);
	EXPECT_EQ(g->ghcb_usage, 0);
	EXPECT_FALSE(snp_ghcb_is_valid(g, SNP_GHCB_OFF(sw_scratch)));
	/* sw_exit_code/info_1/info_2 at 0x390/0x398/0x3a0 = bits 114, 115, 116. */
	EXPECT_EQ(g->save.valid_bitmap[14], 0x1c);
	EXPECT_FALSE(snp_ghcb_is_valid(g, SNP_GHCB_OFF(x87_state_gpa))); /* no valid bit */
	free(g);
}

TEST(snp_ghcb, result_check)
{
	struct ghcb *g = new_ghcb();
	uint64_t ev = 0;

	g->save.sw_exit_info_1 = 0xffffffff00000000ull; /* upper half is not the result */
	EXPECT_EQ(snp_ghcb_check_result(g, &ev), SVSM_OK);
	g->save.sw_exit_info_1 = 1;
	g->save.sw_exit_info_2 = 0x80000b0d; /* valid, #GP, with error code */
	EXPECT_EQ(snp_ghcb_check_result(g, &ev), SVSM_E_HW);
	EXPECT_EQ(ev, 0x80000b0d);
	g->save.sw_exit_info_1 = 2;
	EXPECT_EQ(snp_ghcb_check_result(g, &ev), SVSM_E_INVALID_PARAM);
	g->save.sw_exit_info_1 = 7;
	EXPECT_EQ(snp_ghcb_check_result(g, &ev), SVSM_E_IO);
	free(g);
}

TEST(snp_psc, buffer_bytes)
{
	static struct psc_desc d;
	static const uint8_t expect[] = {
		0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,  /* cur 0, end 2 */
		0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x10, 0x01,  /* 0x200000 private 2M */
		0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x10, 0x00,  /* 0x400000 private 4K */
		0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x10, 0x00,  /* 0x401000 private 4K */
	};

	EXPECT_EQ(snp_psc_build(&d, 0x200000, 514, SNP_PAGE_STATE_PRIVATE, true), 514);
	EXPECT_MEMEQ(&d, expect, sizeof(expect));
	/* Shared op 2 at [55:52]; GFN 0x123456789a at [51:12]. */
	EXPECT_EQ(snp_psc_entry(0x123456789a000ull, SNP_PAGE_STATE_SHARED, false),
		  0x0020000000000000ull | 0x123456789a000ull);
	/* 253 entries at most: 300 4K pages need two buffers. */
	EXPECT_EQ(snp_psc_build(&d, 0x1000, 300, SNP_PAGE_STATE_SHARED, true), 253);
	EXPECT_EQ(d.hdr.end_entry, 252);
	EXPECT_EQ(d.entries[252], snp_psc_entry(0x1000 + 252 * 0x1000, SNP_PAGE_STATE_SHARED, false));
	/* No 2M entry when not aligned or fewer than 512 pages remain. */
	EXPECT_EQ(snp_psc_build(&d, 0x200000, 511, SNP_PAGE_STATE_PRIVATE, true), 253);
	EXPECT_EQ(d.entries[0] & PSC_ENTRY_2M, 0);
	EXPECT_EQ(snp_psc_build(&d, 0x200000, 1024, SNP_PAGE_STATE_PRIVATE, false), 253);
}

/* Hostile hypervisors. */
static int hv_mode;

static void hv_hostile(void *ctx)
{
	struct ghcb *g = (struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb;
	struct psc_desc *d = (struct psc_desc *)g->shared_buffer;

	(void)ctx;
	g->save.sw_exit_info_1 = 0;
	g->save.sw_exit_info_2 = 0;
	switch (hv_mode) {
	case 0: /* never makes progress */
		break;
	case 1: /* lowers end_entry to pretend the rest is done */
		d->hdr.end_entry = 0;
		d->hdr.cur_entry = 1;
		break;
	case 2: /* rewrites a pending entry's GFN */
		d->hdr.cur_entry = 1;
		d->entries[2] ^= 1ull << 20;
		break;
	case 3: /* error code */
		g->save.sw_exit_info_2 = VMGEXIT_PSC_ERROR_INVALID_ENTRY;
		break;
	case 4: /* cur_entry moves backwards after progress */
		d->hdr.cur_entry = d->hdr.cur_entry == 0 ? 2 : 1;
		break;
	case 5: /* sets the reserved header field */
		d->hdr.reserved = 1;
		d->hdr.cur_entry = d->hdr.end_entry + 1;
		break;
	default: /* GHCB-level failure */
		g->save.sw_exit_info_1 = 2;
		g->save.sw_exit_info_2 = GHCB_ERR_INVALID_INPUT;
		break;
	}
}

TEST(snp_psc, submit_rejects_hostile_hypervisor)
{
	struct ghcb *g = new_ghcb();
	static struct psc_desc d;

	fake_cpu_reset(BASE);
	fake_cpu_set_hv(hv_hostile, NULL);
	(void)snp_psc_build(&d, BASE, 4, SNP_PAGE_STATE_SHARED, true);
	for (hv_mode = 0; hv_mode <= 6; hv_mode++) {
		enum svsm_err want = hv_mode == 6 ? SVSM_E_INVALID_PARAM : SVSM_E_IO;

		EXPECT_EQ(snp_psc_submit(g, (uint64_t)(uintptr_t)g, &d), want);
	}
	/* No progress: gives up after SNP_PSC_MAX_STALLS calls instead of spinning. */
	hv_mode = 0;
	fake_cpu.vmgexit_count = 0;
	EXPECT_EQ(snp_psc_submit(g, (uint64_t)(uintptr_t)g, &d), SVSM_E_IO);
	EXPECT_EQ(fake_cpu.vmgexit_count, SNP_PSC_MAX_STALLS);
	fake_cpu_set_hv(NULL, NULL);
	free(g);
}

TEST(snp_psc, submit_follows_partial_progress)
{
	struct ghcb *g = new_ghcb();
	static struct psc_desc d;

	fake_cpu_reset(BASE);
	fake_cpu.hv_psc_per_call = 2;
	for (unsigned int i = 0; i < 5; i++) {
		fake_rmp_assign(BASE + i * 0x1000, false);
	}
	(void)snp_psc_build(&d, BASE, 5, SNP_PAGE_STATE_SHARED, true);
	ASSERT_EQ(snp_psc_submit(g, (uint64_t)(uintptr_t)g, &d), SVSM_OK);
	EXPECT_EQ(fake_cpu.vmgexit_count, 3); /* 2 + 2 + 1 entries */
	for (unsigned int i = 0; i < 5; i++) {
		EXPECT_FALSE(fake_rmp_entry(BASE + i * 0x1000)->assigned);
	}
	/* The GHCB pointed sw_scratch at its shared buffer. */
	EXPECT_EQ(g->save.sw_scratch, (uint64_t)(uintptr_t)g + 0x800);
	EXPECT_EQ(g->save.sw_exit_code, SVM_VMGEXIT_PSC);
	free(g);
}

TEST(snp_psc, private_2m_falls_back_to_4k_pvalidate)
{
	struct ghcb *g = new_ghcb();
	uint32_t rc = 0;
	size_t mismatches = 0;

	fake_cpu_reset(BASE);
	fake_cpu.hv_psc_4k_only = true; /* host backs 2M requests with 4K RMP entries */
	ASSERT_EQ(snp_psc_range(g, (uint64_t)(uintptr_t)g, va_init(BASE), gpa_init(BASE), 1024 + 3,
				SNP_PAGE_STATE_PRIVATE, &rc),
		  SVSM_OK);
	for (unsigned int i = 0; i < 1027; i++) {
		struct fake_rmp_entry *e = fake_rmp_entry(BASE + i * 0x1000ull);

		EXPECT_TRUE(e->assigned && e->validated && !e->size_2m);
	}
	for (size_t i = 0; i < fake_cpu.op_count && i < FAKE_OP_LOG; i++) {
		if (fake_cpu.log[i].kind == FAKE_OP_PVALIDATE &&
		    fake_cpu.log[i].rc == SNP_INSN_FAIL_SIZEMISMATCH) {
			mismatches++;
			EXPECT_EQ(fake_cpu.log[i].size, 1);
		}
	}
	EXPECT_EQ(mismatches, 2); /* one per 2M range, then 512 4K each */
	EXPECT_EQ(fake_cpu.pvalidate_count, 2 + 1024 + 3);

	/* The same with a host that honours 2M: two 2M PVALIDATEs and three 4K. */
	fake_cpu_reset(BASE);
	ASSERT_EQ(snp_psc_range(g, (uint64_t)(uintptr_t)g, va_init(BASE), gpa_init(BASE), 1024 + 3,
				SNP_PAGE_STATE_PRIVATE, &rc),
		  SVSM_OK);
	EXPECT_EQ(fake_cpu.pvalidate_count, 5);
	EXPECT_TRUE(fake_rmp_entry(BASE)->size_2m);
	free(g);
}

TEST(snp_psc, shared_4k_inside_2m_page_is_psmashed)
{
	struct ghcb *g = new_ghcb();
	uint32_t rc = 0;
	uint64_t page = BASE + 0x5000;

	fake_cpu_reset(BASE);
	ASSERT_EQ(snp_psc_range(g, (uint64_t)(uintptr_t)g, va_init(BASE), gpa_init(BASE), 512,
				SNP_PAGE_STATE_PRIVATE, &rc),
		  SVSM_OK);
	ASSERT_TRUE(fake_rmp_entry(page)->size_2m);
	/* One 4K page of the 2M-validated range goes shared: PVALIDATE(4K) reports a size
	 * mismatch, the SVSM asks the host to PSMASH, and retries. */
	ASSERT_EQ(snp_psc_range(g, (uint64_t)(uintptr_t)g, va_init(page), gpa_init(page), 1,
				SNP_PAGE_STATE_SHARED, &rc),
		  SVSM_OK);
	EXPECT_FALSE(fake_rmp_entry(page)->assigned);
	EXPECT_TRUE(fake_rmp_entry(page - 0x1000)->validated);
	EXPECT_FALSE(fake_rmp_entry(page - 0x1000)->size_2m);
	EXPECT_TRUE(fake_rmp_entry(BASE + 511 * 0x1000)->validated);
	free(g);
}

TEST(snp_psc, double_private_conversion_is_an_error)
{
	struct ghcb *g = new_ghcb();
	uint32_t rc = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	ASSERT_EQ(snp_psc_range(g, (uint64_t)(uintptr_t)g, va_init(BASE), gpa_init(BASE), 1,
				SNP_PAGE_STATE_PRIVATE, &rc),
		  SVSM_OK);
	/* Validating it a second time: hardware returns EAX=0 with CF=1 (RMP unchanged); the
	 * SVSM reports that as NO_CHANGE, never as success. */
	EXPECT_EQ(snp_pvalidate_range(BASE, 1, true, &rc, &(uint64_t){0}), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_NO_CHANGE);
	free(g);
}

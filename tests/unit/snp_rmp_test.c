/*
 * RMP behaviour through the fake CPU (kernel/platform/snp/pvalidate.c, rmpadjust.c): grant and
 * revoke for VMPL2, VMSA pages, double validation (CF=1), size mismatches, faults and
 * permission failures, as the guest-visible results the core protocol would map.
 */
#include "kernel/platform/snp/pvalidate.h"

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/insn.h"
#include "kernel/platform/snp/rmpadjust.h"
#include "svsm/abi/snp.h"
#include "svsm/abi/svsm.h"
#include "tests/unit/harness.h"

#define BASE 0x40000000ull
#define PG 0x1000ull
#define P2M 0x200000ull

TEST(snp_rmp, validate_then_double_validate_reports_no_change)
{
	uint32_t rc = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, true, &rc), SVSM_OK);
	EXPECT_TRUE(fake_rmp_entry(BASE)->validated);
	/* Hardware: EAX = 0 and CF = 1. Reported as NO_CHANGE (guest sees 0x80001010). */
	EXPECT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, true, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_NO_CHANGE);
	EXPECT_EQ(fake_cpu.log[1].rc, 0);
	EXPECT_TRUE(fake_cpu.log[1].no_change);
	EXPECT_EQ(SVSM_ERR_PROTOCOL_BASE + rc, SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
	/* Invalidate, then invalidate again: also CF = 1. */
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, false, &rc), SVSM_OK);
	EXPECT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, false, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_NO_CHANGE);
}

TEST(snp_rmp, pvalidate_input_and_size_errors)
{
	uint32_t rc = 0;
	bool cf = false;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, true);
	/* 4K PVALIDATE inside a 2M RMP entry: FAIL_SIZEMISMATCH. */
	EXPECT_EQ(snp_pvalidate(BASE + 3 * PG, RMP_PG_SIZE_4K, true, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_SIZEMISMATCH);
	EXPECT_EQ(SVSM_ERR_PROTOCOL_BASE + rc, SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_2M, true, &rc), SVSM_OK);
	/* Still a mismatch once the 2M page is validated. */
	EXPECT_EQ(snp_pvalidate(BASE + 3 * PG, RMP_PG_SIZE_4K, false, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_SIZEMISMATCH);
	EXPECT_TRUE(fake_rmp_entry(BASE + 3 * PG)->validated);
	/* 2M PVALIDATE over 4K RMP entries: FAIL_SIZEMISMATCH. */
	fake_rmp_assign(BASE + P2M, false);
	EXPECT_EQ(snp_pvalidate(BASE + P2M, RMP_PG_SIZE_2M, true, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_SIZEMISMATCH);
	/* Misaligned 2M and bad size are caught before the instruction... */
	EXPECT_EQ(snp_pvalidate(BASE + PG, RMP_PG_SIZE_2M, true, &rc), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(snp_pvalidate(BASE, 2, true, &rc), SVSM_E_INVALID_PARAM);
	/* ...and the fake reports FAIL_INPUT for them as hardware does. */
	EXPECT_EQ(snp_insn_pvalidate(BASE + PG, RMP_PG_SIZE_2M, true, &cf), SNP_INSN_FAIL_INPUT);
	EXPECT_EQ(snp_insn_pvalidate(BASE, 2, true, &cf), SNP_INSN_FAIL_INPUT);
	/* A shared page faults (RMP #NPF on hardware). */
	EXPECT_EQ(snp_pvalidate(BASE + 2 * P2M, RMP_PG_SIZE_4K, true, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAULTED);
	EXPECT_EQ(fake_cpu.faults, 1);
	/* PVALIDATE only works at VMPL0. */
	fake_cpu.vmpl = 2;
	EXPECT_EQ(snp_pvalidate(BASE + P2M, RMP_PG_SIZE_4K, true, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAULTED);
}

TEST(snp_rmp, range_uses_2m_and_falls_back)
{
	uint32_t rc = 0;
	uint64_t fail = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, true);                 /* first 2M: one RMP 2M entry */
	for (unsigned int i = 0; i < 512; i++) {     /* second 2M: 4K entries */
		fake_rmp_assign(BASE + P2M + i * PG, false);
	}
	fake_rmp_assign(BASE + 2 * P2M, false);
	ASSERT_EQ(snp_pvalidate_range(BASE, 1025, true, &rc, &fail), SVSM_OK);
	EXPECT_EQ(fake_cpu.pvalidate_count, 1 + 1 + 512 + 1);
	/* A failure in the middle says where it stopped. */
	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	fake_rmp_assign(BASE + PG, false);
	EXPECT_EQ(snp_pvalidate_range(BASE, 3, true, &rc, &fail), SVSM_E_HW);
	EXPECT_EQ(fail, BASE + 2 * PG);
	EXPECT_EQ(rc, SNP_INSN_FAULTED);
}

TEST(snp_rmp, grant_and_revoke_vmpl2)
{
	uint32_t rc = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	/* RMPADJUST of a page that is not validated. */
	EXPECT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 2, RMPADJUST_RWX, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_INPUT);
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, true, &rc), SVSM_OK);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[2], 0);
	ASSERT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 2, RMPADJUST_RWX, &rc), SVSM_OK);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[2], 0xf);
	EXPECT_EQ(fake_cpu.log[fake_cpu.op_count - 1].arg, 0xf02); /* target 2, perms 0xF00 */
	ASSERT_EQ(snp_rmpadjust_revoke_lower(BASE, RMP_PG_SIZE_4K, &rc), SVSM_OK);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[1], 0);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[2], 0);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[3], 0);
	/* 2M RMPADJUST where the RMP holds a 4K entry: size mismatch. */
	fake_rmp_assign(BASE + P2M, false);
	EXPECT_EQ(snp_rmpadjust(BASE + P2M, RMP_PG_SIZE_2M, 2 | RMPADJUST_READ, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_SIZEMISMATCH);
	fake_rmp_assign(BASE + 2 * P2M, true);
	ASSERT_EQ(snp_pvalidate(BASE + 2 * P2M, RMP_PG_SIZE_2M, true, &rc), SVSM_OK);
	EXPECT_EQ(snp_rmpadjust(BASE + 2 * P2M, RMP_PG_SIZE_4K, 2 | RMPADJUST_READ, &rc),
		  SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_SIZEMISMATCH);
	ASSERT_EQ(snp_rmpadjust_grant(BASE + 2 * P2M, RMP_PG_SIZE_2M, 2, RMPADJUST_RWX, &rc),
		  SVSM_OK);
	EXPECT_EQ(fake_rmp_entry(BASE + 2 * P2M + 511 * PG)->perms[2], 0xf);
}

TEST(snp_rmp, permission_rules)
{
	uint32_t rc = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, true, &rc), SVSM_OK);
	/* Target VMPL not above the current VMPL. */
	EXPECT_EQ(snp_rmpadjust(BASE, RMP_PG_SIZE_4K, 0 | RMPADJUST_READ, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_PERMISSION);
	EXPECT_EQ(SVSM_ERR_PROTOCOL_BASE + rc, SVSM_ERR_RMPADJUST_FAIL_PERMISSION);
	/* Target VMPL 4 and reserved bits: FAIL_INPUT. */
	EXPECT_EQ(snp_rmpadjust(BASE, RMP_PG_SIZE_4K, 4, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_INPUT);
	EXPECT_EQ(snp_rmpadjust(BASE, RMP_PG_SIZE_4K, 2 | (1ull << 20), &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_INPUT);
	/* Code at VMPL1 can adjust VMPL2 within its own rights only, and never set VMSA. */
	ASSERT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 1, RMPADJUST_READ, &rc), SVSM_OK);
	fake_cpu.vmpl = 1;
	EXPECT_EQ(snp_rmpadjust(BASE, RMP_PG_SIZE_4K, 1 | RMPADJUST_READ, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_PERMISSION);
	EXPECT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 2, RMPADJUST_WRITE, &rc), SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_PERMISSION);
	EXPECT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 2, RMPADJUST_READ, &rc), SVSM_OK);
	EXPECT_EQ(snp_rmpadjust(BASE, RMP_PG_SIZE_4K, 2 | RMPADJUST_READ | RMPADJUST_VMSA_PAGE, &rc),
		  SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_PERMISSION);
	/* Policy helpers refuse VMPL0 targets without executing anything. */
	fake_cpu.vmpl = 0;
	EXPECT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 0, RMPADJUST_RWX, &rc),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(snp_rmpadjust_revoke(BASE, RMP_PG_SIZE_4K, 4, &rc), SVSM_E_INVALID_PARAM);
}

TEST(snp_rmp, vmsa_bit)
{
	uint32_t rc = 0;
	size_t before = 0;

	fake_cpu_reset(BASE);
	fake_rmp_assign(BASE, false);
	ASSERT_EQ(snp_pvalidate(BASE, RMP_PG_SIZE_4K, true, &rc), SVSM_OK);
	ASSERT_EQ(snp_rmpadjust_grant(BASE, RMP_PG_SIZE_4K, 2, RMPADJUST_RWX, &rc), SVSM_OK);
	before = fake_cpu.rmpadjust_count;
	ASSERT_EQ(snp_rmpadjust_make_vmsa(BASE, 2, &rc), SVSM_OK);
	EXPECT_EQ(fake_cpu.rmpadjust_count - before, 4); /* revoke 1..3, then READ|VMSA */
	EXPECT_TRUE(fake_rmp_entry(BASE)->vmsa);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[2], 0x1); /* read only: VMPL2 cannot write it */
	EXPECT_EQ(fake_cpu.log[fake_cpu.op_count - 1].arg, 0x10102);
	ASSERT_EQ(snp_rmpadjust_clear_vmsa(BASE, 2, &rc), SVSM_OK);
	EXPECT_FALSE(fake_rmp_entry(BASE)->vmsa);
	EXPECT_EQ(fake_rmp_entry(BASE)->perms[2], 0xf);
	/* A 2M page cannot be a VMSA. */
	fake_rmp_assign(BASE + P2M, true);
	ASSERT_EQ(snp_pvalidate(BASE + P2M, RMP_PG_SIZE_2M, true, &rc), SVSM_OK);
	EXPECT_EQ(snp_rmpadjust(BASE + P2M, RMP_PG_SIZE_2M, 2 | RMPADJUST_READ | RMPADJUST_VMSA_PAGE,
				&rc),
		  SVSM_E_HW);
	EXPECT_EQ(rc, SNP_INSN_FAIL_INPUT);
}

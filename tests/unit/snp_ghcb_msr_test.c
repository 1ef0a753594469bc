/*
 * Golden vectors for the GHCB MSR protocol (kernel/platform/snp/ghcb_msr.c). Expected values
 * were computed by hand from the GHCB spec layout; the Linux macro that produces the same value
 * (arch/x86/include/asm/sev-common.h) is named beside each. Then the calls through the fake CPU.
 */
#include "kernel/platform/snp/ghcb_msr.h"

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "svsm/abi/ghcb.h"
#include "tests/unit/harness.h"

TEST(snp_ghcb_msr, request_encodings)
{
	EXPECT_EQ(snp_ghcb_msr_sev_info_req(), 0x002);      /* GHCB_MSR_SEV_INFO_REQ */
	EXPECT_EQ(snp_ghcb_msr_hv_features_req(), 0x080);   /* GHCB_MSR_HV_FT_REQ */
	EXPECT_EQ(snp_ghcb_msr_pref_gpa_req(), 0x010);      /* GHCB_MSR_PREF_GPA_REQ */
	/* GHCB_CPUID_REQ(0x8000001f, GHCB_CPUID_REQ_EBX) */
	EXPECT_EQ(snp_ghcb_msr_cpuid_req(0x8000001f, GHCB_CPUID_REQ_EBX), 0x8000001f40000004ull);
	/* GHCB_CPUID_REQ(0x1, GHCB_CPUID_REQ_EDX) */
	EXPECT_EQ(snp_ghcb_msr_cpuid_req(1, GHCB_CPUID_REQ_EDX), 0x00000001c0000004ull);
	/* GHCB_MSR_REG_GPA_REQ_VAL(0x12345) */
	EXPECT_EQ(snp_ghcb_msr_register_req(0x12345000), 0x12345012ull);
	/* GHCB_MSR_REG_GPA_REQ_VAL(0xfffffffffffff): all 52 GFN bits */
	EXPECT_EQ(snp_ghcb_msr_register_req(0xfffffffffffff000ull), 0xfffffffffffff012ull);
	/* GHCB_MSR_PSC_REQ_GFN(0x7ff, SNP_PAGE_STATE_SHARED) */
	EXPECT_EQ(snp_ghcb_msr_psc_req(0x7ff000, SNP_PAGE_STATE_SHARED), 0x00200000007ff014ull);
	/* GHCB_MSR_PSC_REQ_GFN(0x123456789a, SNP_PAGE_STATE_PRIVATE): 40-bit GFN */
	EXPECT_EQ(snp_ghcb_msr_psc_req(0x123456789a000ull, SNP_PAGE_STATE_PRIVATE),
		  0x00123456789a014ull | (1ull << 52));
	/* GHCB_MSR_VMPL_REQ_LEVEL(2), GHCB_MSR_VMPL_REQ_LEVEL(0) */
	EXPECT_EQ(snp_ghcb_msr_vmpl_req(2), 0x0000000200000016ull);
	EXPECT_EQ(snp_ghcb_msr_vmpl_req(0), 0x16ull);
	/* GHCB_SEV_TERM_REASON(SEV_TERM_SET_LINUX, GHCB_TERM_NO_SVSM) */
	EXPECT_EQ(snp_ghcb_msr_term_req(SEV_TERM_SET_LINUX, GHCB_TERM_NO_SVSM), 0x71100ull);
	/* GHCB_SEV_TERM_REASON(SEV_TERM_SET_GEN, GHCB_SNP_UNSUPPORTED) */
	EXPECT_EQ(snp_ghcb_msr_term_req(SEV_TERM_SET_GEN, GHCB_SNP_UNSUPPORTED), 0x20100ull);
}

TEST(snp_ghcb_msr, sev_info_response_and_version_check)
{
	struct snp_sev_info info;

	/* GHCB_MSR_SEV_INFO(2, 1, 51) = max 2 @48, min 1 @32, C-bit 51 @24, code 1 */
	ASSERT_EQ(snp_ghcb_msr_sev_info_parse(0x0002000133000001ull, &info), SVSM_OK);
	EXPECT_EQ(info.max_version, 2);
	EXPECT_EQ(info.min_version, 1);
	EXPECT_EQ(info.cbit, 51);
	/* Host speaks only version 1: the SVSM needs 2. */
	EXPECT_EQ(snp_ghcb_msr_sev_info_parse(0x0001000133000001ull, &info), SVSM_E_UNSUPPORTED);
	/* Host needs at least 3. */
	EXPECT_EQ(snp_ghcb_msr_sev_info_parse(0x0004000333000001ull, &info), SVSM_E_UNSUPPORTED);
	/* Wrong response code. */
	EXPECT_EQ(snp_ghcb_msr_sev_info_parse(0x0002000133000002ull, &info), SVSM_E_IO);
}

TEST(snp_ghcb_msr, response_checks)
{
	uint64_t features = 0;
	uint32_t value = 0;

	/* HV features SNP | AP_CREATION | MULTI_VMPL = 0x23 in [63:12], code 0x081. */
	EXPECT_EQ(snp_ghcb_msr_hv_features_parse(0x23081ull, &features), SVSM_OK);
	EXPECT_EQ(features, 0x23);
	/* Without MULTI_VMPL an SVSM cannot run. */
	EXPECT_EQ(snp_ghcb_msr_hv_features_parse(0x03081ull, &features), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(snp_ghcb_msr_hv_features_parse(0x23080ull, &features), SVSM_E_IO);
	EXPECT_EQ(snp_ghcb_msr_register_parse(0x12345013ull, 0x12345000), SVSM_OK);
	EXPECT_EQ(snp_ghcb_msr_register_parse(0x12346013ull, 0x12345000), SVSM_E_IO);
	EXPECT_EQ(snp_ghcb_msr_psc_parse(0x015), SVSM_OK);
	EXPECT_EQ(snp_ghcb_msr_psc_parse((1ull << 32) | 0x015), SVSM_E_IO);
	EXPECT_EQ(snp_ghcb_msr_vmpl_parse(0x017), SVSM_OK);
	EXPECT_EQ(snp_ghcb_msr_vmpl_parse((5ull << 32) | 0x017), SVSM_E_IO);
	EXPECT_EQ(snp_ghcb_msr_vmpl_parse(0x016), SVSM_E_IO);
	EXPECT_EQ(snp_ghcb_msr_cpuid_parse(0xdeadbeef00000005ull, &value), SVSM_OK);
	EXPECT_EQ(value, 0xdeadbeef);
}

TEST(snp_ghcb_msr, calls_through_fake_cpu)
{
	struct snp_sev_info info;
	uint64_t features = 0;

	fake_cpu_reset(0x40000000);
	fake_cpu.msr_ghcb = 0xabc000; /* a registered GHCB the calls must restore */
	ASSERT_EQ(snp_ghcb_msr_sev_info(&info), SVSM_OK);
	EXPECT_EQ(info.cbit, 51);
	EXPECT_EQ(fake_cpu.msr_ghcb, 0xabc000);
	ASSERT_EQ(snp_ghcb_msr_hv_features(&features), SVSM_OK);
	ASSERT_EQ(snp_ghcb_msr_run_vmpl(2), SVSM_OK);
	EXPECT_EQ(fake_cpu.hv_run_vmpl_count, 1);
	EXPECT_EQ(fake_cpu.vmgexit_count, 3);
	EXPECT_EQ(fake_cpu.log[2].vaddr, 0x0000000200000016ull); /* MSR at VMGEXIT */

	fake_cpu.hv_features = GHCB_HV_FT_SNP;
	EXPECT_EQ(snp_ghcb_msr_hv_features(&features), SVSM_E_UNSUPPORTED);

	ASSERT_EQ(snp_ghcb_msr_register(0x7000), SVSM_OK);
	EXPECT_EQ(fake_cpu.hv_registered_ghcb, 0x7000);
	EXPECT_EQ(fake_cpu.msr_ghcb, 0x7000);
	EXPECT_EQ(snp_ghcb_msr_register(0x7001), SVSM_E_INVALID_PARAM);

	fake_rmp_assign(0x40001000, false);
	ASSERT_EQ(snp_ghcb_msr_psc(0x40001000, SNP_PAGE_STATE_SHARED), SVSM_OK);
	EXPECT_FALSE(fake_rmp_entry(0x40001000)->assigned);

	snp_ghcb_msr_terminate(SEV_TERM_SET_GEN, GHCB_SNP_UNSUPPORTED);
	EXPECT_TRUE(fake_cpu.terminated);
	EXPECT_EQ(fake_cpu.term_request, 0x20100ull);
}

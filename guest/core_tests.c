/*
 * Test-guest checks of the core protocol's memory calls: discovery and queries, REMAP_CA,
 * and PVALIDATE with valid and hostile requests.
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"

void test_discovery_and_queries(void)
{
	struct call c;

	check("ca_from_msr_svsm_caa", guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (0ull << 32) | 1, 0, 0);
	check("query_core_v1", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS &&
				       c.rcx == ((1ull << 32) | 1));
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (0ull << 32) | 2, 0, 0);
	check("query_core_v2_absent", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (99ull << 32) | 1, 0, 0);
	check("query_unknown_protocol", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0);
	check("configure_vtom_query", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	check("configure_vtom_set", core(SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0) == SVSM_ERR_INVALID_REQUEST);
	check("deposit_mem_unsupported", core(SVSM_CORE_DEPOSIT_MEM, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("withdraw_mem_unsupported", core(SVSM_CORE_WITHDRAW_MEM, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("unknown_core_call", core(99, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("unknown_protocol", call_rax(77, 0, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_PROTOCOL);
	check("bare_vmmcall_ignored", bare_vmmcall(0x1234) == 0x1234);
	check("call_pending_cleared", ca->call_pending == 0);
}

void test_remap_ca(void)
{
	volatile struct svsm_ca *old = ca;
	struct call c;
	bool ok;

	memset((void *)S_CA2, 0, PAGE);
	ok = core(SVSM_CORE_REMAP_CA, S_CA2, 0, 0) == SVSM_SUCCESS;
	ca = (volatile struct svsm_ca *)S_CA2;
	ok = ok && guest_rdmsr(MSR_SVSM_CAA) == S_CA2 && old->call_pending == 0;
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	ok = ok && svsm_call(ca, &c) && c.rax == SVSM_SUCCESS;
	ok = ok && core(SVSM_CORE_REMAP_CA, (uint64_t)old, 0, 0) == SVSM_SUCCESS;
	ca = old;
	check("remap_ca_and_back", ok && guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
	check("remap_ca_svsm_memory", core(SVSM_CORE_REMAP_CA, boot->svsm_base, 0, 0) ==
					      SVSM_ERR_INVALID_ADDRESS);
	check("remap_ca_unaligned", core(SVSM_CORE_REMAP_CA, S_CA2 + 8, 0, 0) ==
					    SVSM_ERR_INVALID_PARAMETER);
	check("remap_ca_mmio", core(SVSM_CORE_REMAP_CA, 0xfee00000, 0, 0) == SVSM_ERR_INVALID_ADDRESS);
	check("ca_unchanged_after_bad_remaps", guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
}

void test_pvalidate_valid(void)
{
	uint64_t p = S_PAGES;
	uint64_t list[5];
	uint16_t next = 0;
	uint64_t rax;

	memset((void *)p, 0xaa, PAGE);
	check("pvalidate_4k", pval1(p, 0, true, false) == SVSM_SUCCESS);
	check("pvalidate_zeroes_page", page_is(p, 0));
	check("pvalidate_double_no_change", pval1(p, 0, true, false) == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
	check("pvalidate_double_ignore_cf", pval1(p, 0, true, true) == SVSM_SUCCESS);
	check("pvalidate_invalidate", pval1(p, 0, false, false) == SVSM_SUCCESS);
	check("pvalidate_invalidate_twice", pval1(p, 0, false, false) == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);

	check("pvalidate_2m", pval1(S_HUGE, 1, true, false) == SVSM_SUCCESS);
	check("pvalidate_4k_in_2m_mismatch",
	      pval1(S_HUGE + 5 * PAGE, 0, false, false) == SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	check("pvalidate_2m_invalidate", pval1(S_HUGE, 1, false, false) == SVSM_SUCCESS);
	check("pvalidate_4k_then_2m_mismatch",
	      pval1(S_HUGE2 + PAGE, 0, true, false) == SVSM_SUCCESS &&
		      pval1(S_HUGE2, 1, true, false) == SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);

	/* A list stops at its first failure and `next` says where. */
	for (unsigned i = 0; i < 5; i++) {
		list[i] = svsm_pvalidate_entry_make(p + (8 + i) * PAGE, 0, true, false);
	}
	list[2] = svsm_pvalidate_entry_make(S_HUGE2 + PAGE, 0, true, false); /* already valid */
	rax = pvalidate_at((uint64_t)ca->buffer, list, 5, 0, &next);
	check("pvalidate_list_stops_at_failure", rax == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE && next == 2);
	rax = pvalidate_at((uint64_t)ca->buffer, list, 5, 3, &next);
	check("pvalidate_list_resumes_from_next", rax == SVSM_SUCCESS && next == 5);

	/* The most entries the CA buffer holds, in a separate request page as well. */
	{
		static uint64_t many[SVSM_PVALIDATE_MAX_COUNT];

		for (unsigned i = 0; i < SVSM_PVALIDATE_MAX_COUNT; i++) {
			many[i] = svsm_pvalidate_entry_make(S_HUGE + i * PAGE, 0, true, false);
		}
		rax = pvalidate_at((uint64_t)ca->buffer, many, SVSM_PVALIDATE_MAX_COUNT, 0, &next);
		check("pvalidate_510_entries", rax == SVSM_SUCCESS && next == SVSM_PVALIDATE_MAX_COUNT);
		for (unsigned i = 0; i < SVSM_PVALIDATE_MAX_COUNT; i++) {
			many[i] &= ~SVSM_PVALIDATE_ENTRY_VALIDATE;
		}
		rax = pvalidate_at(S_REQ, many, SVSM_PVALIDATE_MAX_COUNT, 0, &next);
		check("pvalidate_510_invalidate_outside_ca", rax == SVSM_SUCCESS);
	}
}

void test_pvalidate_hostile(void)
{
	uint64_t e = svsm_pvalidate_entry_make(S_PAGES, 0, true, false);
	uint64_t buf = (uint64_t)ca->buffer;
	uint16_t next;

	check("pvalidate_svsm_page", pval1(boot->svsm_base, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_svsm_2m", pval1(boot->svsm_base, 1, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_svsm_last_page", pval1(boot->svsm_base + boot->svsm_size - PAGE, 0, false,
						 false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_beyond_ram", pval1(0x3ff000000000ull, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_mmio", pval1(0xfee00000, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_request_in_svsm", core(SVSM_CORE_PVALIDATE, boot->svsm_base + PAGE, 0, 0) ==
						   SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_request_unaligned", core(SVSM_CORE_PVALIDATE, buf + 4, 0, 0) ==
						     SVSM_ERR_INVALID_PARAMETER);
	/* Two entries starting 16 bytes before a page end would cross into the next page. */
	check("pvalidate_request_crosses_page",
	      pvalidate_at(S_REQ + PAGE - 16, (uint64_t[]){e, e}, 2, 0, NULL) ==
		      SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_count_zero", pvalidate_at(buf, &e, 0, 0, NULL) == SVSM_ERR_INVALID_PARAMETER);
	((struct svsm_pvalidate_call *)buf)->entry_count = SVSM_PVALIDATE_MAX_COUNT + 1;
	((struct svsm_pvalidate_call *)buf)->next = 0;
	check("pvalidate_count_exceeds_buffer", core(SVSM_CORE_PVALIDATE, buf, 0, 0) ==
							SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_next_beyond_count",
	      pvalidate_at(buf, (uint64_t[]){e, e}, 2, 3, &next) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_next_equals_count",
	      pvalidate_at(buf, (uint64_t[]){e, e}, 2, 2, &next) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_reserved_bits", pvalidate_at(buf, (uint64_t[]){e | 0x10}, 1, 0, NULL) ==
						 SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_bad_size", pvalidate_at(buf, (uint64_t[]){e | 2}, 1, 0, NULL) ==
					    SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_2m_unaligned",
	      pval1(S_HUGE + PAGE, 1, true, false) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_request_null", core(SVSM_CORE_PVALIDATE, 0, 0, 0) == SVSM_ERR_INVALID_PARAMETER ||
						core(SVSM_CORE_PVALIDATE, 0, 0, 0) == SVSM_ERR_INVALID_ADDRESS);
}

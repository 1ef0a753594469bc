/*
 * Tests of SVSM call dispatch and the core protocol against the fake platform: what a
 * guest observes in RAX/RCX and in its memory for valid and hostile calls.
 */
#include "kernel/arch/x86_64/safe_copy.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/dispatch.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull

static struct guest_fixture g;

TEST(dispatch, call_pending_clear_means_no_call)
{
	guest_fixture_setup(&g);
	g.fv.regs = (struct svsm_call_regs){SVSM_CALL(0, SVSM_CORE_QUERY_PROTOCOL), 1, 2, 3, 4};
	vcpu_handle_call(g.v); /* call_pending is 0 */
	EXPECT_EQ(g.fv.regs.rax, SVSM_CALL(0, SVSM_CORE_QUERY_PROTOCOL));
	EXPECT_EQ(g.fv.regs.rcx, 1);
	EXPECT_EQ(g.v->calls, 0);
}

TEST(dispatch, call_clears_pending_and_answers)
{
	struct svsm_call_regs r;

	guest_fixture_setup(&g);
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	EXPECT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, (1ull << 32) | 1);
	EXPECT_EQ(((struct svsm_ca *)(uintptr_t)g.ca)->call_pending, 0);
	EXPECT_EQ(g.v->calls, 1);
}

TEST(dispatch, unknown_protocol_and_call)
{
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_call(&g, 9, 0, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(guest_call(&g, 0xffffffff, 0, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(guest_call(&g, 0, 8, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(guest_call(&g, 0, 0xffffffff, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DEPOSIT_MEM, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_WITHDRAW_MEM, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
}

TEST(dispatch, error_mapping_is_total)
{
	EXPECT_EQ(svsm_err_to_result(SVSM_OK), SVSM_SUCCESS);
	EXPECT_EQ(svsm_err_to_result(SVSM_E_INVALID_ADDRESS), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(svsm_err_to_result(SVSM_E_NOT_FOUND), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(svsm_err_to_result(SVSM_E_PVALIDATE_SIZEMISMATCH), 0x80001006);
	EXPECT_EQ(svsm_err_to_result(SVSM_E_PVALIDATE_NO_CHANGE), 0x80001010);
	EXPECT_EQ(svsm_err_to_result(SVSM_E_PVALIDATE_FAIL_INPUT), 0x80001001);
	for (int e = 1; e <= SVSM_E_PVALIDATE_NO_CHANGE; e++) {
		EXPECT_NE(svsm_err_to_result((enum svsm_err)e), SVSM_SUCCESS);
	}
}

TEST(core, query_protocol_versions)
{
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0).rcx, (1ull << 32) | 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0).rcx, 0);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 2, 0, 0).rcx, 0);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, (5ull << 32) | 1, 0, 0).rcx, 0);
}

TEST(core, configure_vtom)
{
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0).rcx, 0);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0).rax, SVSM_ERR_INVALID_REQUEST);
}

TEST(core, remap_ca)
{
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, g.ram + PAGE, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(gpa_addr(g.v->ca_gpa), g.ram + PAGE);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, g.svsm, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, g.ram + 8, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, g.ram_end, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, UINT64_MAX & ~0xfffull, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(gpa_addr(g.v->ca_gpa), g.ram + PAGE);
}

/* Writes a PVALIDATE request at @gpa. */
static void put_request(uint64_t gpa, uint16_t count, uint16_t next, const uint64_t *e, unsigned n)
{
	struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)(uintptr_t)gpa;

	req->entry_count = count;
	req->next = next;
	memset(req->reserved, 0, sizeof(req->reserved));
	for (unsigned i = 0; i < n; i++) {
		req->entries[i] = e[i];
	}
}

static uint64_t pval(uint64_t gpa, unsigned size, bool validate, bool ignore_cf)
{
	uint64_t e = svsm_pvalidate_entry_make(gpa, size, validate, ignore_cf);
	uint64_t req = g.ca + 8;

	put_request(req, 1, 0, &e, 1);
	return guest_call(&g, 0, SVSM_CORE_PVALIDATE, req, 0, 0).rax;
}

TEST(pvalidate, validate_zeroes_and_tracks_state)
{
	uint64_t p;

	guest_fixture_setup(&g);
	p = g.ram + 0x200000 + 3 * PAGE;
	memset((void *)(uintptr_t)p, 0x5a, PAGE);
	EXPECT_EQ(pval(p, 0, true, false), SVSM_SUCCESS);
	EXPECT_EQ(((uint8_t *)(uintptr_t)p)[100], 0);
	EXPECT_EQ(pval(p, 0, true, false), SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
	EXPECT_EQ(pval(p, 0, true, true), SVSM_SUCCESS);
	EXPECT_EQ(pval(p, 0, false, false), SVSM_SUCCESS);
	EXPECT_EQ(pval(p, 0, false, false), SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
}

TEST(pvalidate, huge_pages_and_size_mismatch)
{
	uint64_t h;

	guest_fixture_setup(&g);
	h = g.ram + 0x400000;
	EXPECT_EQ(pval(h, 1, true, false), SVSM_SUCCESS);
	EXPECT_EQ(pval(h + PAGE, 0, false, false), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_EQ(pval(h, 1, true, false), SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
	EXPECT_EQ(pval(h, 1, false, false), SVSM_SUCCESS);
	EXPECT_EQ(pval(h + 7 * PAGE, 0, true, false), SVSM_SUCCESS);
	EXPECT_EQ(pval(h, 1, true, false), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_EQ(pval(h + PAGE, 1, true, false), SVSM_ERR_INVALID_PARAMETER); /* unaligned 2M */
}

TEST(pvalidate, list_progress_in_next)
{
	uint64_t e[4], req;
	struct svsm_pvalidate_call *hdr;

	guest_fixture_setup(&g);
	req = g.ram + 2 * PAGE;
	for (unsigned i = 0; i < 4; i++) {
		e[i] = svsm_pvalidate_entry_make(g.ram + 0x300000 + i * PAGE, 0, true, false);
	}
	e[2] = svsm_pvalidate_entry_make(g.svsm + PAGE, 0, true, false); /* SVSM page */
	put_request(req, 4, 0, e, 4);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, req, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	hdr = (struct svsm_pvalidate_call *)(uintptr_t)req;
	EXPECT_EQ(hdr->next, 2);
	EXPECT_EQ(hdr->entry_count, 4);
	hdr->next = 3;
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, req, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(hdr->next, 4);
	EXPECT_EQ(fake_log.pvalidates, 3);
}

TEST(pvalidate, hostile_requests)
{
	uint64_t e = svsm_pvalidate_entry_make(g.ram + 0x300000, 0, true, false);
	uint64_t buf;

	guest_fixture_setup(&g);
	e = svsm_pvalidate_entry_make(g.ram + 0x300000, 0, true, false);
	buf = g.ca + 8;
	put_request(buf, 0, 0, &e, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	put_request(buf, SVSM_PVALIDATE_MAX_COUNT + 1, 0, &e, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	put_request(buf, 2, 2, &e, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	put_request(buf, 1, 0, &e, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf + 4, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, g.svsm + 64, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, g.ram - 8, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, g.ram_end - 8, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER); /* header fits, no entry does */
	/* Page crossing: 2 entries from 16 bytes before a page end. */
	put_request(g.ram + 2 * PAGE - 16, 2, 0, (uint64_t[]){e, e}, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, g.ram + 2 * PAGE - 16, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	put_request(buf, 1, 0, (uint64_t[]){e | 0x100}, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	put_request(buf, 1, 0, (uint64_t[]){e | 3}, 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_PVALIDATE, buf, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(pval(g.svsm, 0, true, false), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pval(g.svsm, 1, true, false), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pval(g.ram_end, 0, true, false), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(pval(g.ram_end - PAGE, 1, true, false), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.pvalidates, 0);
}

TEST(vcpu_calls, create_checks_before_platform)
{
	uint64_t vmsa, ca2;

	guest_fixture_setup(&g);
	fake_cpus_setup(8);
	vmsa = g.ram + 0x500000;
	ca2 = vmsa + PAGE;
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, g.svsm, ca2, 1).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, g.svsm, 1).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa + 8, ca2, 1).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, vmsa, 1).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, g.ca, 1).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.prepares, 0);
	fake_log.prepare_result = SVSM_E_BUSY;
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca2, 1).rax, SVSM_ERR_BUSY);
	fake_log.prepare_result = SVSM_OK;
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca2, 0x100000007ull).rax, SVSM_SUCCESS);
	EXPECT_EQ(fake_log.prepares, 1);
	EXPECT_EQ(fake_log.last_apic, 7);
	EXPECT_EQ(fake_log.last_cpu, 7);
	EXPECT_EQ(fake_log.last_vmsa, vmsa);
	EXPECT_EQ(fake_log.last_ca, ca2);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0).rax, SVSM_SUCCESS);
}

/*
 * A page read-only to the SVSM (split OVMF's code flash) is never a VMSA or a CA: native
 * makes a VMSA page read-only in the NPT and writable again at DELETE_VCPU, which would
 * hand the guest write access to the firmware code; a CA's call_pending is written.
 */
TEST(vcpu_calls, read_only_pages_refused)
{
	uint64_t vmsa, ca2;

	guest_fixture_setup(&g);
	fake_cpus_setup(8);
	vmsa = g.ram + 0x500000;
	ca2 = vmsa + PAGE;
	guest_mem_set_readonly(gpa_init(vmsa), PAGE);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca2, 1).rax, SVSM_ERR_INVALID_ADDRESS);
	guest_mem_set_readonly(gpa_init(ca2), PAGE);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca2, 1).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_REMAP_CA, ca2, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(fake_log.prepares, 0);
	guest_mem_set_readonly(GPA_C(0), 0);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_CREATE_VCPU, vmsa, ca2, 1).rax, SVSM_SUCCESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DELETE_VCPU, vmsa, 0, 0).rax, SVSM_SUCCESS);
}

TEST(vcpu_calls, delete_unknown_and_checks)
{
	guest_fixture_setup(&g);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DELETE_VCPU, g.ram + 0x500000, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DELETE_VCPU, g.svsm, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_DELETE_VCPU, g.ram + 3, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(fake_log.kicks, 0);
	EXPECT_EQ(fake_log.destroys, 0);
}

/*
 * From the review: a write checked that its page was not protected and then copied; a
 * CREATE_VCPU on another CPU could protect the page (and start a vCPU from it) in between,
 * and the copy then changed the checked VMSA. The fault-model hook of the host safe copies
 * runs a protect at the moment of the copy: it must be refused (BUSY) while the write is
 * under way, and the write must not land in a protected page.
 */
static uint64_t race_page;
static enum svsm_err race_protect_result;
static bool race_fired;

static bool protect_during_copy(uint64_t addr, size_t n)
{
	(void)addr;
	(void)n;
	if (!race_fired) {
		race_fired = true;
		race_protect_result = guest_mem_protect_page(gpa_init(race_page));
	}
	return false; /* the copy itself does not fault */
}

TEST(guest_mem, a_write_and_a_protect_of_its_page_do_not_interleave)
{
	uint8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct guest_mem_window w;

	guest_fixture_setup(&g);
	race_page = g.ram + 3 * PAGE;
	for (unsigned kind = 0; kind < 3; kind++) {
		enum svsm_err err = SVSM_OK;

		memset((void *)(uintptr_t)race_page, 0xcc, PAGE);
		race_fired = false;
		safe_copy_host_set_fault(protect_during_copy);
		if (kind == 0) {
			err = guest_mem_write(gpa_init(race_page + 8), x, 8);
		} else if (kind == 1) {
			err = guest_mem_zero(gpa_init(race_page), PAGE);
		} else {
			ASSERT_EQ(guest_mem_window_open(&w, gpa_init(race_page), PAGE), SVSM_OK);
			err = guest_mem_window_write(&w, 8, x, 8);
		}
		safe_copy_host_set_fault(NULL);
		EXPECT_TRUE(race_fired);
		EXPECT_EQ(err, SVSM_OK);
		/* The protect came while the write was under way: refused, the caller retries. */
		EXPECT_EQ(race_protect_result, SVSM_E_BUSY);
		EXPECT_FALSE(guest_mem_is_protected(gpa_init(race_page), PAGE));
		/* Once the write is done, the page can be protected, and is not written again. */
		ASSERT_EQ(guest_mem_protect_page(gpa_init(race_page)), SVSM_OK);
		EXPECT_EQ(guest_mem_write(gpa_init(race_page + 8), x, 8), SVSM_E_INVALID_ADDRESS);
		guest_mem_unprotect_page(gpa_init(race_page));
	}
}

TEST(guest_mem, protected_pages_and_bounds)
{
	uint8_t b[16] = {0};

	guest_fixture_setup(&g);
	EXPECT_EQ(guest_mem_read(gpa_init(g.svsm), b, 1), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(g.ram - 1), b, 2), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(g.ram_end - 8), b, 16), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(UINT64_MAX - 4), b, 16), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(g.ram), b, 0), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(g.ram_end - 16), b, 16), SVSM_OK);
	ASSERT_EQ(guest_mem_protect_page(gpa_init(g.ram + PAGE)), SVSM_OK);
	EXPECT_EQ(guest_mem_protect_page(gpa_init(g.ram + PAGE)), SVSM_E_EXISTS);
	EXPECT_EQ(guest_mem_write(gpa_init(g.ram + PAGE + 8), b, 8), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_mem_read(gpa_init(g.ram + PAGE + 8), b, 8), SVSM_OK);
	EXPECT_EQ(guest_mem_write(gpa_init(g.ram + PAGE - 4), b, 8), SVSM_E_INVALID_ADDRESS);
	guest_mem_unprotect_page(gpa_init(g.ram + PAGE));
	EXPECT_EQ(guest_mem_write(gpa_init(g.ram + PAGE + 8), b, 8), SVSM_OK);
	/* A window is checked once, then every access stays inside it. */
	{
		struct guest_mem_window w;
		uint8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};

		EXPECT_EQ(guest_mem_window_open(&w, gpa_init(g.svsm + PAGE), PAGE),
			  SVSM_E_INVALID_ADDRESS);
		EXPECT_EQ(guest_mem_window_open(&w, gpa_init(g.ram_end - 8), 16),
			  SVSM_E_INVALID_ADDRESS);
		ASSERT_EQ(guest_mem_window_open(&w, gpa_init(g.ram + 2 * PAGE), PAGE), SVSM_OK);
		EXPECT_EQ(guest_mem_window_write(&w, PAGE - 8, x, 8), SVSM_OK);
		EXPECT_EQ(guest_mem_window_read(&w, PAGE - 8, b, 8), SVSM_OK);
		EXPECT_MEMEQ(b, x, 8);
		EXPECT_EQ(guest_mem_window_read(&w, PAGE - 4, b, 8), SVSM_E_INVALID_ADDRESS);
		EXPECT_EQ(guest_mem_window_read(&w, UINT64_MAX, b, 1), SVSM_E_INVALID_ADDRESS);
		EXPECT_EQ(guest_mem_window_write(&w, 0, x, 0), SVSM_E_INVALID_ADDRESS);
		ASSERT_EQ(guest_mem_protect_page(gpa_init(g.ram + 2 * PAGE)), SVSM_OK);
		EXPECT_EQ(guest_mem_window_write(&w, 0, x, 8), SVSM_E_INVALID_ADDRESS);
		EXPECT_EQ(guest_mem_window_read(&w, 0, b, 8), SVSM_OK);
		guest_mem_unprotect_page(gpa_init(g.ram + 2 * PAGE));
	}
	/* The RAM map may not overlap the SVSM region. */
	{
		struct guest_mem_range bad = {gpa_init(g.svsm), gpa_init(g.ram + PAGE)};

		EXPECT_EQ(guest_mem_init(&bad, 1, gpa_init(g.svsm), gpa_init(g.ram)),
			  SVSM_E_INVALID_PARAM);
	}
}

TEST(vcpu_table, claims_are_atomic_and_exclusive)
{
	struct vcpu *a, *b;
	struct vcpu_claim c, d;
	uint64_t vmsa;

	guest_fixture_setup(&g); /* vCPU 0 (APIC 0) with its CA at g.ca */
	vmsa = g.ram + 0x500000;
	a = vcpu_alloc(1, gpa_init(vmsa + PAGE), gpa_init(vmsa));
	ASSERT_TRUE(a != NULL);
	/* Until published, the new vCPU cannot be found for deletion. */
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), g.v, &c), SVSM_E_NOT_FOUND);
	vcpu_publish(a);
	/* Same APIC ID, same VMSA, or a CA that is someone's CA or VMSA: refused. */
	EXPECT_TRUE(vcpu_alloc(1, gpa_init(vmsa + 4 * PAGE), gpa_init(vmsa + 3 * PAGE)) == NULL);
	EXPECT_TRUE(vcpu_alloc(2, gpa_init(vmsa + 4 * PAGE), gpa_init(vmsa)) == NULL);
	EXPECT_TRUE(vcpu_alloc(2, gpa_init(g.ca), gpa_init(vmsa + 3 * PAGE)) == NULL);
	EXPECT_TRUE(vcpu_alloc(2, gpa_init(vmsa), gpa_init(vmsa + 3 * PAGE)) == NULL);
	b = vcpu_alloc(2, gpa_init(vmsa + 4 * PAGE), gpa_init(vmsa + 3 * PAGE));
	ASSERT_TRUE(b != NULL);
	vcpu_publish(b);
	/* One deleter at a time; a vCPU cannot delete itself. */
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), a, &c), SVSM_E_INVALID_REQUEST);
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), g.v, &c), SVSM_OK);
	EXPECT_TRUE(c.v == a);
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), b, &d), SVSM_E_BUSY);
	vcpu_unclaim(&c);
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), b, &d), SVSM_OK);
	/* REMAP_CA onto another vCPU's CA or VMSA is refused, onto a free page accepted. */
	EXPECT_EQ(vcpu_set_ca(g.v, gpa_init(vmsa + PAGE)), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vcpu_set_ca(g.v, gpa_init(vmsa + 3 * PAGE)), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vcpu_set_ca(g.v, gpa_init(vmsa + 6 * PAGE)), SVSM_OK);
	/* A claim whose slot was freed is stale: it frees, unclaims and stops nothing. */
	vcpu_release(a);
	EXPECT_TRUE(vcpu_claim_stale(&d));
	a = vcpu_alloc(1, gpa_init(vmsa + PAGE), gpa_init(vmsa));
	ASSERT_TRUE(a == d.v); /* the same slot, a new vCPU */
	vcpu_publish(a);
	a->state = VCPU_STOPPED;
	EXPECT_TRUE(vcpu_claim_stale(&d));
	EXPECT_FALSE(vcpu_claim_stopped(&d));
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), g.v, &c), SVSM_OK);
	EXPECT_TRUE(vcpu_claim_stopped(&c));
	vcpu_unclaim(&d);
	EXPECT_EQ(vcpu_claim_vmsa(gpa_init(vmsa), b, &d), SVSM_E_BUSY); /* c's claim still stands */
	vcpu_release(a);
	vcpu_release(b);
}

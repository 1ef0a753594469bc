/*
 * Security finding 2 of issue 10 on the fake SNP CPU: a guest that rescinds the validation
 * of its calling area or request page (PVALIDATE) or has it made shared, then makes a call.
 * The SVSM's access to such a page faults on hardware (#VC 0x404); guest_mem's copies take
 * the fault through their fixup and the guest gets SVSM_ERR_INVALID_ADDRESS, where the VM
 * used to be terminated. And a PVALIDATE and a CREATE_VCPU of the same page cannot
 * interleave: a failed validation never rescinds a page that just became a live VMSA.
 * The fault model is fake_cpu_svsm_access_faults() (kernel/arch/x86_64/safe_copy.h).
 */
#include "kernel/arch/x86_64/safe_copy.h"
#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/guest_snp.h"
#include "svsm/abi/snp.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PG 0x1000ull

/* Guest RAM is private and validated, as after a launch and the guest's own PVALIDATEs. */
static void setup(struct guest_fixture *g)
{
	guest_fixture_setup(g);
	fake_cpu_reset(g->ram);
	for (uint64_t a = g->ram; a < g->ram_end && a < g->ram + FAKE_RMP_PAGES * PG; a += PG) {
		fake_rmp_assign(a, false);
		fake_rmp_entry(a)->validated = true;
		fake_rmp_entry(a)->perms[2] = 0xf;
	}
	safe_copy_host_set_fault(fake_cpu_svsm_access_faults);
}

static void teardown(void)
{
	safe_copy_host_set_fault(NULL);
}

/* A PVALIDATE request at @req for one 4K page at @target (validate). */
static void write_request(uint64_t req, uint64_t target)
{
	struct svsm_pvalidate_call *c = (struct svsm_pvalidate_call *)(uintptr_t)req;

	c->entry_count = 1;
	c->next = 0;
	c->entries[0] = target | SVSM_PVALIDATE_ENTRY_SIZE_4K | SVSM_PVALIDATE_ENTRY_VALIDATE;
}

TEST(snp_guest_mem, pvalidate_request_page_not_validated_is_an_address_error)
{
	struct guest_fixture g;
	uint64_t req = 0, target = 0;
	struct svsm_call_regs r;

	setup(&g);
	req = g.ram + 4 * PG;
	target = g.ram + 8 * PG;
	write_request(req, target);
	fake_rmp_entry(req)->validated = false; /* the guest's PVALIDATE(0) */
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, req, 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_GE(fake_cpu.svsm_access_faults, 1);
	EXPECT_EQ(fake_log.pvalidates, 0);
	EXPECT_FALSE(fake_cpu.terminated);
	/* Validated again, the same request goes through: the SVSM kept running. */
	fake_rmp_entry(req)->validated = true;
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, req, 0, 0);
	EXPECT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(((struct svsm_pvalidate_call *)(uintptr_t)req)->next, 1);
	teardown();
}

TEST(snp_guest_mem, pvalidate_request_page_made_shared_is_an_address_error)
{
	struct guest_fixture g;
	uint64_t req = 0;
	struct svsm_call_regs r;

	setup(&g);
	req = g.ram + 5 * PG;
	write_request(req, g.ram + 9 * PG);
	fake_rmp_make_shared(req, false); /* the guest's page-state change to shared */
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, req, 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(fake_log.pvalidates, 0);
	teardown();
}

/* The request reads fine, but the page it names cannot be zeroed after its validation (the
 * host made it shared): the entry fails with an address error and `next` stays at 0. */
TEST(snp_guest_mem, pvalidate_target_zeroing_fault_is_an_address_error)
{
	struct guest_fixture g;
	uint64_t req = 0, target = 0;
	struct svsm_call_regs r;

	setup(&g);
	req = g.ram + 6 * PG;
	target = g.ram + 10 * PG;
	write_request(req, target);
	fake_rmp_make_shared(target, false); /* the page to validate cannot be zeroed */
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE, req, 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(((struct svsm_pvalidate_call *)(uintptr_t)req)->next, 0);
	teardown();
}

TEST(snp_guest_mem, calling_area_not_validated_answers_invalid_address)
{
	struct guest_fixture g;
	struct svsm_call_regs r;
	unsigned calls = 0;

	setup(&g);
	calls = g.v->calls;
	fake_rmp_entry(g.ca)->validated = false; /* the guest rescinded its own CA */
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(g.v->calls, calls); /* nothing was dispatched */
	fake_rmp_make_shared(g.ca, false);
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_ADDRESS);
	/* A good calling area again: calls work. */
	fake_rmp_assign(g.ca, false);
	fake_rmp_entry(g.ca)->validated = true;
	r = guest_call(&g, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 0, 0, 0);
	EXPECT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(g.v->calls, calls + 1);
	teardown();
}

/*
 * CREATE_VCPU of page P on another CPU while this CPU validates P (it would run between the
 * SVSM's PVALIDATE and the zeroing). The fault model plays that CPU: it is asked about every
 * SVSM access, so it runs the other CPU's step exactly while P is being zeroed.
 */
static uint64_t race_page;
static enum svsm_err race_protect = SVSM_E_IO;
static bool race_done;

static bool racing_model(uint64_t addr, uint64_t len)
{
	if (!race_done && addr <= race_page && race_page < addr + len) {
		race_done = true;
		race_protect =
		    guest_mem_protect_page(gpa_init(race_page)); /* vcpu_snp.c's first step */
		if (race_protect == SVSM_OK) {
			/* then snp_vcpu_make(): the VMSA bit, read-only for the guest */
			fake_rmp_entry(race_page)->vmsa = true;
			fake_rmp_entry(race_page)->perms[2] = 0x1;
		}
	}
	return fake_cpu_svsm_access_faults(addr, len);
}

TEST(snp_guest_mem, create_vcpu_cannot_slip_into_a_pvalidate_of_its_page)
{
	struct guest_fixture g;
	struct guest_mem_claim c;
	enum plat_pvalidate_result res = PLAT_PVALIDATE_FAIL_INPUT;
	enum svsm_err err = SVSM_E_IO;

	setup(&g);
	race_page = g.ram + 12 * PG;
	race_done = false;
	race_protect = SVSM_E_IO;
	fake_rmp_entry(race_page)->validated = false; /* the guest validates it now */
	safe_copy_host_set_fault(racing_model);
	/* core.c's PVALIDATE path on SNP: claim, plat_pvalidate() -> snp_guest_pvalidate(). */
	err = guest_mem_claim_unprotected(&c, gpa_init(race_page), PG);
	ASSERT_EQ(err, SVSM_OK);
	err = snp_guest_pvalidate(va_init(race_page), &c, true, &res);
	guest_mem_claim_release(&c);
	EXPECT_TRUE(race_done);
	/* The racing CREATE_VCPU is told to retry; the validation completed. */
	EXPECT_EQ(race_protect, SVSM_E_BUSY);
	EXPECT_EQ(err, SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_OK);
	EXPECT_TRUE(fake_rmp_entry(race_page)->validated);
	/*
	 * Had CREATE_VCPU won, its page would have to stay a validated VMSA page, read-only for
	 * the guest; the interleaved validation (grant RWX, or PVALIDATE(0) after a failed
	 * zeroing) would undo that under a live vCPU.
	 */
	if (guest_mem_is_protected(gpa_init(race_page), PG)) {
		EXPECT_TRUE(fake_rmp_entry(race_page)->vmsa);
		EXPECT_TRUE(fake_rmp_entry(race_page)->validated);
		EXPECT_EQ(fake_rmp_entry(race_page)->perms[2] & 2, 0);
		guest_mem_unprotect_page(gpa_init(race_page));
	}
	/* The retry succeeds once the PVALIDATE is over, and then PVALIDATE refuses the page. */
	EXPECT_EQ(guest_mem_protect_page(gpa_init(race_page)), SVSM_OK);
	EXPECT_EQ(guest_mem_claim_unprotected(&c, gpa_init(race_page), PG), SVSM_E_INVALID_ADDRESS);
	guest_mem_unprotect_page(gpa_init(race_page));
	teardown();
}

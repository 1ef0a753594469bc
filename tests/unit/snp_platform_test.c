/*
 * The SNP platform's own logic on the fake CPU and a fake hypervisor (run_vmpl.c,
 * guest_snp.c): the run-VMPL step and its exit decisions, the SVSM call registers in the
 * VMSA, PVALIDATE for the guest with the RMPADJUST grant and revoke, CREATE/DELETE_VCPU with
 * the VMSA bit and AP_CREATION, the firmware launch preparation (secrets page with VMPCK
 * wiping, CPUID page, CA, grants) and the guest-request transport over the GHCB.
 */
#include <stdlib.h>

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/run_vmpl.h"
#include "kernel/platform/snp/vmsa_snp.h"

#include "svsm/abi/snp.h"

#include "kernel/mm/guest_mem.h"
#include "tests/unit/harness.h"
#include <string.h>

#define PG 0x1000ull
#define P2M 0x200000ull
#define ARENA (4 * P2M)

/* ---- fixture: 8 MiB of "guest RAM" (identity VA = GPA), a GHCB, a recording host ---- */

struct hv_rec {
	struct vmsa *run_vmsa;	 /* the VMSA SNP_RUN_VMPL "runs" */
	uint64_t next_exit_code; /* what the guest does when run */
	bool svme_seen;		 /* EFER.SVME was set while the host ran it */
	uint64_t run_info1;
	unsigned ap_calls;
	uint64_t ap_info1, ap_info2, ap_rax;
	bool ap_refuse;
	uint64_t gr_info1, gr_info2, gr_rax, gr_rbx;
	bool gr_rax_valid;
	uint64_t gr_answer; /* sw_exit_info_2 of a guest request */
	uint64_t gr_rbx_answer;
};

static struct hv_rec hv;
static uint8_t *arena;
static struct ghcb *ghcb;

static void test_hv(void *ctx)
{
	struct ghcb *g = (struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb;

	(void)ctx;
	if ((fake_cpu.msr_ghcb & GHCB_MSR_INFO_MASK) != 0 || g == NULL) {
		fake_hv_default(NULL);
		return;
	}
	switch (g->save.sw_exit_code) {
	case SVM_VMGEXIT_SNP_RUN_VMPL:
		hv.run_info1 = g->save.sw_exit_info_1;
		hv.svme_seen = hv.run_vmsa != NULL && (hv.run_vmsa->efer & SNP_VMSA_EFER_SVME) != 0;
		if (hv.run_vmsa != NULL) {
			hv.run_vmsa->guest_exit_code = hv.next_exit_code;
		}
		g->save.sw_exit_info_1 = 0;
		g->save.sw_exit_info_2 = 0;
		break;
	case SVM_VMGEXIT_AP_CREATION:
		hv.ap_calls++;
		hv.ap_info1 = g->save.sw_exit_info_1;
		hv.ap_info2 = g->save.sw_exit_info_2;
		hv.ap_rax = snp_ghcb_is_valid(g, SNP_GHCB_OFF(rax)) ? g->save.rax : ~0ull;
		g->save.sw_exit_info_1 = hv.ap_refuse ? GHCB_HV_RESP_MALFORMED_INPUT : 0;
		g->save.sw_exit_info_2 = hv.ap_refuse ? GHCB_ERR_INVALID_INPUT : 0;
		break;
	case SVM_VMGEXIT_GUEST_REQUEST:
	case SVM_VMGEXIT_EXT_GUEST_REQUEST:
		hv.gr_info1 = g->save.sw_exit_info_1;
		hv.gr_info2 = g->save.sw_exit_info_2;
		hv.gr_rax_valid = snp_ghcb_is_valid(g, SNP_GHCB_OFF(rax));
		hv.gr_rax = g->save.rax;
		hv.gr_rbx = g->save.rbx;
		g->save.sw_exit_info_1 = 0;
		g->save.sw_exit_info_2 = hv.gr_answer;
		memset(g->save.valid_bitmap, 0, sizeof(g->save.valid_bitmap));
		if (hv.gr_rbx_answer != 0) {
			snp_ghcb_set_field(g, SNP_GHCB_OFF(rbx), hv.gr_rbx_answer);
		}
		break;
	default:
		fake_hv_default(NULL);
		break;
	}
}

static uint64_t setup(void)
{
	uint64_t base;
	struct guest_mem_range r;

	if (arena == NULL) {
		arena = aligned_alloc(P2M, ARENA);
		ghcb = aligned_alloc(PG, PG);
	}
	memset(arena, 0, ARENA);
	memset(ghcb, 0, PG);
	memset(&hv, 0, sizeof(hv));
	base = (uint64_t)(uintptr_t)arena;
	fake_cpu_reset(base);
	fake_cpu_set_hv(test_hv, NULL);
	r = (struct guest_mem_range){gpa_init(base), gpa_init(base + ARENA)};
	if (guest_mem_init(&r, 1, gpa_init(base + ARENA), gpa_init(base + ARENA + PG)) != SVSM_OK) {
		abort();
	}
	return base;
}

static uint64_t ghcb_gpa(void)
{
	return (uint64_t)(uintptr_t)ghcb;
}

/* A private page validated at launch, as the PSP leaves IGVM pages: VMPL0 only. */
static void launch_page(uint64_t gpa)
{
	fake_rmp_assign(gpa, false);
	fake_rmp_entry(gpa)->validated = true;
}

/* ---- run loop ---------------------------------------------------------------------------- */

TEST(snp_run, exit_decisions)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	static const struct {
		uint64_t code;
		enum vm_exit_kind exit;
	} cases[] = {
	    {SVM_EXIT_VMGEXIT, VM_EXIT_SVSM_CALL}, {SNP_EXIT_HLT, VM_EXIT_HLT},
	    {SNP_EXIT_SHUTDOWN, VM_EXIT_STOP},     {SNP_EXIT_INVALID, VM_EXIT_STOP},
	    {SNP_EXIT_INTR, VM_EXIT_NONE},     {SNP_EXIT_NMI, VM_EXIT_NONE},
	    {SNP_EXIT_NPF, VM_EXIT_NONE},	     {0, VM_EXIT_NONE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v->guest_exit_code = cases[i].code;
		EXPECT_EQ(snp_exit_classify(v), cases[i].exit);
	}
	free(v);
}

TEST(snp_run, run_vmpl_sets_svme_only_while_the_host_runs_it)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	enum svsm_err err = SVSM_E_IO;

	setup();
	v->efer = 0xd00; /* LME|LMA|NXE, no SVME: the SVSM left it non-runnable */
	hv.run_vmsa = v;
	hv.next_exit_code = SVM_EXIT_VMGEXIT;
	EXPECT_EQ(snp_run_vmpl_once(ghcb, ghcb_gpa(), v, SNP_GUEST_VMPL, &err),
		  VM_EXIT_SVSM_CALL);
	EXPECT_EQ(err, SVSM_OK);
	EXPECT_TRUE(hv.svme_seen);
	EXPECT_EQ(v->efer, 0xd00);		 /* SVME cleared again, nothing else */
	EXPECT_EQ(hv.run_info1, SNP_GUEST_VMPL); /* target VMPL in exit_info_1 */
	EXPECT_EQ(ghcb->save.sw_exit_code, SVM_VMGEXIT_SNP_RUN_VMPL);
	EXPECT_EQ(fake_cpu.msr_ghcb, ghcb_gpa());
	hv.next_exit_code = SNP_EXIT_HLT;
	EXPECT_EQ(snp_run_vmpl_once(ghcb, ghcb_gpa(), v, SNP_GUEST_VMPL, &err), VM_EXIT_HLT);
	free(v);
}

static void refusing_hv(void *ctx)
{
	struct ghcb *g = (struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb;

	(void)ctx;
	g->save.sw_exit_info_1 = GHCB_HV_RESP_MALFORMED_INPUT;
	g->save.sw_exit_info_2 = GHCB_ERR_INVALID_USAGE;
}

TEST(snp_run, host_refusing_run_vmpl_stops_the_vcpu)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	enum svsm_err err = SVSM_OK;

	setup();
	fake_cpu_set_hv(refusing_hv, NULL);
	v->guest_exit_code = SVM_EXIT_VMGEXIT; /* stale: must not be taken as a call */
	EXPECT_EQ(snp_run_vmpl_once(ghcb, ghcb_gpa(), v, SNP_GUEST_VMPL, &err), VM_EXIT_STOP);
	EXPECT_EQ(err, SVSM_E_INVALID_PARAM);
	EXPECT_EQ(v->efer & SNP_VMSA_EFER_SVME, 0);
	free(v);
}

TEST(snp_run, call_registers_live_in_the_vmsa)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	struct svsm_call_regs r;

	v->rax = 0x0000000100000001ull;
	v->rcx = 1;
	v->rdx = 2;
	v->r8 = 3;
	v->r9 = 4;
	v->rbx = 0xbbbb;
	snp_call_regs(v, &r, false);
	EXPECT_EQ(r.rax, 0x0000000100000001ull);
	EXPECT_EQ(r.rcx + r.rdx + r.r8 + r.r9, 10);
	r = (struct svsm_call_regs){0x80000005, 5, 6, 7, 8};
	snp_call_regs(v, &r, true);
	EXPECT_EQ(v->rax, 0x80000005);
	EXPECT_EQ(v->rcx, 5);
	EXPECT_EQ(v->rdx, 6);
	EXPECT_EQ(v->r8, 7);
	EXPECT_EQ(v->r9, 8);
	EXPECT_EQ(v->rbx, 0xbbbb); /* only the ABI registers are written */
	EXPECT_EQ(offsetof(struct vmsa, rax), 0x1f8);
	EXPECT_EQ(offsetof(struct vmsa, r9), 0x348);
	free(v);
}

/* ---- PVALIDATE for the guest ------------------------------------------------------------ */

/* As core.c does it: claim the page (never a VMSA meanwhile), PVALIDATE, release. */
static enum svsm_err guest_pvalidate(uint64_t gpa, bool huge, bool validate,
				     enum plat_pvalidate_result *res)
{
	struct guest_mem_claim c;
	enum svsm_err err = guest_mem_claim_unprotected(&c, gpa_init(gpa), huge ? P2M : PG);

	if (err == SVSM_OK) {
		err = snp_guest_pvalidate(va_init(gpa), &c, validate, res);
		guest_mem_claim_release(&c);
	}
	return err;
}

TEST(snp_guest_pvalidate, validate_zeroes_then_grants_and_invalidate_revokes_first)
{
	uint64_t base = setup();
	uint64_t gpa = base + 5 * PG;
	enum plat_pvalidate_result res = PLAT_PVALIDATE_FAIL_INPUT;
	size_t n0 = 0;

	fake_rmp_assign(gpa, false); /* the host made it private (the guest's PSC) */
	memset(arena + 5 * PG, 0xcc, PG);
	ASSERT_EQ(guest_pvalidate(gpa, false, true, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_OK);
	EXPECT_TRUE(fake_rmp_entry(gpa)->validated);
	EXPECT_EQ(fake_rmp_entry(gpa)->perms[2], 0xf); /* RWX for VMPL2 */
	EXPECT_EQ(fake_rmp_entry(gpa)->perms[1], 0);
	EXPECT_EQ(arena[5 * PG], 0);
	EXPECT_EQ(arena[6 * PG - 1], 0);
	EXPECT_EQ(fake_cpu.log[0].kind, FAKE_OP_PVALIDATE);
	EXPECT_EQ(fake_cpu.log[1].kind, FAKE_OP_RMPADJUST);
	EXPECT_EQ(fake_cpu.log[1].arg, RMPADJUST_RWX | SNP_GUEST_VMPL);
	/* Validating again: "no change", and the page is not zeroed a second time. */
	arena[5 * PG] = 0x11;
	ASSERT_EQ(guest_pvalidate(gpa, false, true, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_NO_CHANGE);
	EXPECT_EQ(arena[5 * PG], 0x11);
	/* Invalidate: RMPADJUST revoke (VMPL1..3) before PVALIDATE(0). */
	n0 = fake_cpu.op_count;
	ASSERT_EQ(guest_pvalidate(gpa, false, false, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_OK);
	EXPECT_FALSE(fake_rmp_entry(gpa)->validated);
	EXPECT_EQ(fake_rmp_entry(gpa)->perms[2], 0);
	EXPECT_EQ(fake_cpu.log[n0].kind, FAKE_OP_RMPADJUST);
	EXPECT_EQ(fake_cpu.log[fake_cpu.op_count - 1].kind, FAKE_OP_PVALIDATE);
	/* Invalidating an invalid page: "no change". */
	ASSERT_EQ(guest_pvalidate(gpa, false, false, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_NO_CHANGE);
}

TEST(snp_guest_pvalidate, sizes_and_shared_pages)
{
	uint64_t base = setup();
	uint64_t big = base + P2M;
	enum plat_pvalidate_result res = PLAT_PVALIDATE_OK;

	/* 2M validate of a range the host backs with 4K RMP entries: size mismatch. */
	for (unsigned i = 0; i < 512; i++) {
		fake_rmp_assign(big + i * PG, false);
	}
	ASSERT_EQ(guest_pvalidate(big, true, true, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_FAIL_SIZEMISMATCH);
	/* A 2M RMP entry validates as 2M, grants the whole 2M, and refuses 4K inside it. */
	fake_rmp_assign(big, true);
	ASSERT_EQ(guest_pvalidate(big, true, true, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_OK);
	EXPECT_EQ(fake_rmp_entry(big + 511 * PG)->perms[2], 0xf);
	ASSERT_EQ(guest_pvalidate(big + PG, false, false, &res), SVSM_OK);
	EXPECT_EQ(res, PLAT_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_EQ(fake_rmp_entry(big + PG)->perms[2], 0xf); /* nothing revoked */
	/* A shared page (host-owned) cannot be validated: an address error, not a result. */
	EXPECT_EQ(guest_pvalidate(base, false, true, &res), SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(guest_pvalidate(base, false, false, &res), SVSM_E_INVALID_ADDRESS);
}

TEST(snp_guest_pvalidate, grant_range_uses_2m_where_it_can)
{
	uint64_t base = setup();
	uint32_t rc = 0;

	fake_rmp_assign(base, true);
	fake_rmp_entry(base)->validated = true;
	for (unsigned i = 0; i < 512; i++) {
		fake_rmp_entry(base + i * PG)->validated = true;
		launch_page(base + P2M + i * PG); /* the next 2M as 4K entries */
	}
	ASSERT_EQ(snp_grant_range(va_init(base), 1024, SNP_GUEST_VMPL, &rc), SVSM_OK);
	EXPECT_EQ(fake_cpu.log[0].size, RMP_PG_SIZE_2M);
	EXPECT_EQ(fake_cpu.log[1].size, RMP_PG_SIZE_2M); /* refused: SIZEMISMATCH */
	EXPECT_EQ(fake_cpu.log[1].rc, SNP_INSN_FAIL_SIZEMISMATCH);
	EXPECT_EQ(fake_cpu.rmpadjust_count, 2 + 512);
	EXPECT_EQ(fake_rmp_entry(base + P2M + 511 * PG)->perms[2], 0xf);
	EXPECT_EQ(fake_rmp_entry(base + 7 * PG)->perms[2], 0xf);
}

/* ---- CREATE_VCPU / DELETE_VCPU ---------------------------------------------------------- */

static void guest_vmsa(uint64_t gpa, uint8_t vmpl, uint64_t efer, uint64_t features)
{
	struct vmsa *v = (struct vmsa *)(uintptr_t)gpa;

	memset(v, 0, sizeof(*v));
	v->vmpl = vmpl;
	v->efer = efer;
	v->sev_features = features;
	v->rip = 0xfff0;
	fake_rmp_assign(gpa, false);
	fake_rmp_entry(gpa)->validated = true;
	fake_rmp_entry(gpa)->perms[2] = 0xf; /* guest memory: VMPL2 RWX */
}

TEST(snp_vcpu, create_sets_the_vmsa_bit_and_registers_with_the_host)
{
	uint64_t base = setup();
	uint64_t gpa = base + 9 * PG;
	struct vmsa copy;

	guest_vmsa(gpa, 2, SNP_VMSA_EFER_SVME, 0x1);
	ASSERT_EQ(snp_vcpu_make(ghcb, ghcb_gpa(), va_init(gpa), gpa_init(gpa), 3, 0x1, &copy),
		  SVSM_OK);
	EXPECT_TRUE(fake_rmp_entry(gpa)->vmsa);
	EXPECT_EQ(fake_rmp_entry(gpa)->perms[2], 0x1); /* read only for the guest */
	EXPECT_EQ(copy.rip, 0xfff0);
	EXPECT_EQ(hv.ap_calls, 1);
	/* exit_info_1: event CREATE (1), VMPL 2 in [19:16], APIC ID in [63:32]. */
	EXPECT_EQ(hv.ap_info1, 0x0000000300020001ull);
	EXPECT_EQ(hv.ap_info2, gpa);
	EXPECT_EQ(hv.ap_rax, 0x1); /* sev_features */
	/* DELETE: destroy at the host (event 2), then the page goes back to the guest, RWX. */
	ASSERT_EQ(snp_vcpu_unmake(ghcb, ghcb_gpa(), va_init(gpa), gpa_init(gpa), 3), SVSM_OK);
	EXPECT_EQ(hv.ap_info1, 0x0000000300020002ull);
	EXPECT_FALSE(fake_rmp_entry(gpa)->vmsa);
	EXPECT_EQ(fake_rmp_entry(gpa)->perms[2], 0xf);
}

TEST(snp_vcpu, bad_vmsas_are_refused_and_the_page_given_back)
{
	uint64_t base = setup();
	uint64_t gpa = base + 9 * PG;
	struct vmsa copy;
	static const struct {
		uint8_t vmpl;
		uint64_t efer, features;
	} bad[] = {{1, SNP_VMSA_EFER_SVME, 1}, {2, 0, 1}, {2, SNP_VMSA_EFER_SVME, 0x5}};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		guest_vmsa(gpa, bad[i].vmpl, bad[i].efer, bad[i].features);
		EXPECT_EQ(
		    snp_vcpu_make(ghcb, ghcb_gpa(), va_init(gpa), gpa_init(gpa), 1, 0x1, &copy),
		    SVSM_E_INVALID_PARAM);
		EXPECT_FALSE(fake_rmp_entry(gpa)->vmsa);
		EXPECT_EQ(fake_rmp_entry(gpa)->perms[2], 0xf);
	}
	EXPECT_EQ(hv.ap_calls, 0);
	/* The host refusing AP_CREATION: BUSY (retry), page given back. */
	guest_vmsa(gpa, 2, SNP_VMSA_EFER_SVME, 1);
	hv.ap_refuse = true;
	EXPECT_EQ(snp_vcpu_make(ghcb, ghcb_gpa(), va_init(gpa), gpa_init(gpa), 1, 0x1, &copy),
		  SVSM_E_BUSY);
	EXPECT_FALSE(fake_rmp_entry(gpa)->vmsa);
	/* Not a private validated page: an address error, nothing registered. */
	fake_rmp_make_shared(gpa, false);
	EXPECT_EQ(snp_vcpu_make(ghcb, ghcb_gpa(), va_init(gpa), gpa_init(gpa), 1, 0x1, &copy),
		  SVSM_E_INVALID_ADDRESS);
}

/* ---- firmware launch ---------------------------------------------------------------------- */

TEST(snp_launch, firmware_pages_secrets_cpuid_ca_and_grants)
{
	uint64_t base = setup();
	struct snp_secrets_page *own = malloc(sizeof(*own));
	struct snp_cpuid_table *cpuid = calloc(1, sizeof(*cpuid));
	struct snp_fw_launch l = {
	    .fw_gpa = gpa_init(base + P2M),
	    .fw_size = P2M,
	    .secrets_gpa = gpa_init(base + PG),
	    .cpuid_gpa = gpa_init(base + 2 * PG),
	    .caa_gpa = gpa_init(base + 3 * PG),
	    .svsm = {0x8000000, 0x4000000, base + 3 * PG},
	};
	const uint8_t *sec = arena + PG;
	uint8_t zero[32] = {0};

	memset(own, 0x5a, sizeof(*own));
	cpuid->count = 1;
	cpuid->fn[0].eax_in = 0x8000001f;
	cpuid->fn[0].ebx = 51;
	for (unsigned i = 1; i < 4; i++) {
		launch_page(base + i * PG);
	}
	memset(arena + 3 * PG, 0xee, PG); /* CA garbage from the image */
	fake_rmp_assign(gpa_addr(l.fw_gpa), true);
	for (unsigned i = 0; i < 512; i++) {
		fake_rmp_entry(gpa_addr(l.fw_gpa) + i * PG)->validated = true;
	}
	ASSERT_EQ(snp_fw_prepare(&l, own, cpuid, 0), SVSM_OK);
	EXPECT_MEMEQ(sec + 0x20, zero, 32); /* VMPCK0 */
	EXPECT_MEMEQ(sec + 0x40, zero, 32); /* VMPCK1 */
	EXPECT_EQ(sec[0x60], 0x5a);	    /* VMPCK2: the guest's own key */
	EXPECT_EQ(sec[0x15c], 2);	    /* svsm_guest_vmpl */
	EXPECT_EQ(*(const uint64_t *)(sec + 0x148), 0x4000000);
	EXPECT_EQ(*(const uint64_t *)(sec + 0x150), base + 3 * PG);
	EXPECT_MEMEQ(arena + 2 * PG, cpuid, sizeof(*cpuid));
	EXPECT_EQ(arena[3 * PG], 0);
	EXPECT_EQ(arena[4 * PG - 1], 0);
	for (unsigned i = 1; i < 4; i++) {
		EXPECT_EQ(fake_rmp_entry(base + i * PG)->perms[2], 0xf);
	}
	EXPECT_EQ(fake_rmp_entry(gpa_addr(l.fw_gpa) + 100 * PG)->perms[2], 0xf);
	EXPECT_EQ(own->vmpck[0][0], 0x5a); /* the SVSM's own page is untouched */
	free(own);
	free(cpuid);
}

/* ---- guest-request transport -------------------------------------------------------------- */

TEST(snp_guest_transport, plain_and_extended_requests)
{
	struct snp_ghcb_xport t;
	struct snp_guest_xfer x;
	uint8_t certs[16];

	setup();
	t = (struct snp_ghcb_xport){ghcb, ghcb_gpa(), 0x10000, 0x11000, 0x20000};
	memset(&x, 0, sizeof(x));
	hv.gr_answer = 0;
	ASSERT_EQ(snp_ghcb_guest_transport(&t, &x), SVSM_OK);
	EXPECT_EQ(ghcb->save.sw_exit_code, SVM_VMGEXIT_GUEST_REQUEST);
	EXPECT_EQ(hv.gr_info1, 0x10000);
	EXPECT_EQ(hv.gr_info2, 0x11000);
	EXPECT_FALSE(hv.gr_rax_valid);
	/* Extended: RAX = certificate GPA, RBX = pages; INVALID_LEN returns the pages wanted. */
	x = (struct snp_guest_xfer){.certs = certs, .cert_pages = 4};
	hv.gr_answer = SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN);
	hv.gr_rbx_answer = 9;
	ASSERT_EQ(snp_ghcb_guest_transport(&t, &x), SVSM_OK);
	EXPECT_EQ(ghcb->save.sw_exit_code, SVM_VMGEXIT_EXT_GUEST_REQUEST);
	EXPECT_EQ(hv.gr_rax, 0x20000);
	EXPECT_EQ(hv.gr_rbx, 4);
	EXPECT_EQ(x.exit_info_2, SNP_GUEST_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN));
	EXPECT_EQ(x.cert_pages, 9);
	/* INVALID_LEN without a valid RBX: a transport failure. */
	hv.gr_rbx_answer = 0;
	EXPECT_EQ(snp_ghcb_guest_transport(&t, &x), SVSM_E_IO);
}

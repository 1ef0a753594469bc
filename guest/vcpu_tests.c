/*
 * Test-guest checks of CREATE_VCPU/DELETE_VCPU: VMSA checks, a second vCPU running and
 * calling the SVSM, racing deletions, and the vmsa_tlb mode (a vCPU writing a page that
 * becomes another vCPU's VMSA). guest_ap_main is where the created vCPUs run.
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"
#include "lib/format.h"
#include "svsm/abi/vmsa.h"

extern char guest_gdt[], guest_gdt_desc[], guest_pml4[];
void guest_ap_entry64(void);
void guest_ap_main(void *arg);
static void build_ap_vmsa(struct vmsa *s, uint32_t apic_id, uint8_t vmpl);

/*
 * Two vCPUs delete the same vCPU at once, while it is created again and again: every
 * deletion must succeed exactly once per creation or answer "not found"/"busy", and the
 * SVSM must stay healthy (a double free here once corrupted its heap). Needs 3 CPUs.
 */
void test_delete_race(void)
{
	struct ap_shared *racer = (struct ap_shared *)S_SHARED2;
	struct ap_shared *sh = (struct ap_shared *)S_SHARED;
	unsigned created = 0, deleted_here = 0, rounds = 150;
	bool ok = true;

	if (boot->cpu_count < 3) {
		gprintf("[guest] delete race skipped: needs 3 CPUs\n");
		return;
	}
	memset(racer, 0, sizeof(*racer));
	memset((void *)S_AP_CA2, 0, PAGE);
	racer->ca = S_AP_CA2;
	racer->mode = 3;
	build_ap_vmsa((struct vmsa *)S_VMSA2, boot->apic_ids[2], (uint8_t)boot->guest_vmpl);
	((struct vmsa *)S_VMSA2)->rsp = S_AP_STACK2;
	((struct vmsa *)S_VMSA2)->rdi = S_SHARED2;
	ok = core(SVSM_CORE_CREATE_VCPU, S_VMSA2, S_AP_CA2, boot->apic_ids[2]) == SVSM_SUCCESS;
	for (unsigned i = 0; ok && i < rounds; i++) {
		uint64_t rax;

		memset(sh, 0, sizeof(*sh));
		sh->ca = S_AP_CA;
		build_ap_vmsa((struct vmsa *)S_VMSA, boot->apic_ids[1], (uint8_t)boot->guest_vmpl);
		rax = core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, boot->apic_ids[1]);
		if (rax == SVSM_SUCCESS) {
			created++;
		} else if (rax != SVSM_ERR_BUSY && rax != SVSM_ERR_INVALID_PARAMETER) {
			ok = false;
		}
		/* Until it is gone (success, or "not found" once the racer is done), the VMSA
		 * page is not ours to write: "busy" means a deletion is under way. */
		do {
			rax = core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0);
		} while (rax == SVSM_ERR_BUSY);
		if (rax == SVSM_SUCCESS) {
			deleted_here++;
		} else if (rax != SVSM_ERR_INVALID_PARAMETER) {
			ok = false;
		}
	}
	racer->mode = 0;
	ok = ok && core(SVSM_CORE_DELETE_VCPU, S_VMSA2, 0, 0) == SVSM_SUCCESS;
	check("delete_race_every_vcpu_deleted_once",
	      ok && racer->bad == 0 && created > 0 && deleted_here + racer->deleted == created);
	check("delete_race_svsm_still_answers",
	      core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
	gprintf("[guest] delete race: %u created, %u deleted by the BSP, %lu by the racer\n",
		created, deleted_here, racer->deleted);
}

static void build_ap_vmsa(struct vmsa *s, uint32_t apic_id, uint8_t vmpl)
{
	const struct vmsa_seg data = {0x10, 0xc93, 0xffffffff, 0};
	const uint8_t *gdtd = (const uint8_t *)guest_gdt_desc;
	uint16_t limit;

	(void)apic_id;
	memcpy(&limit, gdtd, 2);
	memset(s, 0, sizeof(*s));
	s->cs = (struct vmsa_seg){0x08, 0x29b, 0xffffffff, 0};
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = (struct vmsa_seg){0, 0, limit, (uint64_t)guest_gdt};
	s->ldtr = (struct vmsa_seg){0, 0x82, 0xffff, 0};
	s->tr = (struct vmsa_seg){0, 0x8b, 0x67, 0};
	s->cr0 = 0x80010033;
	s->cr3 = (uint64_t)guest_pml4;
	s->cr4 = 0x20;
	s->efer = 0x1500; /* SVME | LMA | LME */
	s->rflags = 2;
	s->rip = (uint64_t)guest_ap_entry64;
	s->rsp = S_AP_STACK;
	s->rdi = S_SHARED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = 0x0007040600070406ull;
	s->vmpl = vmpl;
}

void guest_ap_main(void *arg)
{
	struct ap_shared *sh = arg;
	volatile struct svsm_ca *my_ca = (volatile struct svsm_ca *)sh->ca;
	struct call c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (svsm_call(my_ca, &c)) {
		sh->query_rax = c.rax;
		sh->query_rcx = c.rcx;
	}
	for (;;) {
		if (sh->mode == 2) {
			/* Rewrite the request the BSP is submitting, as fast as we can. */
			struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)S_REQ;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			req->entry_count = (uint16_t)(seed & 0x3ff);
			req->next = (uint16_t)((seed >> 10) & 0x3);
			req->entries[(seed >> 20) % 8] = (seed & 1) ? boot->svsm_base | (seed & 0xff7)
								    : S_PAGES + ((seed >> 30) & 7) * PAGE;
		} else if (sh->mode == 4) {
			*sh->target = sh->counter;
		} else if (sh->mode == 5) {
			/* An SVSM call that needs the library lock: attestation (SHA-512). */
			if (guest_attest_once(sh->area)) {
				sh->calls_ok++;
			} else {
				sh->bad++;
			}
		} else if (sh->mode == 3) {
			/* Delete the counting vCPU whenever it exists, racing the BSP. */
			struct call d = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0);

			if (!svsm_call(my_ca, &d)) {
				sh->bad++;
			} else if (d.rax == SVSM_SUCCESS) {
				sh->deleted++;
			} else if (d.rax != SVSM_ERR_INVALID_PARAMETER && d.rax != SVSM_ERR_BUSY) {
				sh->bad++;
			}
		}
		sh->counter++;
	}
}

/*
 * Mode vmsa_tlb: a second vCPU writes a page in a loop (its nested TLB holds a writable
 * translation) while we make that page the VMSA of a third vCPU. Once CREATE_VCPU returns,
 * no write may land: the SVSM must flush every nested TLB and stop the guest at the next
 * write ("write to a VMSA page"). If the page still changes, we report it.
 */
void vmsa_tlb_test(void)
{
	struct ap_shared *writer = (struct ap_shared *)S_SHARED;
	struct vmsa *target = (struct vmsa *)S_VMSA2;
	volatile uint64_t *word = (volatile uint64_t *)(S_VMSA2 + 0x800); /* unused by VMRUN */
	uint64_t before, spins;

	memset(writer, 0, sizeof(*writer));
	memset((void *)S_AP_CA, 0, PAGE);
	memset((void *)S_AP_CA2, 0, PAGE);
	memset((void *)S_SHARED2, 0, sizeof(struct ap_shared));
	((struct ap_shared *)S_SHARED2)->ca = S_AP_CA2;
	writer->ca = S_AP_CA;
	writer->target = word;
	writer->mode = 4;
	build_ap_vmsa((struct vmsa *)S_VMSA, boot->apic_ids[1], (uint8_t)boot->guest_vmpl);
	build_ap_vmsa(target, boot->apic_ids[2], (uint8_t)boot->guest_vmpl);
	target->rsp = S_AP_STACK2;
	target->rdi = S_SHARED2;
	if (boot->cpu_count < 3 ||
	    core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, boot->apic_ids[1]) != SVSM_SUCCESS) {
		gprintf("[guest] vmsa_tlb: no writer vCPU\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfc);
		return;
	}
	for (spins = 0; writer->counter < 100000 && spins < 2000000000ull; spins++) {
		__asm__ volatile("pause");
	}
	gprintf("[guest] vmsa_tlb: writer running; making its page a VMSA\n");
	if (core(SVSM_CORE_CREATE_VCPU, S_VMSA2, S_AP_CA2, boot->apic_ids[2]) != SVSM_SUCCESS) {
		gprintf("[guest] vmsa_tlb: CREATE_VCPU failed\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfc);
		return;
	}
	before = *word;
	for (spins = 0; spins < 50000000ull; spins++) {
		__asm__ volatile("pause");
	}
	if (*word == before) {
		gprintf("[guest] vmsa_tlb: the VMSA page stayed unchanged\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfa);
		return;
	}
	gprintf("[guest] vmsa_tlb: the VMSA page changed from %lu to %lu: the SVSM did not stop "
		"us\n", before, *word);
	guest_outb(NATIVE_GUEST_DONE_PORT, 0xfb);
}

static bool result_is_svsm_code(uint64_t rax)
{
	return rax == SVSM_SUCCESS || (rax >= SVSM_ERR_INCOMPLETE && rax <= SVSM_ERR_BUSY) ||
	       (rax >= SVSM_ERR_PROTOCOL_BASE && rax <= SVSM_ERR_PROTOCOL_BASE + 0x10);
}

void test_vcpus(void)
{
	struct vmsa *vmsa = (struct vmsa *)S_VMSA;
	struct ap_shared *sh = (struct ap_shared *)S_SHARED;
	uint32_t ap_apic;
	uint64_t c0, spins;
	bool ok;

	if (boot->cpu_count < 2) {
		check("create_vcpu_needs_two_cpus", false);
		return;
	}
	ap_apic = boot->apic_ids[1];
	memset(sh, 0, sizeof(*sh));
	sh->ca = S_AP_CA;
	memset((void *)S_AP_CA, 0, PAGE);

	/* Hostile first: nothing may start. */
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	check("create_vcpu_vmsa_in_svsm", core(SVSM_CORE_CREATE_VCPU, boot->svsm_base, S_AP_CA,
					       ap_apic) == SVSM_ERR_INVALID_ADDRESS);
	check("create_vcpu_ca_in_svsm", core(SVSM_CORE_CREATE_VCPU, S_VMSA, boot->svsm_base,
					     ap_apic) == SVSM_ERR_INVALID_ADDRESS);
	check("create_vcpu_unaligned", core(SVSM_CORE_CREATE_VCPU, S_VMSA + 8, S_AP_CA, ap_apic) ==
					       SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_vmsa_is_ca", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_VMSA, ap_apic) ==
						SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_ca_is_boot_ca", core(SVSM_CORE_CREATE_VCPU, S_VMSA, boot->ca_gpa,
						ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_bad_apic", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, 200) ==
					      SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_busy_apic", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
					    boot->apic_ids[0]) == SVSM_ERR_INVALID_PARAMETER);
	vmsa->vmpl = 0;
	check("create_vcpu_wrong_vmpl", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
						SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->efer &= ~0x1000ull;
	check("create_vcpu_no_svme", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					     SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->sev_features = 1;
	check("create_vcpu_wrong_sev_features", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						     ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->cr4 = 0; /* long mode without PAE */
	check("create_vcpu_inconsistent_state", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						     ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->g_pat = 0x0202020202020202ull; /* memory type 2 is reserved */
	check("create_vcpu_bad_pat", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					     SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->cr0 |= 1ull << 29; /* NW without CD */
	check("create_vcpu_nw_without_cd", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	check("delete_vcpu_unknown", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) ==
					     SVSM_ERR_INVALID_PARAMETER);
	check("no_vcpu_started_by_bad_calls", sh->counter == 0);

	/* A real second vCPU. */
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	ok = core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) == SVSM_SUCCESS;
	check("create_vcpu", ok);
	for (spins = 0; ok && sh->counter < 1000 && spins < 2000000000ull; spins++) {
		__asm__ volatile("pause");
	}
	check("second_vcpu_runs", sh->counter >= 1000);
	check("second_vcpu_svsm_call", sh->query_rax == SVSM_SUCCESS &&
					       sh->query_rcx == ((1ull << 32) | 1));
	check("create_vcpu_twice", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					   SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_running_vmsa", pval1(S_VMSA, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("remap_ca_onto_vmsa", core(SVSM_CORE_REMAP_CA, S_VMSA, 0, 0) == SVSM_ERR_INVALID_PARAMETER);

	/* The second vCPU rewrites a request while the SVSM serves it. */
	sh->mode = 2;
	ok = true;
	for (unsigned i = 0; i < 300; i++) {
		uint64_t rax = core(SVSM_CORE_PVALIDATE, S_REQ, 0, 0);

		ok = ok && result_is_svsm_code(rax);
	}
	sh->mode = 0;
	check("request_rewritten_while_served", ok);
	check("svsm_answers_during_race", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);

	check("delete_vcpu", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) == SVSM_SUCCESS);
	c0 = sh->counter;
	for (spins = 0; spins < 20000000ull; spins++) {
		__asm__ volatile("pause");
	}
	check("deleted_vcpu_stopped", sh->counter == c0);
	check("delete_vcpu_twice", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) ==
					   SVSM_ERR_INVALID_PARAMETER);
	/* The VMSA page is the guest's again: writable and validatable. */
	vmsa->rax = 1;
	check("vmsa_page_returned", vmsa->rax == 1);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	check("create_vcpu_again", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					   SVSM_SUCCESS &&
				  core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) == SVSM_SUCCESS);
}

/*
 * Mode commit_wait (make test-state, SVSM started with state_commit_delay_ms): a second vCPU
 * makes attestation calls, which need the SVSM's library lock, in a loop while this one sends
 * TPM2_Shutdown(CLEAR) - it changes the TPM's permanent state, so its response waits for a
 * state commit stretched to seconds. The second vCPU's calls must keep completing meanwhile
 * (docs/design.md "Waiting on the host without stalling the guest").
 */
static void check2(const char *prefix, const char *name, bool ok)
{
	char full[64];

	format_snprintf(full, sizeof(full), "%s_%s", prefix, name);
	check(full, ok);
}

/*
 * commit_wait_run - @slow (an operation that commits state, with the SVSM stretching each
 * commit's disk phase) runs on this vCPU while a second vCPU keeps making attestation
 * calls, which need the SVSM's library lock: they must keep completing. Checks are named
 * <prefix>_*; @slow returns 0 on success.
 */
void commit_wait_run(const char *prefix, const char *what, uint32_t (*slow)(void))
{
	struct ap_shared *sh = (struct ap_shared *)S_SHARED;
	uint64_t before, during, t0, spins = 0;
	uint32_t rc;

	memset(sh, 0, sizeof(*sh));
	memset((void *)S_AP_CA, 0, PAGE);
	sh->ca = S_AP_CA;
	sh->area = S_TPM + 0x8000; /* its own attestation pages, apart from the BSP's */
	sh->mode = 5;
	build_ap_vmsa((struct vmsa *)S_VMSA, boot->apic_ids[1], (uint8_t)boot->guest_vmpl);
	if (boot->cpu_count < 2 ||
	    core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, boot->apic_ids[1]) != SVSM_SUCCESS) {
		check2(prefix, "second_vcpu", false);
		return;
	}
	while (sh->calls_ok < 3 && sh->bad == 0 && spins++ < 4000000000ull) {
		__asm__ volatile("pause");
	}
	check2(prefix, "second_vcpu_attests", sh->calls_ok >= 3 && sh->bad == 0);
	before = sh->calls_ok;
	t0 = guest_rdtsc();
	rc = slow();
	during = sh->calls_ok - before;
	t0 = guest_rdtsc() - t0;
	sh->mode = 0;
	gprintf("[guest] %s: %s rc %#x took %lu M TSC ticks; the other vCPU "
		"completed %lu attestation calls meanwhile\n", prefix, what, rc, t0 >> 20, during);
	check2(prefix, "command_ok", rc == 0);
	check2(prefix, "other_vcpu_served", during >= 5 && sh->bad == 0);
	(void)core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0);
}

static uint32_t tpm_shutdown_slow(void)
{
	return guest_tpm_shutdown_clear(S_TPM);
}

void commit_wait_test(void)
{
	(void)guest_tpm_startup(S_TPM); /* started already, or now */
	commit_wait_run("commit_wait", "TPM2_Shutdown", tpm_shutdown_slow);
}

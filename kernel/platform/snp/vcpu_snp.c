/*
 * CREATE_VCPU, DELETE_VCPU and kicks on the SNP platform (kernel glue). The VMSA page is
 * taken from the guest and checked by snp_vcpu_make() (guest_snp.c), registered with the
 * host for the APIC ID at VMPL2, and the SVSM CPU with that APIC ID runs the vCPU's loop
 * (SNP_RUN_VMPL on that CPU runs that VMSA). While the vCPU lives the page is SVSM-owned:
 * protected in guest_mem, VMSA bit in the RMP, accessed only by the loop's CPU.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/platform/platform.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/snp_platform.h"

#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/vcpu/vcpu.h"

#define DELETE_TIMEOUT_US 2000000
#define RFLAGS_IF (1ull << 9)

static int cpu_by_apic(uint32_t apic_id)
{
	for (unsigned i = 0; i < smp_cpu_count(); i++) {
		if (percpu_area[i].apic_id == apic_id) {
			return (int)i;
		}
	}
	return -1;
}

static void vcpu_thread(void *arg)
{
	vcpu_loop(arg);
}

/* The GHCB is per CPU and the #VC handler uses it too: hold it with interrupts off. */
static uint64_t ghcb_hold(void)
{
	uint64_t flags = read_rflags();

	irq_disable();
	return flags;
}

static void ghcb_release(uint64_t flags)
{
	if ((flags & RFLAGS_IF) != 0) {
		irq_enable();
	}
}

enum svsm_err plat_vcpu_create(struct vcpu *caller, uint64_t vmsa_gpa, uint64_t ca_gpa,
			       uint32_t apic_id)
{
	struct vmsa *copy = heap_alloc(sizeof(*copy));
	struct snp_vcpu *sv = heap_calloc(1, sizeof(*sv));
	struct snp_cpu *c = NULL;
	struct vcpu *v = NULL;
	uint64_t va = (uint64_t)(uintptr_t)phys_to_virt(vmsa_gpa);
	int cpu = cpu_by_apic(apic_id);
	uint64_t flags = 0;
	bool made = false;
	enum svsm_err err = SVSM_OK;

	if (copy == NULL || sv == NULL) {
		err = SVSM_E_NOMEM;
		goto out;
	}
	if (cpu < 0) {
		err = SVSM_E_INVALID_PARAM;
		goto out;
	}
	/* Claims the APIC ID, the VMSA and the CA page atomically; invisible until published. */
	v = vcpu_alloc(apic_id, ca_gpa, vmsa_gpa);
	if (v == NULL) {
		err = SVSM_E_INVALID_PARAM;
		goto out;
	}
	err = guest_mem_protect_page(vmsa_gpa);
	if (err != SVSM_OK) {
		vcpu_release(v);
		goto out;
	}
	flags = ghcb_hold();
	c = snp_this_cpu();
	err = snp_vcpu_make(c->ghcb, c->ghcb_gpa, va, vmsa_gpa, apic_id, plat_sev_features(caller),
			    copy);
	ghcb_release(flags);
	made = err == SVSM_OK;
	if (err == SVSM_OK) {
		*sv = (struct snp_vcpu){phys_to_virt(vmsa_gpa), vmsa_gpa, (unsigned)cpu, false};
		v->plat = sv;
		vcpu_publish(v);
		if (!smp_start_on((unsigned)cpu, vcpu_thread, v)) {
			err = SVSM_E_BUSY;
		}
	}
	if (err != SVSM_OK) {
		if (v != NULL) {
			v->plat = NULL;
			vcpu_release(v);
		}
		if (made) {
			/* The host knows the VMSA and the RMP marks it: undo both. */
			flags = ghcb_hold();
			c = snp_this_cpu();
			if (snp_vcpu_unmake(c->ghcb, c->ghcb_gpa, va, vmsa_gpa, apic_id) !=
			    SVSM_OK) {
				pr_warn("snp: VMSA %#lx could not be given back\n", vmsa_gpa);
			}
			ghcb_release(flags);
		}
		guest_mem_unprotect_page(vmsa_gpa);
		goto out;
	}
	pr_debug("snp: vCPU %u created on APIC %u from VMSA %#lx\n", v->id, apic_id, vmsa_gpa);
	sv = NULL;
out:
	heap_free(sv);
	heap_free(copy);
	return err;
}

void plat_vcpu_kick(struct vcpu *v)
{
	struct snp_vcpu *sv = v->plat;

	/* An interrupt for VMPL0 makes the host return from SNP_RUN_VMPL (unverified on HW). */
	if (sv != NULL && sv->pcpu != this_cpu()->index) {
		apic_send_fixed(percpu_area[sv->pcpu].apic_id, VEC_IPI_WAKE);
	}
}

enum svsm_err plat_vcpu_delete(struct vcpu *caller, uint64_t vmsa_gpa)
{
	struct vcpu *v = NULL;
	struct snp_vcpu *sv = NULL;
	struct snp_cpu *c = NULL;
	uint64_t flags = 0;
	enum svsm_err err = vcpu_claim_vmsa(vmsa_gpa, caller, &v); /* one deleter at a time */

	if (err != SVSM_OK) {
		return err;
	}
	sv = v->plat;
	err = vcpu_stop_and_wait(v, DELETE_TIMEOUT_US);
	if (err != SVSM_OK) {
		return err;
	}
	flags = ghcb_hold();
	c = snp_this_cpu();
	err = snp_vcpu_unmake(c->ghcb, c->ghcb_gpa, (uint64_t)(uintptr_t)sv->vmsa, vmsa_gpa,
			      v->apic_id);
	ghcb_release(flags);
	if (err != SVSM_OK) {
		vcpu_unclaim(v);
		return err;
	}
	guest_mem_unprotect_page(vmsa_gpa);
	heap_free(sv);
	vcpu_release(v);
	return SVSM_OK;
}

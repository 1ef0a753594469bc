/*
 * The SNP platform's part of CREATE_VCPU and DELETE_VCPU (kernel/vcpu/lifecycle.c does the
 * rest) and kicks. The VMSA page is taken from the guest and checked by snp_vcpu_make()
 * (guest_snp.c) and registered with the host for the APIC ID at VMPL2; the SVSM CPU with
 * that APIC ID runs the vCPU's loop (SNP_RUN_VMPL on that CPU runs that VMSA). While the
 * vCPU lives the page is SVSM-owned: protected in guest_mem, VMSA bit in the RMP, accessed
 * only by the loop's CPU.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/platform/platform.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/snp_platform.h"

#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/heap.h"
#include "kernel/vcpu/vcpu.h"

#define RFLAGS_IF (1ull << 9)

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

enum svsm_err plat_vcpu_prepare(struct vcpu *caller, struct vcpu *v, unsigned cpu)
{
	struct vmsa *copy = heap_alloc(sizeof(*copy));
	struct snp_vcpu *sv = heap_calloc(1, sizeof(*sv));
	struct snp_cpu *c = NULL;
	void *vmsa = phys_to_virt(pa_from_gpa(v->vmsa_gpa)); /* a guest page, direct map */
	uint64_t flags = 0;
	enum svsm_err err = SVSM_OK;

	if (copy == NULL || sv == NULL) {
		err = SVSM_E_NOMEM;
		goto out;
	}
	flags = ghcb_hold();
	c = snp_this_cpu();
	err = snp_vcpu_make(c->ghcb, c->ghcb_gpa, va_from_ptr(vmsa), v->vmsa_gpa, v->apic_id,
			    plat_sev_features(caller), copy);
	ghcb_release(flags);
	if (err != SVSM_OK) {
		goto out;
	}
	*sv = (struct snp_vcpu){vmsa, pa_from_gpa(v->vmsa_gpa), cpu, false};
	v->plat = sv;
	sv = NULL;
out:
	heap_free(sv);
	heap_free(copy);
	return err;
}

enum svsm_err plat_vcpu_destroy(struct vcpu *v)
{
	struct snp_vcpu *sv = v->plat;
	struct snp_cpu *c = NULL;
	uint64_t flags = ghcb_hold();
	enum svsm_err err;

	/* The host knows the VMSA and the RMP marks it: undo both. */
	c = snp_this_cpu();
	err = snp_vcpu_unmake(c->ghcb, c->ghcb_gpa, va_from_ptr(sv->vmsa), v->vmsa_gpa,
			      v->apic_id);
	ghcb_release(flags);
	if (err != SVSM_OK) {
		return err;
	}
	heap_free(sv);
	v->plat = NULL;
	return SVSM_OK;
}

enum svsm_err plat_guest_irqs_own(void)
{
	return SVSM_E_UNSUPPORTED; /* SNP guests take their interrupts from the host */
}

bool plat_vcpu_irq_pending(struct vcpu *v)
{
	(void)v;
	return false;
}

void plat_vcpu_reset_sipi(struct vcpu *v, uint8_t vector)
{
	(void)v;
	(void)vector; /* no OS guest on SNP: never asked */
}

enum svsm_err plat_vcpu_prepare_sipi(struct vcpu *v, unsigned cpu, uint8_t vector)
{
	(void)v;
	(void)cpu;
	(void)vector;
	return SVSM_E_UNSUPPORTED;
}

void plat_vcpu_kick(struct vcpu *v)
{
	struct snp_vcpu *sv = v->plat;

	/* An interrupt for VMPL0 makes the host return from SNP_RUN_VMPL (unverified on HW). */
	if (sv != NULL) {
		smp_kick(sv->pcpu);
	}
}

/*
 * CREATE_VCPU and DELETE_VCPU for every platform (see lifecycle.h). Creation claims a
 * table slot (APIC ID, CA and VMSA atomically), protects the VMSA page in guest_mem, lets
 * the platform check and load the state (plat_vcpu_prepare()), reserves the work slot of
 * the physical CPU with the vCPU's APIC ID, and only then publishes the vCPU and starts
 * its loop there: once published (visible to DELETE_VCPU) nothing can fail, so only a
 * deleter ever frees a published vCPU. Deletion claims the vCPU (one deleter at a time,
 * struct vcpu_claim), stops it and waits for its loop to end, lets the platform destroy
 * its state (plat_vcpu_destroy()) and returns the page and the slot; a claim whose slot
 * generation changed frees nothing. The table (vcpu.c) holds the locks; this file holds
 * none across a platform call.
 */
#include "kernel/vcpu/lifecycle.h"

#include <stddef.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"

__attribute__((weak)) void vcpu_fault_hook(enum vcpu_fault_point point, struct vcpu *v)
{
	(void)point;
	(void)v;
}

static void vcpu_thread(void *arg)
{
	vcpu_loop(arg);
}

enum svsm_err vcpu_create(struct vcpu *caller, gpa_t vmsa_gpa, gpa_t ca_gpa,
			  uint32_t apic_id)
{
	int cpu = smp_cpu_by_apic(apic_id);
	struct vcpu *v = NULL;
	enum svsm_err err = SVSM_OK;

	if (cpu < 0) {
		return SVSM_E_INVALID_PARAM;
	}
	/* Claims the APIC ID, the VMSA and the CA page atomically; invisible until published. */
	v = vcpu_alloc(apic_id, ca_gpa, vmsa_gpa);
	if (v == NULL) {
		return SVSM_E_INVALID_PARAM;
	}
	err = guest_mem_protect_page(vmsa_gpa);
	if (err != SVSM_OK) {
		goto release;
	}
	/*
	 * Nothing may fail once the platform made the page a VMSA: undoing that can fail
	 * (SNP: the host refuses AP_DESTROY), and a page that is still a VMSA must never be
	 * given back to the guest. Nor once the vCPU is published: a DELETE_VCPU may already
	 * hold it. So the CPU's work slot is taken first; busy means it still finishes a
	 * previous vCPU, and the guest may retry.
	 */
	if (!smp_reserve((unsigned)cpu)) {
		err = SVSM_E_BUSY;
		goto unprotect;
	}
	err = plat_vcpu_prepare(caller, v, (unsigned)cpu);
	if (err != SVSM_OK) {
		smp_unreserve((unsigned)cpu);
		goto unprotect;
	}
	vcpu_publish(v);
	vcpu_fault_hook(VCPU_FAULT_PUBLISHED, v);
	smp_start_reserved((unsigned)cpu, vcpu_thread, v);
	pr_debug("vcpu: vCPU %u created on APIC %u from VMSA %#lx\n", v->id, apic_id,
		 gpa_addr(vmsa_gpa));
	return SVSM_OK;
unprotect:
	guest_mem_unprotect_page(vmsa_gpa);
release:
	vcpu_release(v);
	return err;
}

enum svsm_err vcpu_start_sipi(uint32_t apic_id, uint8_t vector)
{
	int cpu = smp_cpu_by_apic(apic_id);
	struct vcpu *v = NULL;
	enum svsm_err err = SVSM_OK;

	if (cpu <= 0) {
		return SVSM_E_INVALID_PARAM; /* no such CPU, or the boot CPU */
	}
	v = vcpu_alloc(apic_id, VCPU_NO_CA, VCPU_NO_VMSA);
	if (v == NULL) {
		/*
		 * That APIC ID already runs a vCPU: the guest restarts its AP (INIT-SIPI-SIPI wakes
		 * parked APs in OVMF). Its own CPU applies the request before its next entry.
		 * Guest vCPUs started by SIPI are never deleted, so the pointer stays valid.
		 */
		v = vcpu_find_apic(apic_id);
		if (v == NULL || !gpa_eq(v->vmsa_gpa, VCPU_NO_VMSA)) {
			return SVSM_E_EXISTS;
		}
		__atomic_store_n(&v->sipi_request, 0x100u | vector, __ATOMIC_RELEASE);
		plat_vcpu_kick(v);
		return SVSM_OK;
	}
	if (!smp_reserve((unsigned)cpu)) {
		err = SVSM_E_BUSY;
		goto release;
	}
	err = plat_vcpu_prepare_sipi(v, (unsigned)cpu, vector);
	if (err != SVSM_OK) {
		smp_unreserve((unsigned)cpu);
		goto release;
	}
	vcpu_publish(v);
	smp_start_reserved((unsigned)cpu, vcpu_thread, v);
	pr_debug("vcpu: vCPU %u started by SIPI on APIC %u at %#x:0\n", v->id, apic_id,
		 (unsigned)vector << 8);
	return SVSM_OK;
release:
	vcpu_release(v);
	return err;
}

/*
 * Stop the vCPU of claim @c and wait until its loop has ended; after @timeout_us give up,
 * drop the claim and return SVSM_E_BUSY. SVSM_E_NOT_FOUND if the slot was freed under
 * the claim: the vCPU in it now is not the one claimed, and is not ours to free.
 */
static enum svsm_err stop_and_wait(const struct vcpu_claim *c, uint64_t timeout_us)
{
	struct vcpu *v = c->v;
	uint64_t deadline = tsc_now_us() + timeout_us;

	__atomic_store_n(&v->stop_request, true, __ATOMIC_RELEASE);
	plat_vcpu_kick(v);
	vcpu_fault_hook(VCPU_FAULT_STOP_WAIT, v);
	for (;;) {
		if (vcpu_claim_stale(c)) {
			return SVSM_E_NOT_FOUND;
		}
		if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_STOPPED) {
			break;
		}
		if (tsc_now_us() > deadline) {
			vcpu_unclaim(c);
			return SVSM_E_BUSY;
		}
		cpu_relax();
	}
	vcpu_fault_hook(VCPU_FAULT_STOPPED, v);
	/* The slot is still ours (checked under the table lock): no one else frees it now. */
	return vcpu_claim_stopped(c) ? SVSM_OK : SVSM_E_NOT_FOUND;
}

enum svsm_err vcpu_delete(struct vcpu *caller, gpa_t vmsa_gpa)
{
	struct vcpu_claim c;
	enum svsm_err err = vcpu_claim_vmsa(vmsa_gpa, caller, &c); /* one deleter at a time */

	if (err != SVSM_OK) {
		return err;
	}
	err = stop_and_wait(&c, VCPU_DELETE_TIMEOUT_US);
	if (err != SVSM_OK) {
		return err;
	}
	err = plat_vcpu_destroy(c.v);
	if (err != SVSM_OK) {
		vcpu_unclaim(&c); /* stopped, still known to the platform: the guest may retry */
		return err;
	}
	guest_mem_unprotect_page(vmsa_gpa);
	vcpu_release(c.v);
	return SVSM_OK;
}

bool vcpu_stop_all(struct vcpu *self, uint64_t spins)
{
	bool all = true;

	vcpu_request_stop_all(self);
	for (unsigned i = 0; i < VCPU_MAX; i++) {
		struct vcpu *v = vcpu_slot(i);
		uint64_t n = spins;

		while (v != self && v->state == VCPU_RUNNING && n-- > 0) {
			__asm__ volatile("" ::: "memory");
		}
		if (v != self && v->state == VCPU_RUNNING) {
			all = false;
		}
	}
	return all;
}

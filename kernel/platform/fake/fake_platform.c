/* Fake platform implementation for host tests (see fake_platform.h). */
#include "kernel/platform/fake/fake_platform.h"

#include <string.h>

#include "kernel/lib/panic_portable.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/platform/native/validation.h"
#include "kernel/vcpu/vcpu.h"

struct fake_platform_log fake_log;

void fake_platform_reset(void)
{
	memset(&fake_log, 0, sizeof(fake_log));
}

const char *plat_name(void)
{
	return "fake";
}

void plat_call_regs(struct vcpu *v, struct svsm_call_regs *regs, bool write)
{
	struct fake_vcpu *fv = v->plat;

	if (write) {
		fv->regs = *regs;
	} else {
		*regs = fv->regs;
	}
}

enum svsm_err plat_pvalidate(const struct guest_mem_claim *page, bool validate,
			     enum plat_pvalidate_result *result)
{
	fake_log.pvalidates++;
	*result = validation_apply(page->gpa, page->len == 0x200000, validate);
	if (*result == PLAT_PVALIDATE_OK && validate) {
		return guest_mem_claim_zero(page);
	}
	return SVSM_OK;
}

enum svsm_err plat_vcpu_prepare(struct vcpu *caller, struct vcpu *v, unsigned cpu)
{
	struct fake_vcpu *fv = NULL;

	(void)caller;
	fake_log.last_vmsa = gpa_addr(v->vmsa_gpa);
	fake_log.last_ca = gpa_addr(v->ca_gpa);
	fake_log.last_apic = v->apic_id;
	fake_log.last_cpu = cpu;
	if (fake_log.prepare_result != SVSM_OK) {
		return fake_log.prepare_result;
	}
	/* From the SVSM heap, as on the real platforms: a double free is a CHECK there. */
	fv = heap_calloc(1, sizeof(*fv));
	if (fv == NULL) {
		return SVSM_E_NOMEM;
	}
	v->plat = fv;
	__atomic_add_fetch(&fake_log.prepares, 1, __ATOMIC_SEQ_CST);
	return SVSM_OK;
}

enum svsm_err plat_vcpu_destroy(struct vcpu *v)
{
	/* Native and SNP dereference their state here: destroying twice would fault. */
	CHECK(v->plat != NULL);
	if (fake_log.destroy_result != SVSM_OK) {
		return fake_log.destroy_result;
	}
	heap_free(v->plat);
	v->plat = NULL;
	__atomic_add_fetch(&fake_log.destroys, 1, __ATOMIC_SEQ_CST);
	return SVSM_OK;
}

enum svsm_err plat_guest_irqs_own(void)
{
	fake_log.guest_irqs_owned = true;
	return SVSM_OK;
}

bool plat_vcpu_irq_pending(struct vcpu *v)
{
	(void)v;
	return fake_log.irq_pending;
}

void plat_vcpu_reset_sipi(struct vcpu *v, uint8_t vector)
{
	(void)v;
	(void)vector;
}

enum svsm_err plat_vcpu_prepare_sipi(struct vcpu *v, unsigned cpu, uint8_t vector)
{
	fake_log.sipi_vector = vector;
	return plat_vcpu_prepare(NULL, v, cpu);
}

void plat_vcpu_kick(struct vcpu *v)
{
	(void)v;
	__atomic_add_fetch(&fake_log.kicks, 1, __ATOMIC_SEQ_CST);
}

uint64_t plat_sev_features(struct vcpu *v)
{
	(void)v;
	return 0;
}

static uint64_t *fake_reg(struct vcpu *v, enum vm_reg reg)
{
	struct fake_vcpu *fv = v->plat;

	switch (reg) {
	case VM_REG_RAX:
		return &fv->regs.rax;
	case VM_REG_RCX:
		return &fv->regs.rcx;
	case VM_REG_RDX:
		return &fv->regs.rdx;
	case VM_REG_R8:
		return &fv->regs.r8;
	case VM_REG_R9:
		return &fv->regs.r9;
	default:
		return &fv->reg[(unsigned)reg < VM_REG_COUNT ? reg : 0];
	}
}

uint64_t plat_vcpu_reg(struct vcpu *v, enum vm_reg reg)
{
	return *fake_reg(v, reg);
}

void plat_vcpu_set_reg(struct vcpu *v, enum vm_reg reg, uint64_t value)
{
	*fake_reg(v, reg) = value;
}

void plat_vcpu_inject(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	(void)v;
	(void)has_error;
	(void)error;
	fake_log.injections++;
	fake_log.last_vector = vector;
}

enum svsm_err plat_guest_pass_io(uint32_t first, uint32_t count)
{
	(void)first;
	return count == 0 ? SVSM_E_INVALID_PARAM : SVSM_OK; /* nothing to pass on the host */
}

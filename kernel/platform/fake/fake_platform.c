/* Fake platform implementation for host tests (see fake_platform.h). */
#include "kernel/platform/fake/fake_platform.h"

#include <string.h>

#include "kernel/mm/guest_mem.h"
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

enum svsm_err plat_pvalidate(uint64_t gpa, bool huge, bool validate,
			     enum plat_pvalidate_result *result)
{
	fake_log.pvalidates++;
	*result = validation_apply(gpa, huge, validate);
	if (*result == PLAT_PVALIDATE_OK && validate) {
		return guest_mem_zero(gpa, huge ? 0x200000 : 0x1000);
	}
	return SVSM_OK;
}

enum svsm_err plat_vcpu_create(struct vcpu *caller, uint64_t vmsa_gpa, uint64_t ca_gpa,
			       uint32_t apic_id)
{
	(void)caller;
	fake_log.creates++;
	fake_log.last_vmsa = vmsa_gpa;
	fake_log.last_ca = ca_gpa;
	fake_log.last_apic = apic_id;
	return fake_log.create_result;
}

enum svsm_err plat_vcpu_delete(struct vcpu *caller, uint64_t vmsa_gpa)
{
	(void)caller;
	fake_log.deletes++;
	fake_log.last_vmsa = vmsa_gpa;
	return fake_log.delete_result;
}

void plat_vcpu_kick(struct vcpu *v)
{
	(void)v;
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

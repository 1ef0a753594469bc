/*
 * SNP VMSA construction and checks: owns the initial state of the VMPL2 firmware vCPU and the
 * validation of guest-built VMSAs before they become VMSA pages. No state.
 */
#include "kernel/platform/snp/vmsa_snp.h"

#include <string.h>

uint64_t snp_vmsa_guest_features(uint64_t own_sev_features, bool apic_emulation)
{
	uint64_t f = own_sev_features & ~(VMSA_SEV_FEAT_RESTRICTED_INJ | VMSA_SEV_FEAT_DEBUG_SWAP);

	if (apic_emulation) {
		f |= VMSA_SEV_FEAT_ALTERNATE_INJ;
	}
	return f;
}

static void set_seg(struct vmsa_seg *s, uint16_t selector, uint16_t attrib, uint32_t limit,
		    uint64_t base)
{
	s->selector = selector;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

void snp_vmsa_init_fw(struct vmsa *v, const struct snp_fw_vmsa_params *p)
{
	memset(v, 0, sizeof(*v));
	/* Real mode at the reset vector: CS.base holds the upper bits, RIP the low 16. */
	set_seg(&v->cs, 0xf000, 0x9b, 0xffff, p->reset_ip & 0xffff0000u);
	v->rip = p->reset_ip & 0xffffu;
	set_seg(&v->ds, 0, 0x93, 0xffff, 0);
	set_seg(&v->es, 0, 0x93, 0xffff, 0);
	set_seg(&v->fs, 0, 0x93, 0xffff, 0);
	set_seg(&v->gs, 0, 0x93, 0xffff, 0);
	set_seg(&v->ss, 0, 0x93, 0xffff, 0);
	set_seg(&v->gdtr, 0, 0, 0xffff, 0);
	set_seg(&v->idtr, 0, 0, 0xffff, 0);
	set_seg(&v->ldtr, 0, 0x82, 0xffff, 0);
	set_seg(&v->tr, 0, 0x8b, 0xffff, 0);
	v->cr0 = SNP_FW_CR0;
	v->rflags = SNP_FW_RFLAGS;
	v->dr6 = SNP_FW_DR6;
	v->dr7 = SNP_FW_DR7;
	v->g_pat = SNP_FW_G_PAT;
	v->xcr0 = SNP_FW_XCR0;
	v->mxcsr = SNP_FW_MXCSR;
	v->x87_ftw = SNP_FW_X87_FTW;
	v->x87_fcw = SNP_FW_X87_FCW;
	v->efer = VMSA_EFER_SVME; /* required for a runnable SNP VMSA */
	v->vmpl = p->vmpl;
	v->sev_features = snp_vmsa_guest_features(p->sev_features, p->apic_emulation);
	if (p->apic_emulation) {
		v->vintr_ctrl |= SNP_VINTR_CTRL_V_GIF;
	}
}

void snp_vmsa_init_ap(struct vmsa *v, const struct snp_ap_vmsa_params *p)
{
	memset(v, 0, sizeof(*v));
	set_seg(&v->cs, p->code_sel, SNP_AP_CS_ATTRIB, 0xffffffffu, 0);
	set_seg(&v->ds, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	set_seg(&v->es, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	set_seg(&v->ss, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	set_seg(&v->fs, 0, 0, 0, 0);
	set_seg(&v->gs, 0, 0, 0, 0);
	set_seg(&v->gdtr, 0, 0, p->gdtr_limit, p->gdtr_base);
	set_seg(&v->idtr, 0, 0, p->idtr_limit, p->idtr_base);
	set_seg(&v->ldtr, 0, 0x82, 0xffff, 0);
	set_seg(&v->tr, 0, SNP_AP_TR_ATTRIB, 0xffff, 0); /* ap_main loads the AP's TSS */
	v->rip = p->rip;
	v->rdi = p->rdi;
	v->rsp = p->stack_top - 8; /* as after a call: ap_main never returns */
	v->cr0 = p->cr0;
	v->cr3 = p->cr3;
	v->cr4 = p->cr4;
	v->efer = SNP_AP_EFER;
	v->rflags = SNP_FW_RFLAGS; /* interrupts off */
	v->dr6 = SNP_FW_DR6;
	v->dr7 = SNP_FW_DR7;
	v->g_pat = SNP_FW_G_PAT;
	v->xcr0 = SNP_FW_XCR0;
	v->mxcsr = SNP_FW_MXCSR;
	v->x87_fcw = 0x37f;
	v->vmpl = 0;
	v->sev_features = p->sev_features;
}

enum svsm_err snp_vmsa_check_create_vcpu(const struct vmsa *v, uint8_t guest_vmpl,
					 uint64_t caller_sev_features)
{
	if (v->vmpl != guest_vmpl) {
		return SVSM_E_INVALID_PARAM;
	}
	if ((v->efer & VMSA_EFER_SVME) == 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if (v->sev_features != caller_sev_features) {
		return SVSM_E_INVALID_PARAM;
	}
	return SVSM_OK;
}

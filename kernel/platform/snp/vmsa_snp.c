/*
 * SNP VMSA construction and checks: owns the initial state of the VMPL2 firmware vCPU (the
 * x86 reset state itself comes from lib/snp_measure.c, shared with the launch measurement),
 * the SVSM's AP VMSAs and the validation of guest-built VMSAs before they become VMSA pages.
 * No state.
 */
#include "kernel/platform/snp/vmsa_snp.h"

#include <string.h>

#include "lib/snp_measure.h"

uint64_t snp_vmsa_guest_features(uint64_t own_sev_features, bool apic_emulation)
{
	uint64_t f = own_sev_features & ~(VMSA_SEV_FEAT_RESTRICTED_INJ | VMSA_SEV_FEAT_DEBUG_SWAP);

	if (apic_emulation) {
		f |= VMSA_SEV_FEAT_ALTERNATE_INJ;
	}
	return f;
}

void snp_vmsa_init_fw(struct vmsa *v, const struct snp_fw_vmsa_params *p)
{
	snp_vmsa_reset(v, p->reset_ip);
	v->cr0 = SNP_FW_CR0;
	v->x87_ftw = SNP_FW_X87_FTW;
	v->x87_fcw = SNP_FW_X87_FCW;
	v->vmpl = p->vmpl;
	v->sev_features = snp_vmsa_guest_features(p->sev_features, p->apic_emulation);
	if (p->apic_emulation) {
		v->vintr_ctrl |= SNP_VINTR_CTRL_V_GIF;
	}
}

void snp_vmsa_init_ap(struct vmsa *v, const struct snp_ap_vmsa_params *p)
{
	memset(v, 0, sizeof(*v));
	snp_vmsa_seg_set(&v->cs, p->code_sel, SNP_AP_CS_ATTRIB, 0xffffffffu, 0);
	snp_vmsa_seg_set(&v->ds, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	snp_vmsa_seg_set(&v->es, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	snp_vmsa_seg_set(&v->ss, p->data_sel, SNP_AP_DS_ATTRIB, 0xffffffffu, 0);
	snp_vmsa_seg_set(&v->fs, 0, 0, 0, 0);
	snp_vmsa_seg_set(&v->gs, 0, 0, 0, 0);
	snp_vmsa_seg_set(&v->gdtr, 0, 0, p->gdtr_limit, p->gdtr_base);
	snp_vmsa_seg_set(&v->idtr, 0, 0, p->idtr_limit, p->idtr_base);
	snp_vmsa_seg_set(&v->ldtr, 0, 0x82, 0xffff, 0);
	snp_vmsa_seg_set(&v->tr, 0, SNP_AP_TR_ATTRIB, 0xffff, 0); /* ap_main loads the AP's TSS */
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

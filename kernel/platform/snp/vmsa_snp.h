/*
 * SNP VMSAs the SVSM builds or accepts: the initial VMPL2 firmware VMSA and the check of a
 * guest-supplied VMSA for the core CREATE_VCPU call.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/abi/vmsa.h"
#include "svsm/err.h"

/* Initial x86 reset values (svsm-abi.md section 6; COCONUT init_guest_vmsa). */
#define SNP_FW_CR0     0x60000010ull
#define SNP_FW_RFLAGS  0x2ull
#define SNP_FW_DR6     0xffff0ff0ull
#define SNP_FW_DR7     0x400ull
#define SNP_FW_G_PAT   0x0007040600070406ull
#define SNP_FW_XCR0    0x1ull
#define SNP_FW_MXCSR   0x1f80u
#define SNP_FW_X87_FTW 0x5555u
#define SNP_FW_X87_FCW 0x40u
#define SNP_VINTR_CTRL_V_GIF (1ull << 9)

/**
 * struct snp_fw_vmsa_params - what the initial firmware VMSA depends on.
 * @reset_ip:        32-bit reset vector address (0xfffffff0 for OVMF).
 * @sev_features:    the SVSM's own SEV_STATUS >> 2.
 * @apic_emulation:  the SVSM emulates the APIC (alternate injection).
 * @vmpl:            the guest VMPL (2).
 */
struct snp_fw_vmsa_params {
	uint32_t reset_ip;
	uint64_t sev_features;
	bool apic_emulation;
	uint8_t vmpl;
};

/* 64-bit SVSM code and data segments in VMSA attribute form (AMD APM vol. 2, 15.5.1). */
#define SNP_AP_CS_ATTRIB 0x029bu /* P, S, code exec/read/accessed, L */
#define SNP_AP_DS_ATTRIB 0x0c93u /* G, D/B, P, S, data read/write/accessed */
#define SNP_AP_TR_ATTRIB 0x0089u /* P, available 64-bit TSS */
#define SNP_AP_EFER      0x1d00ull /* SVME | NXE | LMA | LME */

/**
 * struct snp_ap_vmsa_params - an SVSM AP started at VMPL0 in long mode (COCONUT
 * init_svsm_vmsa): the BSP's control registers and descriptor tables, its own stack.
 * @rip:          64-bit entry (ap_main), called with @rdi and RSP = @stack_top - 8.
 * @rdi:          first argument (the AP's struct percpu).
 * @stack_top:    16-byte aligned top of the AP's kernel stack.
 * @cr0, @cr3, @cr4: the BSP's values (kernel_pt, paging, PAE, ...).
 * @gdtr_base, @gdtr_limit, @idtr_base, @idtr_limit: the BSP's tables until ap_main loads
 *                the AP's own.
 * @sev_features: the SVSM's own (SEV_STATUS >> 2).
 */
struct snp_ap_vmsa_params {
	uint64_t rip, rdi, stack_top;
	uint64_t cr0, cr3, cr4;
	uint64_t gdtr_base, idtr_base;
	uint16_t gdtr_limit, idtr_limit;
	uint16_t code_sel, data_sel;
	uint64_t sev_features;
};

/** snp_vmsa_init_ap() - fill the whole page @v with a VMPL0 long-mode VMSA for an SVSM AP. */
void snp_vmsa_init_ap(struct vmsa *v, const struct snp_ap_vmsa_params *p);

/** snp_vmsa_guest_features() - sev_features for the guest VMSA derived from the SVSM's own. */
uint64_t snp_vmsa_guest_features(uint64_t own_sev_features, bool apic_emulation);

/** snp_vmsa_init_fw() - fill the whole page @v with the initial firmware VMSA. */
void snp_vmsa_init_fw(struct vmsa *v, const struct snp_fw_vmsa_params *p);

/**
 * snp_vmsa_check_create_vcpu() - CREATE_VCPU checks on a VMSA copied out of guest memory:
 * vmpl == @guest_vmpl, EFER.SVME set, sev_features == @caller_sev_features.
 * SVSM_OK or SVSM_E_INVALID_PARAM.
 */
SVSM_MUST_CHECK enum svsm_err snp_vmsa_check_create_vcpu(const struct vmsa *v, uint8_t guest_vmpl,
							 uint64_t caller_sev_features);

/*
 * SEV-ES/SNP VM save area (VMSA), one 4 KiB page. Layout from the AMD APM vol. 2
 * table "VMSA Layout, State Save Area for SEV-ES", as Linux arch/x86/include/asm/svm.h
 * (struct sev_es_save_area) and COCONUT cpuarch/vmsa.rs define it.
 * Used by the SNP platform (guest and AP VMSAs), the IGVM builder and the launch-digest
 * tool (initial VP context), and the native platform (CREATE_VCPU input format).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** struct vmsa_seg - segment register: selector, packed 12-bit attributes, limit, base. */
struct vmsa_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmsa_seg) == 16, "vmsa_seg layout");

/** struct vmsa - the save area; reserved fields are named after their offset. */
struct vmsa {
	struct vmsa_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint64_t pl0_ssp, pl1_ssp, pl2_ssp, pl3_ssp;                  /* 0x0a0 */
	uint64_t u_cet;                                               /* 0x0c0 */
	uint8_t reserved_0xc8[2];
	uint8_t vmpl;                                                 /* 0x0ca */
	uint8_t cpl;                                                  /* 0x0cb */
	uint8_t reserved_0xcc[4];
	uint64_t efer;                                                /* 0x0d0 */
	uint8_t reserved_0xd8[104];
	uint64_t xss;                                                 /* 0x140 */
	uint64_t cr4, cr3, cr0;                                       /* 0x148 */
	uint64_t dr7, dr6;                                            /* 0x160 */
	uint64_t rflags, rip;                                         /* 0x170 */
	uint64_t dr0, dr1, dr2, dr3;                                  /* 0x180 */
	uint64_t dr0_addr_mask, dr1_addr_mask, dr2_addr_mask, dr3_addr_mask; /* 0x1a0 */
	uint8_t reserved_0x1c0[24];
	uint64_t rsp;                                                 /* 0x1d8 */
	uint64_t s_cet, ssp, isst_addr;                               /* 0x1e0 */
	uint64_t rax;                                                 /* 0x1f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;          /* 0x200 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;             /* 0x228 */
	uint64_t cr2;                                                 /* 0x240 */
	uint8_t reserved_0x248[32];
	uint64_t g_pat;                                               /* 0x268 */
	uint64_t dbgctl, br_from, br_to, last_excp_from, last_excp_to; /* 0x270 */
	uint8_t reserved_0x298[80];
	uint32_t pkru;                                                /* 0x2e8 */
	uint32_t tsc_aux;                                             /* 0x2ec */
	uint64_t guest_tsc_scale, guest_tsc_offset;                   /* 0x2f0 */
	uint64_t reg_prot_nonce;                                      /* 0x300 */
	uint64_t rcx, rdx, rbx;                                       /* 0x308 */
	uint64_t reserved_0x320;
	uint64_t rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15; /* 0x328 */
	uint8_t reserved_0x380[16];
	uint64_t guest_exit_info_1, guest_exit_info_2;                /* 0x390 */
	uint64_t guest_exit_int_info, guest_nrip;                     /* 0x3a0 */
	uint64_t sev_features;                                        /* 0x3b0 */
	uint64_t vintr_ctrl;                                          /* 0x3b8 */
	uint64_t guest_exit_code;                                     /* 0x3c0 */
	uint64_t virtual_tom;                                         /* 0x3c8 */
	uint64_t tlb_id, pcpu_id;                                     /* 0x3d0 */
	uint64_t event_inj;                                           /* 0x3e0 */
	uint64_t xcr0;                                                /* 0x3e8 */
	uint8_t reserved_0x3f0[16];
	uint64_t x87_dp;                                              /* 0x400 */
	uint32_t mxcsr;                                               /* 0x408 */
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs;  /* 0x40c */
	uint64_t x87_rip;                                             /* 0x418 */
	uint8_t fpreg_x87[80];                                        /* 0x420 */
	uint8_t fpreg_xmm[256];                                       /* 0x470 */
	uint8_t fpreg_ymm[256];                                       /* 0x570 */
	uint8_t reserved_0x670[0x1000 - 0x670];
};

_Static_assert(sizeof(struct vmsa) == 4096, "vmsa size");
_Static_assert(offsetof(struct vmsa, vmpl) == 0x0ca, "vmsa vmpl");
_Static_assert(offsetof(struct vmsa, efer) == 0x0d0, "vmsa efer");
_Static_assert(offsetof(struct vmsa, xss) == 0x140, "vmsa xss");
_Static_assert(offsetof(struct vmsa, rip) == 0x178, "vmsa rip");
_Static_assert(offsetof(struct vmsa, rsp) == 0x1d8, "vmsa rsp");
_Static_assert(offsetof(struct vmsa, rax) == 0x1f8, "vmsa rax");
_Static_assert(offsetof(struct vmsa, cr2) == 0x240, "vmsa cr2");
_Static_assert(offsetof(struct vmsa, g_pat) == 0x268, "vmsa g_pat");
_Static_assert(offsetof(struct vmsa, pkru) == 0x2e8, "vmsa pkru");
_Static_assert(offsetof(struct vmsa, rcx) == 0x308, "vmsa rcx");
_Static_assert(offsetof(struct vmsa, rbp) == 0x328, "vmsa rbp");
_Static_assert(offsetof(struct vmsa, r15) == 0x378, "vmsa r15");
_Static_assert(offsetof(struct vmsa, guest_exit_info_1) == 0x390, "vmsa exit info");
_Static_assert(offsetof(struct vmsa, sev_features) == 0x3b0, "vmsa sev_features");
_Static_assert(offsetof(struct vmsa, guest_exit_code) == 0x3c0, "vmsa exit code");
_Static_assert(offsetof(struct vmsa, xcr0) == 0x3e8, "vmsa xcr0");
_Static_assert(offsetof(struct vmsa, mxcsr) == 0x408, "vmsa mxcsr");
_Static_assert(offsetof(struct vmsa, x87_ftw) == 0x40c, "vmsa ftw");
_Static_assert(offsetof(struct vmsa, x87_fcw) == 0x410, "vmsa fcw");
_Static_assert(offsetof(struct vmsa, fpreg_x87) == 0x420, "vmsa x87");
_Static_assert(offsetof(struct vmsa, fpreg_ymm) == 0x570, "vmsa ymm");

/* EFER bits that matter for a VMSA. */
#define VMSA_EFER_SVME (1ull << 12)

/* sev_features bits (SEV_STATUS >> 2). */
#define VMSA_SEV_FEAT_SNP_ACTIVE      (1ull << 0)
#define VMSA_SEV_FEAT_VTOM            (1ull << 1)
#define VMSA_SEV_FEAT_REFLECT_VC      (1ull << 2)
#define VMSA_SEV_FEAT_RESTRICTED_INJ  (1ull << 3)
#define VMSA_SEV_FEAT_ALTERNATE_INJ   (1ull << 4)
#define VMSA_SEV_FEAT_DEBUG_SWAP      (1ull << 5)
#define VMSA_SEV_FEAT_SECURE_TSC      (1ull << 9)

/* Guest exit code the hardware stores on a VMGEXIT. */
#define VMSA_EXIT_VMGEXIT 0x403

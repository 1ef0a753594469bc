/*
 * AMD SVM virtual machine control block (VMCB): control area (0x000-0x3ff) and state
 * save area (0x400-), AMD APM vol. 2 appendix B, tables B-1 and B-2. Hardware structure,
 * not guest ABI: the save area layout equals the first part of the SEV-ES VMSA.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/vmsa.h"

/* Intercept vector 3 (offset 0x00c). */
#define VMCB_INTERCEPT_INTR     (1u << 0)
#define VMCB_INTERCEPT_VINTR    (1u << 4)
#define VMCB_INTERCEPT_NMI      (1u << 1)
#define VMCB_INTERCEPT_SMI      (1u << 2)
#define VMCB_INTERCEPT_INIT     (1u << 3)
#define VMCB_INTERCEPT_CPUID    (1u << 18)
#define VMCB_INTERCEPT_INVD     (1u << 22)
#define VMCB_INTERCEPT_HLT      (1u << 24)
#define VMCB_INTERCEPT_IOIO     (1u << 27)
#define VMCB_INTERCEPT_MSR      (1u << 28)
#define VMCB_INTERCEPT_SHUTDOWN (1u << 31)
/* Intercept vector 4 (offset 0x010). */
#define VMCB_INTERCEPT_VMRUN    (1u << 0)
#define VMCB_INTERCEPT_VMMCALL  (1u << 1)
#define VMCB_INTERCEPT_VMLOAD   (1u << 2)
#define VMCB_INTERCEPT_VMSAVE   (1u << 3)
#define VMCB_INTERCEPT_STGI     (1u << 4)
#define VMCB_INTERCEPT_CLGI     (1u << 5)
#define VMCB_INTERCEPT_SKINIT   (1u << 6)
#define VMCB_INTERCEPT_WBINVD   (1u << 9)
#define VMCB_INTERCEPT_XSETBV   (1u << 13)

/* Exit codes. */
#define SVM_EXIT_INTR     0x060
#define SVM_EXIT_NMI      0x061
#define SVM_EXIT_VINTR    0x064
#define SVM_EXIT_INIT     0x063
#define SVM_EXIT_CPUID    0x072
#define SVM_EXIT_INVD     0x076
#define SVM_EXIT_HLT      0x078
#define SVM_EXIT_IOIO     0x07b
#define SVM_EXIT_MSR      0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN    0x080
#define SVM_EXIT_VMMCALL  0x081
#define SVM_EXIT_VMLOAD   0x082
#define SVM_EXIT_VMSAVE   0x083
#define SVM_EXIT_STGI     0x084
#define SVM_EXIT_CLGI     0x085
#define SVM_EXIT_SKINIT   0x086
#define SVM_EXIT_WBINVD   0x089
#define SVM_EXIT_XSETBV   0x08d
#define SVM_EXIT_NPF      0x400
#define SVM_EXIT_INVALID  0xffffffffffffffffull

/* IOIO exit information 1. */
#define SVM_IOIO_IN      (1u << 0)
#define SVM_IOIO_STR     (1u << 2)
#define SVM_IOIO_REP     (1u << 3)
#define SVM_IOIO_SZ8     (1u << 4)
#define SVM_IOIO_SZ16    (1u << 5)
#define SVM_IOIO_SZ32    (1u << 6)
#define SVM_IOIO_PORT(i) ((uint16_t)((i) >> 16))

/* #NPF exit information 1 (page-fault error code plus NPF bits). */
#define SVM_NPF_PRESENT (1ull << 0)
#define SVM_NPF_WRITE   (1ull << 1)
#define SVM_NPF_FETCH   (1ull << 4)

/* EVENTINJ. */
#define SVM_EVTINJ_VALID     (1u << 31)
#define SVM_EVTINJ_TYPE_EXCP (3u << 8)
#define SVM_EVTINJ_TYPE_INTR (0u << 8)
#define SVM_EVTINJ_EV        (1u << 11)

#define SVM_NP_ENABLE      (1ull << 0)
#define SVM_V_INTR_MASKING (1ull << 24)
#define SVM_V_IRQ          (1ull << 8)
#define SVM_V_INTR_PRIO(p) ((uint64_t)(p) << 16)
#define SVM_V_IGN_TPR      (1ull << 20)
#define SVM_INT_SHADOW     (1ull << 0) /* int_state */
#define SVM_TLB_FLUSH_ALL  1u

/** struct vmcb_control - VMCB control area. */
struct vmcb_control {
	uint32_t intercept_cr;        /* 0x000 */
	uint32_t intercept_dr;        /* 0x004 */
	uint32_t intercept_exceptions; /* 0x008 */
	uint32_t intercept_misc1;     /* 0x00c */
	uint32_t intercept_misc2;     /* 0x010 */
	uint32_t intercept_misc3;     /* 0x014 */
	uint8_t reserved_0x18[36];
	uint16_t pause_filter_thresh; /* 0x03c */
	uint16_t pause_filter_count;  /* 0x03e */
	uint64_t iopm_base_pa;        /* 0x040 */
	uint64_t msrpm_base_pa;       /* 0x048 */
	uint64_t tsc_offset;          /* 0x050 */
	uint32_t asid;                /* 0x058 */
	uint8_t tlb_control;          /* 0x05c */
	uint8_t reserved_0x5d[3];
	uint64_t int_ctl;             /* 0x060 */
	uint64_t int_state;           /* 0x068 */
	uint64_t exit_code;           /* 0x070 */
	uint64_t exit_info_1;         /* 0x078 */
	uint64_t exit_info_2;         /* 0x080 */
	uint64_t exit_int_info;       /* 0x088 */
	uint64_t nested_ctl;          /* 0x090 */
	uint64_t avic_vapic_bar;      /* 0x098 */
	uint64_t ghcb_gpa;            /* 0x0a0 */
	uint64_t event_inj;           /* 0x0a8 */
	uint64_t nested_cr3;          /* 0x0b0 */
	uint64_t virt_ext;            /* 0x0b8 */
	uint32_t clean;               /* 0x0c0 */
	uint32_t reserved_0xc4;
	uint64_t next_rip;            /* 0x0c8 */
	uint8_t insn_len;             /* 0x0d0 */
	uint8_t insn_bytes[15];       /* 0x0d1 */
	uint8_t reserved_0xe0[0x400 - 0xe0];
};
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area");
_Static_assert(offsetof(struct vmcb_control, iopm_base_pa) == 0x40, "VMCB iopm");
_Static_assert(offsetof(struct vmcb_control, exit_code) == 0x70, "VMCB exit code");
_Static_assert(offsetof(struct vmcb_control, nested_cr3) == 0xb0, "VMCB nCR3");
_Static_assert(offsetof(struct vmcb_control, next_rip) == 0xc8, "VMCB nRIP");

/** struct vmcb_save - VMCB state save area: the VMSA layout up to last_excp_to. */
struct vmcb_save {
	struct vmsa_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint8_t reserved_0xa0[43];
	uint8_t cpl;                                                  /* 0x0cb */
	uint8_t reserved_0xcc[4];
	uint64_t efer;                                                /* 0x0d0 */
	uint8_t reserved_0xd8[112];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;                /* 0x148 */
	uint8_t reserved_0x180[88];
	uint64_t rsp;                                                 /* 0x1d8 */
	uint8_t reserved_0x1e0[24];
	uint64_t rax;                                                 /* 0x1f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;          /* 0x200 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2;        /* 0x228 */
	uint8_t reserved_0x248[32];
	uint64_t g_pat;                                               /* 0x268 */
	uint64_t dbgctl, br_from, br_to, last_excp_from, last_excp_to; /* 0x270 */
};
_Static_assert(offsetof(struct vmcb_save, efer) == offsetof(struct vmsa, efer), "save efer");
_Static_assert(offsetof(struct vmcb_save, cr4) == offsetof(struct vmsa, cr4), "save cr4");
_Static_assert(offsetof(struct vmcb_save, rip) == offsetof(struct vmsa, rip), "save rip");
_Static_assert(offsetof(struct vmcb_save, rsp) == offsetof(struct vmsa, rsp), "save rsp");
_Static_assert(offsetof(struct vmcb_save, rax) == offsetof(struct vmsa, rax), "save rax");
_Static_assert(offsetof(struct vmcb_save, cr2) == offsetof(struct vmsa, cr2), "save cr2");
_Static_assert(offsetof(struct vmcb_save, g_pat) == offsetof(struct vmsa, g_pat), "save g_pat");
_Static_assert(offsetof(struct vmcb_save, cpl) == offsetof(struct vmsa, cpl), "save cpl");

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	uint8_t reserved[0x1000 - 0x400 - sizeof(struct vmcb_save)];
};
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB page");
_Static_assert(offsetof(struct vmcb, save) + offsetof(struct vmcb_save, rax) == 0x5f8, "VMCB rax");

/** struct guest_gprs - guest registers VMRUN does not switch (RAX and RSP are in the VMCB). */
struct guest_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

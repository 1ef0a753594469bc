/*
 * GHCB (Guest-Hypervisor Communication Block) ABI for AMD SEV-SNP: the GHCB MSR protocol,
 * the GHCB page layout and its valid bitmap, NAE exit codes, the page-state-change buffer,
 * termination reasons and hypervisor feature bits.
 * Source: AMD GHCB specification #56421 as Linux arch/x86/include/asm/sev-common.h, svm.h,
 * uapi/asm/svm.h and COCONUT kernel/src/sev/{ghcb,msr_protocol}.rs encode it.
 * Freestanding; used by the kernel, the tests and the tools.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* MSRs. */
#define MSR_AMD64_SEV_ES_GHCB 0xc0010130u /* GHCB MSR: GHCB GPA or MSR-protocol request */
#define MSR_AMD64_SEV         0xc0010131u /* SEV_STATUS */

/* Supported GHCB protocol versions; an SVSM needs version 2 (SNP). */
#define GHCB_PROTOCOL_MIN 1u
#define GHCB_PROTOCOL_MAX 2u
#define GHCB_PROTOCOL_SNP 2u
#define GHCB_DEFAULT_USAGE 0u

/* ---- GHCB MSR protocol: bits [11:0] are the code, bits [63:12] the data. ---- */
#define GHCB_MSR_INFO_MASK 0xfffull

#define GHCB_MSR_SEV_INFO_RESP     0x001ull
#define GHCB_MSR_SEV_INFO_REQ      0x002ull
#define GHCB_MSR_CPUID_REQ         0x004ull
#define GHCB_MSR_CPUID_RESP        0x005ull
#define GHCB_MSR_AP_RESET_HOLD_REQ  0x006ull
#define GHCB_MSR_AP_RESET_HOLD_RESP 0x007ull
#define GHCB_MSR_PREF_GPA_REQ      0x010ull
#define GHCB_MSR_PREF_GPA_RESP     0x011ull
#define GHCB_MSR_REG_GPA_REQ       0x012ull
#define GHCB_MSR_REG_GPA_RESP      0x013ull
#define GHCB_MSR_PSC_REQ           0x014ull
#define GHCB_MSR_PSC_RESP          0x015ull
#define GHCB_MSR_VMPL_REQ          0x016ull
#define GHCB_MSR_VMPL_RESP         0x017ull
#define GHCB_MSR_HV_FT_REQ         0x080ull
#define GHCB_MSR_HV_FT_RESP        0x081ull
#define GHCB_MSR_TERM_REQ          0x100ull

/* SEV information response: [63:48] max version, [47:32] min version, [31:24] C-bit. */
#define GHCB_MSR_SEV_INFO_MAX_SHIFT  48
#define GHCB_MSR_SEV_INFO_MIN_SHIFT  32
#define GHCB_MSR_SEV_INFO_CBIT_SHIFT 24
/* CPUID request: [31:30] register (0 EAX .. 3 EDX), [63:32] leaf; response [63:32] value. */
#define GHCB_MSR_CPUID_REG_SHIFT  30
#define GHCB_MSR_CPUID_FUNC_SHIFT 32
#define GHCB_CPUID_REQ_EAX 0u
#define GHCB_CPUID_REQ_EBX 1u
#define GHCB_CPUID_REQ_ECX 2u
#define GHCB_CPUID_REQ_EDX 3u
/* GHCB GPA registration / preferred GPA: GFN in [63:12] (52 bits). */
#define GHCB_MSR_GFN_SHIFT 12
#define GHCB_MSR_GFN_MASK  0xfffffffffffffull /* 52 bits */
#define GHCB_MSR_PREF_GPA_NONE 0xfffffffffffffull
/* Page state change request: [51:12] GFN (40 bits), [55:52] operation; response [63:32] error. */
#define GHCB_MSR_PSC_GFN_MASK  0xffffffffffull /* 40 bits */
#define GHCB_MSR_PSC_OP_SHIFT  52
#define GHCB_MSR_PSC_OP_MASK   0xfull
/* Run-at-VMPL request: [39:32] target VMPL; response [63:32] error. */
#define GHCB_MSR_VMPL_SHIFT 32
#define GHCB_MSR_RESP_ERROR_SHIFT 32
/* Termination request: [15:12] reason set, [23:16] reason code. */
#define GHCB_MSR_TERM_SET_SHIFT  12
#define GHCB_MSR_TERM_CODE_SHIFT 16

/* Termination reason sets and codes (Linux SEV_TERM_SET_*, GHCB_TERM_*). */
#define SEV_TERM_SET_GEN   0u
#define SEV_TERM_SET_LINUX 1u
#define GHCB_SEV_ES_GEN_REQ          0u /* general request termination */
#define GHCB_SEV_ES_PROT_UNSUPPORTED 1u /* GHCB protocol version not supported */
#define GHCB_SNP_UNSUPPORTED         2u /* SNP not supported by the hypervisor */
#define GHCB_TERM_REGISTER   0u /* GHCB GPA registration failure */
#define GHCB_TERM_PSC        1u /* page state change failure */
#define GHCB_TERM_PVALIDATE  2u /* PVALIDATE failure */
#define GHCB_TERM_NOT_VMPL0  3u /* SNP guest not running at VMPL0 */
#define GHCB_TERM_CPUID      4u /* CPUID validation failure */
#define GHCB_TERM_CPUID_HV   5u /* CPUID failure during hypervisor fallback */
#define GHCB_TERM_SECRETS_PAGE 6u /* secrets page failure */
#define GHCB_TERM_NO_SVSM    7u /* SVSM not advertised */
#define GHCB_TERM_SVSM_VMPL0 8u /* SVSM present but running at VMPL0 */
#define GHCB_TERM_SVSM_CAA   9u /* SVSM CAA not page aligned */
#define GHCB_TERM_SECURE_TSC 10u
#define GHCB_TERM_SVSM_CA_REMAP_FAIL 11u

/* Hypervisor feature bits (GHCB_MSR_HV_FT_RESP [63:12], and NAE 0x8000FFFD). */
#define GHCB_HV_FT_SNP                (1ull << 0)
#define GHCB_HV_FT_SNP_AP_CREATION    (1ull << 1)
#define GHCB_HV_FT_SNP_RESTRICTED_INJ (1ull << 2)
#define GHCB_HV_FT_SNP_RESTR_INJ_TIMER (1ull << 3)
#define GHCB_HV_FT_APIC_ID_LIST       (1ull << 4)
#define GHCB_HV_FT_SNP_MULTI_VMPL     (1ull << 5)
#define GHCB_HV_FT_EXT_INTERRUPTS     (1ull << 9) /* COCONUT */
/* What an SVSM cannot run without. */
#define GHCB_HV_FT_SVSM_REQUIRED \
	(GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION | GHCB_HV_FT_SNP_MULTI_VMPL)

/* ---- NAE exit codes (sw_exit_code). ---- */
#define SVM_EXIT_READ_DR7   0x027ull
#define SVM_EXIT_WRITE_DR7  0x037ull
#define SVM_EXIT_RDTSC      0x06eull
#define SVM_EXIT_CPUID      0x072ull
#define SVM_EXIT_IOIO       0x07bull
#define SVM_EXIT_MSR        0x07cull
#define SVM_EXIT_VMMCALL    0x081ull
#define SVM_EXIT_RDTSCP     0x087ull
#define SVM_EXIT_WBINVD     0x089ull
#define SVM_EXIT_VMGEXIT    0x403ull
#define SVM_VMGEXIT_MMIO_READ         0x80000001ull
#define SVM_VMGEXIT_MMIO_WRITE        0x80000002ull
#define SVM_VMGEXIT_NMI_COMPLETE      0x80000003ull
#define SVM_VMGEXIT_AP_HLT_LOOP       0x80000004ull
#define SVM_VMGEXIT_AP_JUMP_TABLE     0x80000005ull
#define SVM_VMGEXIT_PSC               0x80000010ull
#define SVM_VMGEXIT_GUEST_REQUEST     0x80000011ull
#define SVM_VMGEXIT_EXT_GUEST_REQUEST 0x80000012ull
#define SVM_VMGEXIT_AP_CREATION       0x80000013ull
#define SVM_VMGEXIT_HV_DOORBELL_PAGE  0x80000014ull
#define SVM_VMGEXIT_HV_IPI            0x80000015ull
#define SVM_VMGEXIT_GET_APIC_IDS      0x80000017ull
#define SVM_VMGEXIT_SNP_RUN_VMPL      0x80000018ull
#define SVM_VMGEXIT_SECURE_AVIC       0x8000001aull
#define SVM_VMGEXIT_HV_FEATURES       0x8000fffdull
#define SVM_VMGEXIT_TERM_REQUEST      0x8000fffeull
#define SVM_VMGEXIT_UNSUPPORTED_EVENT 0x8000ffffull

/* AP creation: exit_info_1 [31:0] event with VMPL in [19:16], [63:32] APIC ID. */
#define SVM_VMGEXIT_AP_CREATE_ON_INIT 0u
#define SVM_VMGEXIT_AP_CREATE         1u
#define SVM_VMGEXIT_AP_DESTROY        2u
#define SVM_VMGEXIT_AP_VMPL_SHIFT     16
#define SVM_VMGEXIT_AP_APIC_ID_SHIFT  32

/* IOIO exit_info_1 encoding. */
#define SVM_IOIO_TYPE_IN    (1ull << 0)
#define SVM_IOIO_STR        (1ull << 2)
#define SVM_IOIO_REP        (1ull << 3)
#define SVM_IOIO_SZ8        (1ull << 4)
#define SVM_IOIO_SZ16       (1ull << 5)
#define SVM_IOIO_SZ32       (1ull << 6)
#define SVM_IOIO_ASZ16      (1ull << 7)
#define SVM_IOIO_ASZ32      (1ull << 8)
#define SVM_IOIO_ASZ64      (1ull << 9)
#define SVM_IOIO_PORT_SHIFT 16

/* Result in exit_info_1[31:0] after a GHCB VMGEXIT, and the exit_info_2 detail codes. */
#define GHCB_HV_RESP_NO_ACTION     0u
#define GHCB_HV_RESP_ISSUE_EXCEPTION 1u
#define GHCB_HV_RESP_MALFORMED_INPUT 2u
#define GHCB_ERR_NOT_REGISTERED    1u
#define GHCB_ERR_INVALID_USAGE     2u
#define GHCB_ERR_INVALID_SCRATCH_AREA 3u
#define GHCB_ERR_MISSING_INPUT     4u
#define GHCB_ERR_INVALID_INPUT     5u
#define GHCB_ERR_INVALID_EVENT     6u

/* Guest request exit_info_2: [31:0] firmware error, [63:32] VMM error. */
#define SNP_GUEST_VMM_ERR_SHIFT       32
#define SNP_GUEST_VMM_ERR_INVALID_LEN 1u
#define SNP_GUEST_VMM_ERR_BUSY        2u
#define SNP_GUEST_VMM_ERR(x) ((uint64_t)(x) << SNP_GUEST_VMM_ERR_SHIFT)

/* ---- GHCB page (4 KiB, shared). ---- */

/**
 * struct ghcb_save_area - the register part of the GHCB (Linux struct ghcb_save_area).
 * Each qword field at offset O has valid bit O/8 in @valid_bitmap. Reserved areas are
 * named after their offset.
 */
struct ghcb_save_area {
	uint8_t reserved_0x0[203];
	uint8_t cpl;                     /* 0x0cb */
	uint8_t reserved_0xcc[116];
	uint64_t xss;                    /* 0x140 */
	uint8_t reserved_0x148[24];
	uint64_t dr7;                    /* 0x160 */
	uint8_t reserved_0x168[16];
	uint64_t rip;                    /* 0x178 */
	uint8_t reserved_0x180[88];
	uint64_t rsp;                    /* 0x1d8 */
	uint8_t reserved_0x1e0[24];
	uint64_t rax;                    /* 0x1f8 */
	uint8_t reserved_0x200[264];
	uint64_t rcx;                    /* 0x308 */
	uint64_t rdx;                    /* 0x310 */
	uint64_t rbx;                    /* 0x318 */
	uint8_t reserved_0x320[8];
	uint64_t rbp, rsi, rdi;          /* 0x328 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t reserved_0x380[16];
	uint64_t sw_exit_code;           /* 0x390 */
	uint64_t sw_exit_info_1;         /* 0x398 */
	uint64_t sw_exit_info_2;         /* 0x3a0 */
	uint64_t sw_scratch;             /* 0x3a8 */
	uint8_t reserved_0x3b0[56];
	uint64_t xcr0;                   /* 0x3e8 */
	uint8_t valid_bitmap[16];        /* 0x3f0 */
	uint64_t x87_state_gpa;          /* 0x400 */
} __attribute__((packed));

#define GHCB_SHARED_BUF_SIZE 2032u

/** struct ghcb - the 4 KiB GHCB page. */
struct ghcb {
	struct ghcb_save_area save;                   /* 0x000 */
	uint8_t reserved_save[2048 - sizeof(struct ghcb_save_area)];
	uint8_t shared_buffer[GHCB_SHARED_BUF_SIZE];  /* 0x800 */
	uint8_t reserved_0xff0[10];
	uint16_t protocol_version;                    /* 0xffa */
	uint32_t ghcb_usage;                          /* 0xffc */
} __attribute__((packed));

_Static_assert(sizeof(struct ghcb_save_area) == 0x408, "ghcb save area size");
_Static_assert(sizeof(struct ghcb) == 4096, "ghcb size");
_Static_assert(offsetof(struct ghcb_save_area, cpl) == 0x0cb, "ghcb cpl");
_Static_assert(offsetof(struct ghcb_save_area, xss) == 0x140, "ghcb xss");
_Static_assert(offsetof(struct ghcb_save_area, dr7) == 0x160, "ghcb dr7");
_Static_assert(offsetof(struct ghcb_save_area, rip) == 0x178, "ghcb rip");
_Static_assert(offsetof(struct ghcb_save_area, rsp) == 0x1d8, "ghcb rsp");
_Static_assert(offsetof(struct ghcb_save_area, rax) == 0x1f8, "ghcb rax");
_Static_assert(offsetof(struct ghcb_save_area, rcx) == 0x308, "ghcb rcx");
_Static_assert(offsetof(struct ghcb_save_area, rdx) == 0x310, "ghcb rdx");
_Static_assert(offsetof(struct ghcb_save_area, rbx) == 0x318, "ghcb rbx");
_Static_assert(offsetof(struct ghcb_save_area, rbp) == 0x328, "ghcb rbp");
_Static_assert(offsetof(struct ghcb_save_area, r8) == 0x340, "ghcb r8");
_Static_assert(offsetof(struct ghcb_save_area, r15) == 0x378, "ghcb r15");
_Static_assert(offsetof(struct ghcb_save_area, sw_exit_code) == 0x390, "ghcb exit code");
_Static_assert(offsetof(struct ghcb_save_area, sw_exit_info_1) == 0x398, "ghcb info 1");
_Static_assert(offsetof(struct ghcb_save_area, sw_exit_info_2) == 0x3a0, "ghcb info 2");
_Static_assert(offsetof(struct ghcb_save_area, sw_scratch) == 0x3a8, "ghcb scratch");
_Static_assert(offsetof(struct ghcb_save_area, xcr0) == 0x3e8, "ghcb xcr0");
_Static_assert(offsetof(struct ghcb_save_area, valid_bitmap) == 0x3f0, "ghcb bitmap");
_Static_assert(offsetof(struct ghcb_save_area, x87_state_gpa) == 0x400, "ghcb x87");
_Static_assert(offsetof(struct ghcb, shared_buffer) == 0x800, "ghcb shared buffer");
_Static_assert(offsetof(struct ghcb, protocol_version) == 0xffa, "ghcb version");
_Static_assert(offsetof(struct ghcb, ghcb_usage) == 0xffc, "ghcb usage");

/* Valid bitmap: the qword at save-area offset O is bit O/8 (Linux GHCB_BITMAP_IDX). */
#define GHCB_BITMAP_IDX(field) (offsetof(struct ghcb_save_area, field) / sizeof(uint64_t))

/* ---- Page state change (NAE 0x80000010, buffer in the GHCB shared buffer). ---- */

#define SNP_PAGE_STATE_PRIVATE 1u
#define SNP_PAGE_STATE_SHARED  2u
#define SNP_PAGE_STATE_PSMASH  3u
#define SNP_PAGE_STATE_UNSMASH 4u

/** struct psc_hdr - PSC header. @end_entry is inclusive; the hypervisor advances @cur_entry. */
struct psc_hdr {
	uint16_t cur_entry;
	uint16_t end_entry;
	uint32_t reserved;
};

/*
 * PSC entry (u64): [11:0] cur_page (pages of a 2M entry already done), [51:12] GFN,
 * [55:52] operation, [56] page size (1 = 2M), [63:57] reserved.
 */
#define PSC_ENTRY_CUR_PAGE_MASK 0xfffull
#define PSC_ENTRY_GFN_SHIFT     12
#define PSC_ENTRY_GFN_MASK      0xffffffffffull /* 40 bits */
#define PSC_ENTRY_OP_SHIFT      52
#define PSC_ENTRY_OP_MASK       0xfull
#define PSC_ENTRY_2M            (1ull << 56)
#define PSC_ENTRY_RESERVED_MASK (0x7full << 57)

#define VMGEXIT_PSC_MAX_ENTRY 253u

/** struct psc_desc - the PSC buffer as placed in the GHCB shared buffer. */
struct psc_desc {
	struct psc_hdr hdr;
	uint64_t entries[VMGEXIT_PSC_MAX_ENTRY];
};
_Static_assert(sizeof(struct psc_hdr) == 8, "psc hdr");
_Static_assert(offsetof(struct psc_desc, entries) == 8, "psc entries");
_Static_assert(sizeof(struct psc_desc) <= GHCB_SHARED_BUF_SIZE, "psc fits the shared buffer");
_Static_assert((GHCB_SHARED_BUF_SIZE - 8) / 8 == VMGEXIT_PSC_MAX_ENTRY, "253 entries");

/* PSC errors in sw_exit_info_2. */
#define VMGEXIT_PSC_ERROR_GENERIC       (0x100ull << 32)
#define VMGEXIT_PSC_ERROR_INVALID_HDR   ((1ull << 32) | 1)
#define VMGEXIT_PSC_ERROR_INVALID_ENTRY ((1ull << 32) | 2)

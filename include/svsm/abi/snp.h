/*
 * AMD SEV-SNP guest ABI: secrets page (VMPCKs, OS area, SVSM fields), CPUID page, SNP guest
 * message header and MSG_REPORT_REQ/RSP payloads, attestation report, PVALIDATE and
 * RMPADJUST operands and return codes.
 * Source: AMD SEV-SNP firmware ABI #56860 and APM vol. 3 as Linux arch/x86/include/asm/sev.h,
 * include/uapi/linux/sev-guest.h, EDK2 SnpSecretsPage.h and COCONUT kernel/src/sev/ and
 * kernel/src/greq/ encode them. Freestanding.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* ---- PVALIDATE / RMPADJUST (APM vol. 3). ---- */

#define RMP_PG_SIZE_4K 0u
#define RMP_PG_SIZE_2M 1u

/* EAX return codes. */
#define SNP_INSN_SUCCESS           0u
#define SNP_INSN_FAIL_INPUT        1u /* Linux PVALIDATE_FAIL_INPUT */
#define SNP_INSN_FAIL_PERMISSION   2u /* RMPADJUST only */
#define SNP_INSN_FAIL_SIZEMISMATCH 6u /* Linux PVALIDATE_FAIL_SIZEMISMATCH */
/*
 * Software code for "PVALIDATE succeeded but rFLAGS.CF=1: the RMP was not changed" (the page
 * already had the requested validated state). AMD linux-svsm and COCONUT use 0x10 so that the
 * guest sees SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE = 0x80001010; Linux uses 255 internally.
 */
#define SNP_INSN_NO_CHANGE         0x10u

/* RMPADJUST attributes (RDX): [7:0] target VMPL, [15:8] permission mask, [16] VMSA page. */
#define RMPADJUST_VMPL_MASK   0xffull
#define RMPADJUST_PERM_SHIFT  8
#define RMPADJUST_READ        (1ull << 8)
#define RMPADJUST_WRITE       (1ull << 9)
#define RMPADJUST_USER_EXEC   (1ull << 10)
#define RMPADJUST_SUPER_EXEC  (1ull << 11)
#define RMPADJUST_RWX         (RMPADJUST_READ | RMPADJUST_WRITE | RMPADJUST_USER_EXEC | \
			       RMPADJUST_SUPER_EXEC)
#define RMPADJUST_VMSA_PAGE   (1ull << 16) /* Linux RMPADJUST_VMSA_PAGE_BIT */
#define RMPADJUST_RESERVED_MASK (~(RMPADJUST_VMPL_MASK | (0xffull << 8) | RMPADJUST_VMSA_PAGE))
#define SNP_VMPL_MAX 3u

/* ---- Secrets page (4 KiB). ---- */

#define VMPCK_KEY_LEN 32u
#define VMPCK_COUNT   4u

/** struct snp_secrets_os_area - 96-byte area the guest OS owns (Linux secrets_os_area). */
struct snp_secrets_os_area {
	uint32_t msg_seqno_0;       /* 0xa0: last sequence number used with VMPCK0 */
	uint32_t msg_seqno_1;
	uint32_t msg_seqno_2;
	uint32_t msg_seqno_3;
	uint64_t ap_jump_table_pa;  /* 0xb0 */
	uint8_t reserved[40];       /* 0xb8 (EDK2: seqno high halves, version at 0xde) */
	uint8_t guest_usage[32];    /* 0xe0 */
};

/** struct snp_secrets_page - SNP secrets page as the PSP fills it, plus the SVSM fields. */
struct snp_secrets_page {
	uint32_t version;                 /* 0x000 */
	uint32_t flags;                   /* 0x004: bit 0 IMIEN */
	uint32_t fms;                     /* 0x008: family/model/stepping */
	uint32_t reserved_0xc;
	uint8_t gosvw[16];                /* 0x010: guest OS-visible workarounds */
	uint8_t vmpck[VMPCK_COUNT][VMPCK_KEY_LEN]; /* 0x020: VMPCK0..VMPCK3 */
	struct snp_secrets_os_area os_area; /* 0x0a0 */
	uint8_t vmsa_tweak_bitmap[64];    /* 0x100 */
	uint64_t svsm_base;               /* 0x140: GPA of SVSM memory */
	uint64_t svsm_size;               /* 0x148: non-zero iff an SVSM is present */
	uint64_t svsm_caa;                /* 0x150: GPA of the BSP calling area */
	uint32_t svsm_max_version;        /* 0x158: max core protocol version */
	uint8_t svsm_guest_vmpl;          /* 0x15c: VMPL the guest runs at */
	uint8_t reserved_0x15d[3];
	uint32_t tsc_factor;              /* 0x160 */
	uint8_t reserved_0x164[3740];
};

_Static_assert(sizeof(struct snp_secrets_os_area) == 96, "os area size");
_Static_assert(sizeof(struct snp_secrets_page) == 4096, "secrets page size");
_Static_assert(offsetof(struct snp_secrets_page, gosvw) == 0x10, "secrets gosvw");
_Static_assert(offsetof(struct snp_secrets_page, vmpck) == 0x20, "secrets vmpck0");
_Static_assert(offsetof(struct snp_secrets_page, vmpck[3]) == 0x80, "secrets vmpck3");
_Static_assert(offsetof(struct snp_secrets_page, os_area) == 0xa0, "secrets os area");
_Static_assert(offsetof(struct snp_secrets_page, os_area.ap_jump_table_pa) == 0xb0, "ap jt");
_Static_assert(offsetof(struct snp_secrets_page, os_area.guest_usage) == 0xe0, "guest usage");
_Static_assert(offsetof(struct snp_secrets_page, vmsa_tweak_bitmap) == 0x100, "tweak");
_Static_assert(offsetof(struct snp_secrets_page, svsm_base) == 0x140, "svsm_base");
_Static_assert(offsetof(struct snp_secrets_page, svsm_size) == 0x148, "svsm_size");
_Static_assert(offsetof(struct snp_secrets_page, svsm_caa) == 0x150, "svsm_caa");
_Static_assert(offsetof(struct snp_secrets_page, svsm_max_version) == 0x158, "svsm ver");
_Static_assert(offsetof(struct snp_secrets_page, svsm_guest_vmpl) == 0x15c, "svsm vmpl");
_Static_assert(offsetof(struct snp_secrets_page, tsc_factor) == 0x160, "tsc_factor");

/* ---- CPUID page (4 KiB): 64 entries the PSP checked at launch. ---- */

#define SNP_CPUID_COUNT_MAX 64u

/** struct snp_cpuid_fn - one CPUID page entry (Linux struct snp_cpuid_fn). */
struct snp_cpuid_fn {
	uint32_t eax_in;   /* leaf */
	uint32_t ecx_in;   /* subleaf */
	uint64_t xcr0_in;  /* XCR0 the values depend on (leaf 0xD) */
	uint64_t xss_in;   /* XSS the values depend on (leaf 0xD) */
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};

/** struct snp_cpuid_table - CPUID page header and entries. */
struct snp_cpuid_table {
	uint32_t count;    /* number of valid entries, <= 64 */
	uint32_t reserved_0x4;
	uint64_t reserved_0x8;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};
_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "cpuid fn");
_Static_assert(offsetof(struct snp_cpuid_fn, eax) == 0x18, "cpuid fn eax");
_Static_assert(offsetof(struct snp_cpuid_table, fn) == 16, "cpuid table entries");
_Static_assert(sizeof(struct snp_cpuid_table) == 16 + 64 * 48, "cpuid table size");
_Static_assert(sizeof(struct snp_cpuid_table) <= 4096, "cpuid table fits a page");

/* ---- SNP guest messages (one shared 4 KiB page each way). ---- */

#define SNP_AEAD_AES_256_GCM 1u
#define SNP_MSG_HDR_VER      1u
#define SNP_MSG_AUTHTAG_LEN  16u /* AES-GCM tag bytes used of the 32-byte field */
#define SNP_MSG_AAD_OFFSET   0x30u
#define SNP_MSG_AAD_LEN      48u /* header bytes 0x30..0x5f */
#define SNP_MSG_IV_LEN       12u

/* Message types. */
#define SNP_MSG_TYPE_INVALID  0u
#define SNP_MSG_CPUID_REQ     1u
#define SNP_MSG_CPUID_RSP     2u
#define SNP_MSG_KEY_REQ       3u
#define SNP_MSG_KEY_RSP       4u
#define SNP_MSG_REPORT_REQ    5u
#define SNP_MSG_REPORT_RSP    6u
#define SNP_MSG_TSC_INFO_REQ  17u
#define SNP_MSG_TSC_INFO_RSP  18u

/** struct snp_guest_msg_hdr - 0x60-byte message header (Linux struct snp_guest_msg_hdr). */
struct snp_guest_msg_hdr {
	uint8_t authtag[32];    /* 0x00: AES-GCM tag in the first 16 bytes */
	uint64_t msg_seqno;     /* 0x20: also the IV */
	uint8_t reserved_0x28[8];
	uint8_t algo;           /* 0x30: first AAD byte; SNP_AEAD_AES_256_GCM */
	uint8_t hdr_version;    /* 0x31: SNP_MSG_HDR_VER */
	uint16_t hdr_sz;        /* 0x32: 0x60 */
	uint8_t msg_type;       /* 0x34 */
	uint8_t msg_version;    /* 0x35 */
	uint16_t msg_sz;        /* 0x36: payload bytes (without tag) */
	uint32_t reserved_0x38;
	uint8_t msg_vmpck;      /* 0x3c: VMPCK index */
	uint8_t reserved_0x3d[35];
} __attribute__((packed));

#define SNP_GUEST_MSG_PAYLOAD_SIZE (4096u - sizeof(struct snp_guest_msg_hdr))

/** struct snp_guest_msg - one message page. */
struct snp_guest_msg {
	struct snp_guest_msg_hdr hdr;
	uint8_t payload[4096 - 0x60];
} __attribute__((packed));

_Static_assert(sizeof(struct snp_guest_msg_hdr) == 0x60, "msg hdr size");
_Static_assert(offsetof(struct snp_guest_msg_hdr, msg_seqno) == 0x20, "msg seqno");
_Static_assert(offsetof(struct snp_guest_msg_hdr, algo) == 0x30, "msg algo");
_Static_assert(offsetof(struct snp_guest_msg_hdr, hdr_sz) == 0x32, "msg hdr_sz");
_Static_assert(offsetof(struct snp_guest_msg_hdr, msg_type) == 0x34, "msg type");
_Static_assert(offsetof(struct snp_guest_msg_hdr, msg_sz) == 0x36, "msg size");
_Static_assert(offsetof(struct snp_guest_msg_hdr, msg_vmpck) == 0x3c, "msg vmpck");
_Static_assert(sizeof(struct snp_guest_msg) == 4096, "msg page");

/** struct snp_report_req - MSG_REPORT_REQ payload. */
struct snp_report_req {
	uint8_t user_data[64];  /* 0x00: becomes REPORT_DATA */
	uint32_t vmpl;          /* 0x40: VMPL recorded in the report, >= caller's VMPL */
	uint32_t key_sel;       /* 0x44: 0 = VLEK if installed else VCEK, 1 VCEK, 2 VLEK */
	uint8_t reserved[24];
};
_Static_assert(sizeof(struct snp_report_req) == 0x60, "report req");
_Static_assert(offsetof(struct snp_report_req, vmpl) == 0x40, "report req vmpl");

#define SNP_REPORT_SIZE 0x4a0u
#define SNP_REPORT_STATUS_SUCCESS         0u
#define SNP_REPORT_STATUS_INVALID_PARAMS  0x16u
#define SNP_REPORT_STATUS_INVALID_KEY_SEL 0x27u

/** SNP ATTESTATION_REPORT signature_algo: ECDSA P-384 with SHA-384 (AMD key). */
#define SNP_SIG_ALGO_ECDSA_P384_SHA384 1u
/** Bytes of the report the signature covers (everything before the signature). */
#define SNP_REPORT_SIGNED_SIZE 0x2a0u
/** Size of each little-endian ECDSA component (r, s) in the signature area. */
#define SNP_REPORT_SIG_COMPONENT_SIZE 72u

/**
 * struct snp_attestation_report - ATTESTATION_REPORT (0x4A0 bytes), spec #56860.
 * @report_data: REPORT_DATA supplied by the requester (here SHA-512(nonce || manifest)).
 * @measurement: launch measurement of the guest context.
 * @sig_r, @sig_s: ECDSA signature over bytes 0..0x29F, little-endian, zero-padded.
 */
struct snp_attestation_report {
	uint32_t version;             /* 0x000 */
	uint32_t guest_svn;           /* 0x004 */
	uint64_t policy;              /* 0x008 */
	uint8_t family_id[16];        /* 0x010 */
	uint8_t image_id[16];         /* 0x020 */
	uint32_t vmpl;                /* 0x030 */
	uint32_t signature_algo;      /* 0x034 */
	uint64_t platform_version;    /* 0x038 */
	uint64_t platform_info;       /* 0x040 */
	uint32_t flags;               /* 0x048 */
	uint8_t reserved_0x4c[4];
	uint8_t report_data[64];      /* 0x050 */
	uint8_t measurement[48];      /* 0x090 */
	uint8_t host_data[32];        /* 0x0c0 */
	uint8_t id_key_digest[48];    /* 0x0e0 */
	uint8_t author_key_digest[48]; /* 0x110 */
	uint8_t report_id[32];        /* 0x140 */
	uint8_t report_id_ma[32];     /* 0x160 */
	uint64_t reported_tcb;        /* 0x180 */
	uint8_t reserved_0x188[24];
	uint8_t chip_id[64];          /* 0x1a0 */
	uint64_t committed_tcb;       /* 0x1e0 */
	uint8_t current_build;        /* 0x1e8 */
	uint8_t current_minor;
	uint8_t current_major;
	uint8_t reserved_0x1eb;
	uint8_t committed_build;      /* 0x1ec */
	uint8_t committed_minor;
	uint8_t committed_major;
	uint8_t reserved_0x1ef;
	uint64_t launch_tcb;          /* 0x1f0 */
	uint8_t reserved_0x1f8[168];
	uint8_t sig_r[72];            /* 0x2a0 */
	uint8_t sig_s[72];            /* 0x2e8 */
	uint8_t sig_reserved[368];    /* 0x330 */
};
_Static_assert(offsetof(struct snp_attestation_report, vmpl) == 0x30, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, signature_algo) == 0x34, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, platform_info) == 0x40, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, flags) == 0x48, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, report_data) == 0x50, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, measurement) == 0x90, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, host_data) == 0xc0, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, id_key_digest) == 0xe0, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, report_id) == 0x140, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, reported_tcb) == 0x180, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, chip_id) == 0x1a0, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, committed_tcb) == 0x1e0, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, current_build) == 0x1e8, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, launch_tcb) == 0x1f0, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, sig_r) == SNP_REPORT_SIGNED_SIZE, "report layout");
_Static_assert(offsetof(struct snp_attestation_report, sig_s) == 0x2e8, "report layout");
_Static_assert(sizeof(struct snp_attestation_report) == 0x4a0, "report layout");

/** struct snp_report_resp - MSG_REPORT_RSP payload. */
struct snp_report_resp {
	uint32_t status;        /* 0x00: SNP_REPORT_STATUS_* */
	uint32_t report_size;   /* 0x04: SNP_REPORT_SIZE */
	uint8_t reserved[24];
	struct snp_attestation_report report; /* 0x20 */
};
_Static_assert(offsetof(struct snp_report_resp, report) == 0x20, "report resp");
_Static_assert(sizeof(struct snp_report_resp) == 0x20 + SNP_REPORT_SIZE, "report resp size");

/* Certificate table entry of the extended guest request (GUID, offset, length). */
struct snp_cert_entry {
	uint8_t guid[16];
	uint32_t offset;
	uint32_t length;
};
_Static_assert(sizeof(struct snp_cert_entry) == 24, "cert entry");

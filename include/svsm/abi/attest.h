/*
 * Attestation protocol (SVSM protocol 1): call IDs, the ATTEST_SERVICES and
 * ATTEST_SINGLE_SERVICE request layouts, the services manifest format, the service
 * GUIDs, and the SNP ATTESTATION_REPORT layout (0x4A0 bytes) that both the SNP platform
 * and the native platform's software-signed evidence use.
 * Sources: AMD SVSM spec #58019 as Linux (include/linux/sev.h struct svsm_attest_call)
 * and COCONUT (protocols/attest.rs) implement it; report layout from AMD SEV-SNP ABI
 * spec #56860 table "ATTESTATION_REPORT Structure" as COCONUT greq/pld_report.rs and
 * go-sev-guest define it. All integers little-endian.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/snp.h"
#include "svsm/abi/svsm.h"

/** SVSM protocol number of the attestation protocol. */
/* SVSM_ATTEST_PROTOCOL (1) is defined in svsm/abi/svsm.h. */

/** Call IDs (RAX[31:0]). */
#define SVSM_ATTEST_SERVICES       0u
#define SVSM_ATTEST_SINGLE_SERVICE 1u

/** Nonce size the SVSM accepts (COCONUT requires exactly 64, not crossing a page). */
#define SVSM_ATTEST_NONCE_SIZE 64u
/** Largest certificate buffer the SVSM fills (COCONUT MAX_CERTIFICATE_SIZE). */
#define SVSM_ATTEST_MAX_CERT_SIZE 0x4000u

/** struct svsm_guid - a GUID in EFI (mixed-endian) byte order, as on the wire. */
struct svsm_guid {
	uint8_t bytes[16];
};
_Static_assert(sizeof(struct svsm_guid) == 16, "guid layout");

/** Initialiser for struct svsm_guid from the textual form a-b-c-d0d1-d2..d7. */
#define SVSM_GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                         \
	{ { (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24), \
	    (uint8_t)(b), (uint8_t)((b) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8),           \
	    (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } }

/** Services manifest header GUID 63849ebb-3d92-4670-a1ff-58f9c94b87bb. */
#define SVSM_ATTEST_MANIFEST_GUID \
	SVSM_GUID_INIT(0x63849ebbu, 0x3d92u, 0x4670u, 0xa1, 0xff, 0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb)
/** vTPM service GUID c476f1eb-0123-45a5-9641-b4e7dde5bfe3; data = EK TPMT_PUBLIC. */
#define SVSM_ATTEST_VTPM_GUID \
	SVSM_GUID_INIT(0xc476f1ebu, 0x0123u, 0x45a5u, 0x96, 0x41, 0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3)

/**
 * struct svsm_attest_services_req - SVSM_ATTEST_SERVICES request (0x40 bytes).
 * @report_gpa:   page-aligned buffer for the 0x4A0-byte ATTESTATION_REPORT.
 * @report_size:  its size in bytes.
 * @nonce_gpa:    the 64-byte nonce; must not cross a page.
 * @nonce_size:   must be 64 (COCONUT u16 + 6 reserved; Linux u32 + 4 reserved).
 * @manifest_gpa: page-aligned buffer for the services manifest.
 * @cert_gpa:     page-aligned certificate buffer; @cert_size 0 means none.
 */
struct svsm_attest_services_req {
	uint64_t report_gpa;
	uint32_t report_size;
	uint8_t reserved_0x0c[4];
	uint64_t nonce_gpa;
	uint16_t nonce_size;
	uint8_t reserved_0x1a[6];
	uint64_t manifest_gpa;
	uint32_t manifest_size;
	uint8_t reserved_0x2c[4];
	uint64_t cert_gpa;
	uint32_t cert_size;
	uint8_t reserved_0x3c[4];
};
_Static_assert(offsetof(struct svsm_attest_services_req, nonce_gpa) == 0x10, "attest layout");
_Static_assert(offsetof(struct svsm_attest_services_req, nonce_size) == 0x18, "attest layout");
_Static_assert(offsetof(struct svsm_attest_services_req, manifest_gpa) == 0x20, "attest layout");
_Static_assert(offsetof(struct svsm_attest_services_req, cert_gpa) == 0x30, "attest layout");
_Static_assert(offsetof(struct svsm_attest_services_req, cert_size) == 0x38, "attest layout");
_Static_assert(sizeof(struct svsm_attest_services_req) == 0x40, "attest layout");

/**
 * struct svsm_attest_single_req - SVSM_ATTEST_SINGLE_SERVICE request (0x58 bytes).
 * @base:             as for SVSM_ATTEST_SERVICES.
 * @service_guid:     the service to attest.
 * @manifest_version: service manifest version; only 0 is defined.
 */
struct svsm_attest_single_req {
	struct svsm_attest_services_req base;
	struct svsm_guid service_guid;
	uint32_t manifest_version;
	uint8_t reserved_0x54[4];
};
_Static_assert(offsetof(struct svsm_attest_single_req, service_guid) == 0x40, "attest layout");
_Static_assert(offsetof(struct svsm_attest_single_req, manifest_version) == 0x50, "attest layout");
_Static_assert(sizeof(struct svsm_attest_single_req) == 0x58, "attest layout");

/**
 * struct svsm_manifest_header - start of the services manifest (24 bytes).
 * @guid:        SVSM_ATTEST_MANIFEST_GUID.
 * @total_size:  bytes of the whole manifest, header included.
 * @entry_count: number of struct svsm_manifest_entry after the header.
 */
struct svsm_manifest_header {
	struct svsm_guid guid;
	uint32_t total_size;
	uint32_t entry_count;
};
_Static_assert(sizeof(struct svsm_manifest_header) == 24, "manifest layout");

/**
 * struct svsm_manifest_entry - one service (24 bytes).
 * @guid:   the service GUID.
 * @offset: offset of the service data from the start of the manifest.
 * @size:   bytes of service data.
 */
struct svsm_manifest_entry {
	struct svsm_guid guid;
	uint32_t offset;
	uint32_t size;
};
_Static_assert(sizeof(struct svsm_manifest_entry) == 24, "manifest layout");

/**
 * Native platform evidence: ECDSA P-384/SHA-384 by a key the SVSM generated at start.
 * NOT hardware-rooted: nothing vouches for the key but the SVSM itself. Value chosen
 * outside the range AMD defines.
 */
#define SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384 0x80000001u
/** platform_info bit set in native-platform reports: evidence is not hardware-rooted. */
#define SVSM_PLATFORM_INFO_NATIVE_UNROOTED (1ull << 63)

/* struct snp_attestation_report is defined in svsm/abi/snp.h. */

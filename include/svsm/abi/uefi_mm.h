/*
 * UEFI MM protocol (SVSM protocol 4, SVSM_UEFI_MM_PROTOCOL in svsm/abi/svsm.h): the call
 * number, its register ABI and limits, and the attestation manifest entry of the UEFI
 * variable service. The MM communicate buffer itself (EFI_MM_COMMUNICATE_HEADER and the
 * SMM variable messages) is defined in svsm/abi/efi_var.h.
 *
 * Sources (layouts and values, no code):
 *  - COCONUT-SVSM kernel/src/protocols/uefivars.rs and Documentation/docs/protocols/
 *    uefivars.md (merged version): call 1 SVSM_UEFI_MM_REQUEST, RCX = buffer GPA (page
 *    aligned, non-zero), RDX = buffer size (24 <= size <= 256 KiB), the buffer starts with
 *    EFI_MM_COMMUNICATE_HEADER {GUID, u64 MessageLength}, MessageLength <= size - 24, the
 *    reply is written in place over the message; QUERY_PROTOCOL versions min = max = 1;
 *    errors: GPA 0 -> INVALID_PARAMETER, not RAM or not page aligned -> INVALID_ADDRESS,
 *    size out of range or MessageLength too big -> INVALID_PARAMETER, unknown call ->
 *    UNSUPPORTED_CALL. The manifest entry: GUID a4453a59-9e1b-4787-a033-1986d6adbe55,
 *    data {u32 version = 0; u32 flags}.
 *  - EDK2 OvmfPkg VirtMmCommunicationDxe (VirtMmSvsm.c) and AmdSvsmLib
 *    (AmdSvsmUefiMmRequest): probes with QUERY_PROTOCOL(4, 1), then calls protocol 4 call 1
 *    with RCX = its communicate buffer's physical address and RDX = its size (64 KiB),
 *    through the CA found with RDMSR 0xC001F000 (also at runtime).
 *  An earlier COCONUT/EDK2 draft (QUERY 1, REGISTER_BUFFER 2, UNREGISTER_BUFFER 3, a
 *  doorbell REQUEST 4 on a registered buffer) was not merged; this SVSM does not offer it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/attest.h"
#include "svsm/abi/svsm.h"

/** Call IDs (RAX[31:0]). */
#define SVSM_UEFI_MM_REQUEST 1u /* in: RCX = buffer GPA, RDX = buffer size; reply in place */

/** Versions QUERY_PROTOCOL reports (COCONUT UEFI_MM_PROTOCOL_VERSION_MIN/MAX). */
#define SVSM_UEFI_MM_VERSION_MIN 1u
#define SVSM_UEFI_MM_VERSION_MAX 1u

/** Buffer limits: at least the 24-byte EFI_MM_COMMUNICATE_HEADER, at most 256 KiB. */
#define SVSM_UEFI_MM_HEADER_SIZE 24u
#define SVSM_UEFI_MM_BUFFER_MAX  (256u * 1024u)
/** The buffer GPA must be aligned to this. */
#define SVSM_UEFI_MM_BUFFER_ALIGN 4096u

/** UEFI variable service GUID in the services manifest (COCONUT). */
#define SVSM_ATTEST_UEFI_MM_GUID \
	SVSM_GUID_INIT(0xa4453a59u, 0x9e1bu, 0x4787u, 0xa0, 0x33, 0x19, 0x86, 0xd6, 0xad, 0xbe, 0x55)

/**
 * struct svsm_uefi_mm_manifest - the UEFI variable service's entry data in the services
 * manifest (COCONUT UefiMmManifest, little-endian).
 * @version: 0.
 * @flags:   SVSM_UEFI_MM_MANIFEST_* bits; the rest are zero.
 */
struct svsm_uefi_mm_manifest {
	uint32_t version;
	uint32_t flags;
};
_Static_assert(offsetof(struct svsm_uefi_mm_manifest, flags) == 4, "uefi mm manifest");
_Static_assert(sizeof(struct svsm_uefi_mm_manifest) == 8, "uefi mm manifest");

#define SVSM_UEFI_MM_MANIFEST_VERSION 0u
/** Non-volatile variables are kept in persistent storage (the SVSM's state disk). */
#define SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV (1u << 0)
/** Secure Boot is enabled: a PK is enrolled (user mode). */
#define SVSM_UEFI_MM_MANIFEST_SECUREBOOT    (1u << 1)
/** db/dbx can be updated by the guest with properly signed authenticated writes. */
#define SVSM_UEFI_MM_MANIFEST_DB_UPDATE     (1u << 2)

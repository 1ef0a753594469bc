/*
 * SVSM guest ABI (AMD SVSM specification #58019): the per-vCPU calling area, protocol and
 * call numbers of the core protocol (0) and the protocol numbers of the others, SVSM_ERR_*
 * result codes, and the core PVALIDATE request with its entry accessors.
 * Values as Linux arch/x86/include/asm/sev.h, EDK2 MdePkg/Include/Register/Amd/Svsm.h and
 * COCONUT kernel/src/protocols/ define them. Freestanding; kernel, guest tests and tools.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** struct svsm_ca - the calling area, one 4 KiB page per vCPU. */
struct svsm_ca {
	uint8_t call_pending;   /* 0x000: guest sets 1 before VMGEXIT; SVSM clears it */
	uint8_t mem_available;  /* 0x001: defined by the spec, unused */
	uint8_t reserved_0x2[6]; /* 0x002: COCONUT uses byte 2 as no_eoi_required */
	uint8_t buffer[4088];   /* 0x008: call arguments (PVALIDATE lists, attestation) */
};
_Static_assert(offsetof(struct svsm_ca, mem_available) == 0x1, "ca mem_available");
_Static_assert(offsetof(struct svsm_ca, buffer) == 0x8, "ca buffer");
_Static_assert(sizeof(struct svsm_ca) == 4096, "ca size");

/* RAX = protocol << 32 | call. */
#define SVSM_CALL(protocol, call) (((uint64_t)(protocol) << 32) | (uint32_t)(call))
#define SVSM_CALL_PROTOCOL(rax)   ((uint32_t)((uint64_t)(rax) >> 32))
#define SVSM_CALL_ID(rax)         ((uint32_t)(rax))

/* Protocols. */
#define SVSM_CORE_PROTOCOL    0u
#define SVSM_ATTEST_PROTOCOL  1u
#define SVSM_VTPM_PROTOCOL    2u
#define SVSM_APIC_PROTOCOL    3u /* COCONUT */
#define SVSM_UEFI_MM_PROTOCOL 4u /* COCONUT + EDK2 */

/* Core protocol calls. */
#define SVSM_CORE_REMAP_CA        0u
#define SVSM_CORE_PVALIDATE       1u
#define SVSM_CORE_CREATE_VCPU     2u
#define SVSM_CORE_DELETE_VCPU     3u
#define SVSM_CORE_DEPOSIT_MEM     4u
#define SVSM_CORE_WITHDRAW_MEM    5u
#define SVSM_CORE_QUERY_PROTOCOL  6u
#define SVSM_CORE_CONFIGURE_VTOM  7u

#define SVSM_CORE_PROTOCOL_VERSION_MIN 1u
#define SVSM_CORE_PROTOCOL_VERSION_MAX 1u

/* Result codes in RAX. */
#define SVSM_SUCCESS                  0x00000000ull
#define SVSM_ERR_INCOMPLETE           0x80000000ull
#define SVSM_ERR_UNSUPPORTED_PROTOCOL 0x80000001ull
#define SVSM_ERR_UNSUPPORTED_CALL     0x80000002ull
#define SVSM_ERR_INVALID_ADDRESS      0x80000003ull
#define SVSM_ERR_INVALID_FORMAT       0x80000004ull
#define SVSM_ERR_INVALID_PARAMETER    0x80000005ull
#define SVSM_ERR_INVALID_REQUEST      0x80000006ull
#define SVSM_ERR_BUSY                 0x80000007ull
#define SVSM_ERR_PROTOCOL_BASE        0x80001000ull
/* Protocol-specific: PVALIDATE/RMPADJUST return code n is reported as BASE + n. */
#define SVSM_ERR_PVALIDATE_FAIL_INPUT         (SVSM_ERR_PROTOCOL_BASE + 0x01)
#define SVSM_ERR_RMPADJUST_FAIL_PERMISSION    (SVSM_ERR_PROTOCOL_BASE + 0x02)
#define SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH  (SVSM_ERR_PROTOCOL_BASE + 0x06)
#define SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE     (SVSM_ERR_PROTOCOL_BASE + 0x10)

/**
 * struct svsm_pvalidate_call - PVALIDATE request header, in guest memory at RCX.
 * @entry_count: number of entries (spec/Linux num_entries).
 * @next:        index of the next entry to process (spec cur_index); the SVSM advances it.
 * @entries:     SVSM_PVALIDATE_ENTRY_* encoded u64 entries.
 */
struct svsm_pvalidate_call {
	uint16_t entry_count;
	uint16_t next;
	uint8_t reserved[4];
	uint64_t entries[];
};
_Static_assert(offsetof(struct svsm_pvalidate_call, next) == 0x2, "pvalidate next");
_Static_assert(offsetof(struct svsm_pvalidate_call, entries) == 0x8, "pvalidate entries");

/* Entry: [1:0] page size, [2] action, [3] ignore_cf, [11:4] reserved, [63:12] GFN. */
#define SVSM_PVALIDATE_ENTRY_SIZE_MASK     0x3ull
#define SVSM_PVALIDATE_ENTRY_SIZE_4K       0x0ull
#define SVSM_PVALIDATE_ENTRY_SIZE_2M       0x1ull
#define SVSM_PVALIDATE_ENTRY_VALIDATE      (1ull << 2)
#define SVSM_PVALIDATE_ENTRY_IGNORE_CF     (1ull << 3)
#define SVSM_PVALIDATE_ENTRY_RESERVED_MASK 0xff0ull
#define SVSM_PVALIDATE_ENTRY_GPA_MASK      (~0xfffull)

static inline unsigned int svsm_pvalidate_entry_size(uint64_t entry)
{
	return (unsigned int)(entry & SVSM_PVALIDATE_ENTRY_SIZE_MASK);
}
static inline int svsm_pvalidate_entry_validate(uint64_t entry)
{
	return (entry & SVSM_PVALIDATE_ENTRY_VALIDATE) != 0;
}
static inline int svsm_pvalidate_entry_ignore_cf(uint64_t entry)
{
	return (entry & SVSM_PVALIDATE_ENTRY_IGNORE_CF) != 0;
}
static inline uint64_t svsm_pvalidate_entry_gpa(uint64_t entry)
{
	return entry & SVSM_PVALIDATE_ENTRY_GPA_MASK;
}
static inline uint64_t svsm_pvalidate_entry_make(uint64_t gpa, unsigned int size, int validate,
						 int ignore_cf)
{
	return (gpa & SVSM_PVALIDATE_ENTRY_GPA_MASK) | (size & SVSM_PVALIDATE_ENTRY_SIZE_MASK) |
	       (validate ? SVSM_PVALIDATE_ENTRY_VALIDATE : 0) |
	       (ignore_cf ? SVSM_PVALIDATE_ENTRY_IGNORE_CF : 0);
}

/* Entries that fit in the calling-area buffer: (4088 - 8) / 8 = 510. */
#define SVSM_PVALIDATE_MAX_COUNT \
	((sizeof(((struct svsm_ca *)0)->buffer) - offsetof(struct svsm_pvalidate_call, entries)) / \
	 sizeof(uint64_t))
_Static_assert(SVSM_PVALIDATE_MAX_COUNT == 510, "510 entries fit the CA buffer");

/*
 * The test guest's shared test context: the boot information, the calling area, the
 * scratch area's layout, the state shared with created vCPUs, the call helpers (calls.c)
 * and the check groups (core_tests.c, isolation_tests.c, vcpu_tests.c, mmio_tests.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "guest/guest.h"

#define PAGE 4096ull
#define MB2 0x200000ull

extern const struct native_boot_info *boot;
extern volatile struct svsm_ca *ca;
extern uint64_t scratch; /* 2 MiB-aligned scratch area in guest RAM above the SVSM */

/* Layout of the scratch area. */
#define S_HUGE      (scratch)                 /* 2 MiB for 2M validation */
#define S_HUGE2     (scratch + MB2)           /* 2 MiB for the 4K-then-2M case */
#define S_PAGES     (scratch + 2 * MB2)       /* 4K pages to validate */
#define S_VMSA      (scratch + 3 * MB2)
#define S_AP_CA     (S_VMSA + PAGE)
#define S_REQ       (S_VMSA + 2 * PAGE)       /* request page (not the CA) */
#define S_CA2       (S_VMSA + 3 * PAGE)       /* REMAP_CA target */
#define S_AP_STACK  (S_VMSA + 8 * PAGE)       /* top of a 16 KiB stack */
#define S_SHARED    (S_VMSA + 9 * PAGE)       /* AP <-> BSP shared data */
#define S_TPM       (S_VMSA + 16 * PAGE)      /* vTPM buffer and attestation pages */
#define S_VMSA2     (S_VMSA + 32 * PAGE)      /* the racing vCPU: VMSA, CA, stack, data */
#define S_UEFI      (S_VMSA + 64 * PAGE)      /* UEFI MM communicate buffer, 16 pages */
#define S_UEFI_ATT  (S_VMSA + 80 * PAGE)      /* UEFI tests' attestation pages (4) */
#define S_AP_CA2    (S_VMSA2 + PAGE)
#define S_AP_STACK2 (S_VMSA2 + 8 * PAGE)
#define S_SHARED2   (S_VMSA2 + 9 * PAGE)

struct ap_shared {
	volatile uint64_t mode;       /* 0 idle loop, 1 count, 2 scribble on S_REQ, 3 delete racer,
				       * 4 write the counter to *target */
	volatile uint64_t counter;
	volatile uint64_t query_rax;
	volatile uint64_t query_rcx;
	volatile uint64_t calls_ok;
	uint64_t ca;                  /* this vCPU's calling area */
	volatile uint64_t deleted;    /* mode 3: DELETE_VCPU calls that succeeded */
	volatile uint64_t bad;        /* mode 3: answers that are not an SVSM result */
	volatile uint64_t *target;    /* mode 4 */
	uint64_t area;                /* mode 5: 16 KiB for its attestation requests */
};

struct call mk(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8);
uint64_t call_rax(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8);
uint64_t core(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8);
uint64_t pvalidate_at(uint64_t req_gpa, const uint64_t *entries, uint16_t count, uint16_t next,
		      uint16_t *next_out);
uint64_t pval1(uint64_t gpa, unsigned size, bool validate, bool ignore_cf);
bool page_is(uint64_t gpa, uint8_t v);

void test_discovery_and_queries(void);
void test_remap_ca(void);
void test_pvalidate_valid(void);
void test_pvalidate_hostile(void);
void test_fw_cfg_dma_blocked(void);
void test_svm_msrs_hidden(void);
void test_legacy_ports_refused(void);
void test_pci_config_hidden(void);
void test_invd(void);
void test_mmio_emulated(void);
void test_vcpus(void);
void test_delete_race(void);
void vmsa_tlb_test(void);
void commit_wait_test(void);
void commit_wait_run(const char *prefix, const char *what, uint32_t (*slow)(void));

/* guest/uefi_mm_tests.c: the UEFI MM protocol; Secure Boot enrolment when the script
 * appended the efitools payloads (required when @need_payloads). */
void guest_uefi_mm_tests(const struct native_boot_info *bi, uint64_t area, uint64_t attest_area,
			 bool need_payloads);
void guest_uefi_mm_persist(const struct native_boot_info *bi, uint64_t area,
			   uint64_t attest_area, int part);
void guest_uefi_mm_bench(uint64_t area);
void guest_uefi_mm_commit_wait(uint64_t area);

void test_log_protocol(bool leave_debug_on);


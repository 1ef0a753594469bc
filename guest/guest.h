/*
 * Shared declarations of the native test guest: console output, SVSM calls through the
 * calling area (spec 58019 register ABI with VMMCALL), and the check bookkeeping.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/abi/native_guest.h"
#include "svsm/abi/svsm.h"

struct call {
	uint64_t rax, rcx, rdx, r8, r9;
};

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * svsm_call - make one SVSM call through the calling area at @ca: set call_pending,
 * VMMCALL, then take call_pending back. Returns false when the SVSM left call_pending set.
 */
bool svsm_call(volatile struct svsm_ca *ca, struct call *c);
/** bare_vmmcall - VMMCALL with call_pending clear: the SVSM must change nothing. */
uint64_t bare_vmmcall(uint64_t rax);

uint64_t guest_rdmsr(uint32_t msr);
uint64_t guest_rdtsc(void);
void guest_outb(uint16_t port, uint8_t v);

void check(const char *name, bool ok);

/** guest_tpm_tests - vTPM and attestation checks using the 4 pages at @area. */
void guest_tpm_tests(uint64_t area, const struct native_boot_info *bi);

/* guest/tpm.c, for commit_wait_test(): one attestation call with its pages at @area, and
 * TPM2_Startup(CLEAR) / TPM2_Shutdown(CLEAR) through the vTPM buffer at @area. */
bool guest_attest_once(uint64_t area);
uint32_t guest_tpm_startup(uint64_t area);
uint32_t guest_tpm_shutdown_clear(uint64_t area);
/* guest/tpm.c: define then undefine owner NV index @index (commit_loop: state changes). */
uint32_t guest_tpm_nv_churn(uint64_t area, uint32_t index);

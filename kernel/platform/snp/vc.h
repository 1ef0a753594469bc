/*
 * The SVSM's own #VC exception (vector 29) on SNP: the instructions of the SVSM that the
 * hardware hands to it instead of the hypervisor, emulated through the GHCB (or the CPUID
 * page). Portable: the kernel glue passes the trap frame and the CPU's GHCB.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/trap.h"

#include "svsm/abi/ghcb.h"
#include "svsm/abi/snp.h"

/* GHCB termination reason set of this SVSM (sets 0 and 1 are the spec's and Linux's). */
#define SNP_TERM_SET_SVSM 3u
#define SNP_VC_TERM_EXIT 1u	   /* #VC for an exit code the SVSM does not emulate */
#define SNP_VC_TERM_DECODE 2u	   /* the instruction at RIP does not decode or does not fit */
#define SNP_VC_TERM_GHCB 3u	   /* the host answered the GHCB call with an error */
#define SNP_VC_TERM_NO_GHCB 4u	   /* #VC that needs a GHCB before the CPU has one */
#define SNP_VC_TERM_ADDRESS 5u	   /* MMIO address not mapped, or a segment the SVSM never uses */
#define SNP_VC_TERM_UNSUPPORTED 6u /* a form the SVSM never uses (DF=1 string I/O, ...) */
#define SNP_TERM_SHARED_MAP 7u	   /* a page shared with the host could not be mapped */
#define SNP_VC_TERM_NOT_VALIDATED 8u /* the SVSM touched a page that is not validated */
#define SNP_TERM_ENTRY 0x80u	   /* entry.S: no usable boot parameter or CPUID page */

#define SNP_EXIT_NPF_CODE 0x400ull /* #VC error code of an MMIO access (nested page fault) */
/* #VC error code of an access to a private page that is not validated (APM vol. 2, 15.36.10). */
#define SNP_EXIT_NOT_VALIDATED_CODE 0x404ull

/**
 * struct snp_vc_env - what the #VC handler may use on this CPU.
 * @ghcb:     the CPU's GHCB (shared page), or NULL before plat_init() registered it.
 * @ghcb_gpa: its guest physical address.
 * @cpuid:    the SNP CPUID page, or NULL (then CPUID terminates).
 */
struct snp_vc_env {
	struct ghcb *ghcb;
	uint64_t ghcb_gpa;
	const struct snp_cpuid_table *cpuid;
};

/**
 * snp_vc_handle() - emulate the instruction at @f->rip for #VC error code @f->error_code
 * (the exit code), updating @f to resume after it. Returns 0, or the SNP_VC_TERM_* reason the
 * caller must terminate the VM with (nothing was changed in @f then).
 */
unsigned int snp_vc_handle(struct trap_frame *f, const struct snp_vc_env *env);

/**
 * snp_vc_not_validated() - the #VC for a page that is not validated (error code 0x404):
 * nothing can emulate it. When the faulting instruction has an exception fixup, @fixup_rip
 * (a guest-memory copy of safe_copy.h: the guest rescinded validation of a page it passed
 * in, or had it made shared), @f resumes there and 0 is returned, so the copy fails with an
 * error for the guest. Anything else (@fixup_rip 0: the SVSM's own memory) returns
 * SNP_VC_TERM_NOT_VALIDATED, and the caller terminates.
 */
unsigned int snp_vc_not_validated(struct trap_frame *f, uint64_t fixup_rip);

/**
 * snp_cpuid_lookup() - the CPUID page's answer for @leaf/@subleaf in @out (EAX..EDX); a leaf
 * the page does not list reads as zeros (as Linux does for leaves in range). False if @cpuid
 * is NULL.
 */
bool snp_cpuid_lookup(const struct snp_cpuid_table *cpuid, uint32_t leaf, uint32_t subleaf,
		      uint32_t out[4]);

/**
 * snp_vc_virt_to_phys() - translate an SVSM virtual address for MMIO emulation. Supplied by
 * the kernel (page-table walk) and by the tests; false if @va is not mapped.
 */
bool snp_vc_virt_to_phys(uint64_t va, uint64_t *pa);

/*
 * Running the guest's VMSA at its VMPL through the hypervisor (GHCB NAE SNP_RUN_VMPL) and
 * deciding what its exit means for the vCPU loop; the SVSM call registers in that VMSA.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/platform/platform.h"

#include "svsm/abi/ghcb.h"
#include "svsm/abi/vmsa.h"

#define SNP_GUEST_VMPL 2u

/* guest_exit_code values the loop acts on (APM vol. 2 appendix C; VMGEXIT from the GHCB spec). */
#define SNP_EXIT_INTR 0x060ull
#define SNP_EXIT_NMI 0x061ull
#define SNP_EXIT_HLT 0x078ull
#define SNP_EXIT_SHUTDOWN 0x07full
#define SNP_EXIT_NPF 0x400ull
#define SNP_EXIT_INVALID 0xffffffffffffffffull
#define SNP_VMSA_EFER_SVME (1ull << 12)

/**
 * snp_exit_classify() - translate the guest's exit recorded in @vmsa into a struct vm_exit
 * kind: VMGEXIT is an SVSM call (the host has advanced RIP), HLT waits, shutdown and an
 * invalid VMSA stop this vCPU; everything else was handled by the host or the guest's own
 * #VC handler (CPUID, MSRs, port I/O, MMIO never reach VMPL0) and is VM_EXIT_NONE.
 */
enum vm_exit_kind snp_exit_classify(const struct vmsa *vmsa);

/**
 * snp_run_vmpl_once() - make @vmsa runnable (EFER.SVME), ask the host to run it at @vmpl,
 * make it non-runnable again while the SVSM looks at it, and classify the exit. A GHCB
 * failure (the host refused or answered garbage) is VM_EXIT_STOP with *@err set.
 */
enum vm_exit_kind snp_run_vmpl_once(struct ghcb *g, uint64_t ghcb_gpa, struct vmsa *vmsa,
				 unsigned int vmpl, enum svsm_err *err);

/**
 * snp_call_regs() - read or write back RAX, RCX, RDX, R8, R9 of an SVSM call in @vmsa. The
 * VMSA is only touched while EFER.SVME is clear (the host cannot run it meanwhile).
 */
void snp_call_regs(struct vmsa *vmsa, struct svsm_call_regs *regs, bool write);

/**
 * snp_vmsa_reg() - where guest register @reg lives in @vmsa (plat_vcpu_reg()); NULL for
 * VM_REG_TSC_OFFSET, which SNP keeps out of the SVSM's reach, and for VM_REG_CPL, a byte
 * that plat_vcpu_reg() reads itself.
 */
uint64_t *snp_vmsa_reg(struct vmsa *vmsa, enum vm_reg reg);

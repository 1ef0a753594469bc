/*
 * The SNP instructions the platform code uses, behind one narrow interface so that the policy
 * on top (pvalidate.c, rmpadjust.c, ghcb*.c, psc.c) runs on the host against fake/fake_cpu.c.
 * The kernel links insn_hw.c (inline assembly); host unit tests link the fake.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Returned instead of an EAX code when the instruction faulted (#PF, #GP, #UD: e.g. a page
 * the host took away, or PVALIDATE outside VMPL0). insn_hw.c gets it from its exception
 * fixups; the fake CPU reports it for its modelled faults.
 */
#define SNP_INSN_FAULTED 0xffffffffu

/**
 * snp_insn_pvalidate() - PVALIDATE @vaddr with page size @size (RMP_PG_SIZE_*).
 * Returns EAX; *@no_change receives rFLAGS.CF (1 = the RMP entry already had the state).
 */
uint32_t snp_insn_pvalidate(uint64_t vaddr, unsigned int size, bool validate, bool *no_change);

/** snp_insn_rmpadjust() - RMPADJUST @vaddr, @size, attributes @attrs (RMPADJUST_*); EAX. */
uint32_t snp_insn_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs);

/** snp_insn_vmgexit() - VMGEXIT (rep; vmmcall): hand the GHCB MSR's request to the host. */
void snp_insn_vmgexit(void);

uint64_t snp_insn_rdmsr(uint32_t msr);
void snp_insn_wrmsr(uint32_t msr, uint64_t value);

/** snp_insn_terminated() - called after a termination request; never returns on hardware. */
void snp_insn_terminated(void);

/*
 * Private interface of the native platform: per-vCPU state and helpers shared by its
 * files (native.c: init, launch, exit translation; npt.c: nested page tables and nested
 * TLB flushes; vcpu_native.c: per-vCPU state and the platform part of CREATE/DELETE_VCPU).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/svm.h"
#include "kernel/mm/pgtable.h"
#include "kernel/arch/x86_64/x86.h"
#include "svsm/abi/vmsa.h"

#define NATIVE_ASID 1

struct native_vcpu {
	paddr_t vmcb_pa;
	struct vmcb *vmcb;
	struct guest_gprs gprs;
	struct vcpu_fpu fpu;
	unsigned pcpu;          /* physical CPU index running it */
};

extern struct pgtable native_npt;

/** native_vmcb_init_control - intercepts, NPT, IOPM/MSRPM for a new VMCB. */
void native_vmcb_init_control(struct vmcb *vmcb);
/** native_vcpu_new - allocate a native vCPU with a zeroed VMCB (vcpu_native.c). */
struct native_vcpu *native_vcpu_new(void);
void native_vcpu_free(struct native_vcpu *nv);
/**
 * native_npt_set_writable - make one guest page writable or read-only in the NPT. Making
 * it read-only returns once no CPU can still write it through a cached translation.
 */
enum svsm_err native_npt_set_writable(gpa_t gpa, bool writable) SVSM_MUST_CHECK;
/** native_npt_init - build the nested page tables (boot CPU, before any vCPU). */
enum svsm_err native_npt_init(void) SVSM_MUST_CHECK;
/** native_npt_writable - the NPT maps @gpa's page writable now. */
bool native_npt_writable(gpa_t gpa);
/** native_npt_enter - before VMRUN (interrupts off): flush the nested TLB if it is stale. */
void native_npt_enter(struct vmcb *vmcb);
/**
 * native_kick_cpu - make CPU @cpu leave the guest soon: an NMI while it is in the guest
 * (a guest with IF=0 would hold off the wake IPI), else the wake IPI.
 */
void native_kick_cpu(unsigned cpu);
/** native_npt_leave - after #VMEXIT. */
void native_npt_leave(void);

/** native_pat_valid - every entry of @pat is a memory type the PAT accepts. */
static inline bool native_pat_valid(uint64_t pat)
{
	return x86_pat_valid(pat);
}

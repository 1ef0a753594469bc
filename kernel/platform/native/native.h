/*
 * Private interface of the native platform: per-vCPU state and helpers shared by its
 * files (native.c: init, launch, run loop exits; vcpu_native.c: per-vCPU state and the
 * platform part of CREATE/DELETE_VCPU).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/svm.h"
#include "kernel/mm/pgtable.h"
#include "svsm/abi/vmsa.h"

#define NATIVE_ASID 1

struct native_vcpu {
	uint64_t vmcb_pa;
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
/** native_npt_set_writable - make one guest page writable or read-only in the NPT. */
enum svsm_err native_npt_set_writable(uint64_t gpa, bool writable) SVSM_MUST_CHECK;
/** native_stop_guest - stop every vCPU of the guest (after a violation). */
void native_stop_guest(const char *why);
/** native_pat_valid - every entry of @pat is a memory type the PAT accepts. */
bool native_pat_valid(uint64_t pat);
/** native_lapic_gpa - physical address of the local APIC page (not given to the guest). */
uint64_t native_lapic_gpa(void);
/** native_guest_stopped - the guest was stopped. */
bool native_guest_stopped(void);
/** native_guest_result - the failure count the test guest reported, or -1. */
int native_guest_result(void);

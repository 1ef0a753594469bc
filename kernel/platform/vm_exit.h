/*
 * One decoded guest exit, the same on every platform: plat_run_vcpu() translates the
 * hardware's exit (native: VMCB exit code and exit information; SNP: the VMPL2 VMSA's
 * guest_exit_code) into struct vm_exit and does nothing else with it. The dispatcher in
 * kernel/vcpu/exit.c sends it on: SVSM calls to protocols/, port I/O and MMIO to the
 * device bus in devices/, MSRs to vcpu/msr.c, CPUID to vcpu/cpuid.c. Guest registers are
 * read and written through plat_vcpu_reg()/plat_vcpu_set_reg() (platform.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"

/** enum vm_exit_kind - what made the guest leave. */
enum vm_exit_kind {
	VM_EXIT_NONE = 0,     /* nothing for the kernel (host interrupt, NMI, stale fault): run again */
	VM_EXIT_SVSM_CALL,    /* VMMCALL / VMGEXIT: call_pending may be set in the calling area */
	VM_EXIT_IO,           /* port I/O: @io */
	VM_EXIT_MMIO,         /* an access to a GPA not mapped for the guest: @mmio */
	VM_EXIT_MSR,          /* RDMSR/WRMSR: @msr */
	VM_EXIT_CPUID,        /* CPUID: @cpuid */
	VM_EXIT_HLT,          /* HLT: wait for an event */
	VM_EXIT_INTR_WINDOW,  /* the guest can take an interrupt now */
	VM_EXIT_INVD,         /* INVD or WBINVD: both run as WBINVD */
	VM_EXIT_UD,           /* an instruction the guest may not use (SVM's own): #UD */
	VM_EXIT_SHUTDOWN,     /* triple fault: the whole guest stops */
	VM_EXIT_STOP,         /* this vCPU must not run again (VMRUN refused it, host failure) */
	VM_EXIT_UNKNOWN,      /* an exit the platform did not expect: the guest stops */
};

/** enum vm_access - the kind of a memory access. */
enum vm_access {
	VM_ACCESS_READ = 0,
	VM_ACCESS_WRITE,
	VM_ACCESS_FETCH,
};

/**
 * struct vm_exit_io - port I/O.
 * @port:   the port.
 * @size:   1, 2 or 4 bytes.
 * @in:     IN/INS (else OUT/OUTS).
 * @string: INS/OUTS (memory operand at ES:rDI / DS:rSI).
 * @rep:    with a REP prefix (count in rCX).
 */
struct vm_exit_io {
	uint16_t port;
	uint8_t size;
	bool in;
	bool string;
	bool rep;
};

/**
 * struct vm_exit_mmio - an access to a guest-physical address the platform does not map
 * for the guest (emulated MMIO, SVSM memory, a protected page).
 * @gpa:        the faulting guest-physical address.
 * @access:     read, write or instruction fetch.
 * @present:    a mapping existed (a permission fault, e.g. a write to a read-only page).
 * @cpu_mode:   default operand size of the code, as enum x86_mode: 2, 4 or 8 bytes.
 * @insn_len:   bytes in @insn_bytes (0: the platform could not fetch the instruction).
 * @insn_bytes: the instruction at RIP, for lib/x86_decode.c.
 */
struct vm_exit_mmio {
	gpa_t gpa;
	enum vm_access access;
	bool present;
	uint8_t cpu_mode;
	uint8_t insn_len;
	uint8_t insn_bytes[15];
};

/** struct vm_exit_msr - RDMSR (@write false) or WRMSR of @value (EDX:EAX). */
struct vm_exit_msr {
	uint32_t msr;
	bool write;
	uint64_t value;
};

/** struct vm_exit_cpuid - CPUID with EAX = @leaf, ECX = @subleaf. */
struct vm_exit_cpuid {
	uint32_t leaf;
	uint32_t subleaf;
};

/**
 * struct vm_exit - one exit, decoded.
 * @kind:     what happened; selects the member of @u that is valid.
 * @insn_len: length of the exiting instruction, by which the dispatcher advances RIP when
 *            it completes the instruction (0 for exits that are not instructions).
 * @hw_code:  the platform's own exit code, and @hw_info1/@hw_info2 its exit information:
 *            for log lines only.
 */
struct vm_exit {
	enum vm_exit_kind kind;
	uint8_t insn_len;
	union {
		struct vm_exit_io io;
		struct vm_exit_mmio mmio;
		struct vm_exit_msr msr;
		struct vm_exit_cpuid cpuid;
	} u;
	uint64_t hw_code;
	uint64_t hw_info1;
	uint64_t hw_info2;
};

/** enum vm_reg - guest registers for plat_vcpu_reg(): GPRs in hardware (ModRM) order. */
enum vm_reg {
	VM_REG_RAX = 0,
	VM_REG_RCX,
	VM_REG_RDX,
	VM_REG_RBX,
	VM_REG_RSP,
	VM_REG_RBP,
	VM_REG_RSI,
	VM_REG_RDI,
	VM_REG_R8,
	VM_REG_R9,
	VM_REG_R10,
	VM_REG_R11,
	VM_REG_R12,
	VM_REG_R13,
	VM_REG_R14,
	VM_REG_R15,
	VM_REG_RIP,
	VM_REG_EFER,       /* as the hardware runs it (native and SNP keep EFER.SVME set) */
	VM_REG_PAT,        /* the guest's PAT (G_PAT under nested paging) */
	VM_REG_TSC_OFFSET, /* added to the host TSC for the guest's RDTSC */
	VM_REG_CR0,        /* paging state, for the guest page-table walk (vcpu/guest_walk.c) */
	VM_REG_CR3,
	VM_REG_CR4,
	VM_REG_CS_BASE,    /* the code segment's base (ignored in 64-bit mode) */
	VM_REG_CPL,        /* the current privilege level, 0..3 */
	VM_REG_XCR0,       /* the guest's XCR0 (read-only; CPUID leaf 0xD sizes follow it) */
	VM_REG_RFLAGS,     /* RFLAGS (string MMIO emulation refuses DF set) */
	VM_REG_DS_BASE,    /* data segment bases, for string MMIO outside 64-bit mode */
	VM_REG_ES_BASE,
	VM_REG_COUNT,
};

/*
 * Fake platform for host unit tests and fuzzing: call registers live in memory, page
 * validation uses the native validation model, the platform part of vCPU creation and
 * deletion is recorded and answered as the test configures (fake_platform.c). The CPUs
 * the vCPUs run on, the clock and the vCPU loop are fake_cpus.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/platform/platform.h"

/**
 * struct fake_vcpu - a vCPU's platform state on the fake platform.
 * @regs:      its SVSM call registers (RAX, RCX, RDX, R8, R9).
 * @reg:       its other registers.
 * @hold:      the vCPU does not stop when asked (a guest spinning with interrupts off).
 * @runs:      times its loop started.
 */
struct fake_vcpu {
	struct svsm_call_regs regs;
	uint64_t reg[VM_REG_COUNT];
	volatile bool hold;
	volatile unsigned runs;
};

struct fake_platform_log {
	unsigned prepares;               /* plat_vcpu_prepare() calls that succeeded */
	unsigned destroys;               /* plat_vcpu_destroy() calls that succeeded */
	uint64_t last_vmsa;
	uint64_t last_ca;
	uint32_t last_apic;
	unsigned last_cpu;
	enum svsm_err prepare_result;    /* what plat_vcpu_prepare answers */
	enum svsm_err destroy_result;    /* what plat_vcpu_destroy answers */
	unsigned kicks;
	unsigned pvalidates;
	unsigned injections;           /* plat_vcpu_inject() calls */
	uint8_t last_vector;
	bool guest_irqs_owned;         /* plat_guest_irqs_own() was called */
	bool irq_pending;              /* what plat_vcpu_irq_pending() answers */
	uint8_t sipi_vector;           /* the last plat_vcpu_prepare_sipi() vector */
};

extern struct fake_platform_log fake_log;

void fake_platform_reset(void);

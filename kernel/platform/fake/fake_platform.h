/*
 * Fake platform for host unit tests and fuzzing: call registers live in memory, page
 * validation uses the native validation model, vCPU creation and deletion are recorded
 * and answered as the test configures.
 */
#pragma once

#include <stdint.h>

#include "kernel/platform/platform.h"

/** struct fake_vcpu - RAX, RCX, RDX, R8, R9 live in @regs, the other registers in @reg. */
struct fake_vcpu {
	struct svsm_call_regs regs;
	uint64_t reg[VM_REG_COUNT];
};

struct fake_platform_log {
	unsigned creates;
	unsigned deletes;
	uint64_t last_vmsa;
	uint64_t last_ca;
	uint32_t last_apic;
	enum svsm_err create_result;   /* what plat_vcpu_create answers */
	enum svsm_err delete_result;   /* what plat_vcpu_delete answers */
	unsigned pvalidates;
	unsigned injections;           /* plat_vcpu_inject() calls */
	uint8_t last_vector;
};

extern struct fake_platform_log fake_log;

void fake_platform_reset(void);

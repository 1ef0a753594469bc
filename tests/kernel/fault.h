/*
 * Test-mode fault catching for kernel tests: arm a hook on this CPU, run a probe that
 * may fault, and read back what the CPU reported (vector, error code, CR2, frame).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/x86_64/trap.h"

struct fault_record {
	bool hit;
	uint64_t vector;
	uint64_t error_code;
	uint64_t cr2;
	uint64_t handler_rsp;   /* stack pointer while the handler ran */
	struct trap_frame frame;
};

int probe_read8(const void *addr);
int probe_write8(void *addr, uint8_t v);
int probe_exec(void *code);
int probe_ud2(void);
int probe_int3(void);
int probe_div0(void);
int probe_gp(void);
/** probe_rdmsr - RDMSR of @msr: 1 when it faulted (#GP for an MSR the CPU lacks). */
int probe_rdmsr(uint32_t msr);
int probe_regs(void);

/** fault_arm - catch the next exception on this CPU into @rec (and recover). */
void fault_arm(struct fault_record *rec);
/** fault_disarm - stop catching. */
void fault_disarm(void);

/*
 * Fault hook for kernel tests (see fault.h). The hook records the event and resumes at
 * probe_fixup (or probe_exec_fixup for an instruction fetch fault in probe_exec's
 * callee), so the probe returns 1. Armed per CPU; one event per arming.
 */
#include "tests/kernel/fault.h"

#include <stddef.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/x86.h"

extern const char probe_fixup[], probe_exec_fixup[];

static struct fault_record *armed[MAX_CPUS];

#define addr_of(fn) ((uint64_t)(uintptr_t)(fn))

static bool test_fault_hook(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();
	struct fault_record *rec = armed[pc->index];
	uint64_t here = (uint64_t)(uintptr_t)&rec;
	uint64_t ret_addr;

	if (rec == NULL || f->vector >= 32) {
		return false;
	}
	rec->hit = true;
	rec->vector = f->vector;
	rec->error_code = f->error_code;
	rec->cr2 = read_cr2();
	rec->handler_rsp = here;
	rec->frame = *f;
	armed[pc->index] = NULL;
	pc->fault_hook = NULL;
	ret_addr = *(const uint64_t *)(uintptr_t)f->rsp;
	/* A fetch fault in probe_exec's callee: RSP points at the return into probe_exec. */
	if (f->vector == VEC_NMI) {
		return true; /* asynchronous: resume where it hit */
	}
	if (f->vector == VEC_UD && f->rip > addr_of(probe_regs) &&
	    f->rip < (uint64_t)(uintptr_t)probe_fixup) {
		f->rip += 2; /* probe_regs: skip its ud2 and unwind normally */
	} else if (f->vector == VEC_PF && (f->error_code & (1u << 4)) != 0 &&
	    ret_addr > addr_of(probe_exec) && ret_addr < addr_of(probe_exec) + 16) {
		f->rip = addr_of(probe_exec_fixup);
	} else {
		f->rip = (uint64_t)(uintptr_t)probe_fixup;
	}
	return true;
}

void fault_arm(struct fault_record *rec)
{
	struct percpu *pc = this_cpu();

	*rec = (struct fault_record){0};
	armed[pc->index] = rec;
	pc->fault_hook = test_fault_hook;
}

void fault_disarm(void)
{
	struct percpu *pc = this_cpu();

	armed[pc->index] = NULL;
	pc->fault_hook = NULL;
}

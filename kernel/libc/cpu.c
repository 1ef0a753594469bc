/*
 * Owns the per-CPU libc areas (cpu.h) and the stack-protector canary. The canary is drawn
 * from RDSEED/RDRAND once, on the first libc_cpu_init() (the BSP, in services_init), and is
 * the same on every CPU, as in a glibc process. Each CPU then writes only its own area.
 */
#include "kernel/libc/cpu.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/lib/panic.h"
#include "kernel/libc/entropy.h"

static struct libc_cpu libc_cpus[MAX_CPUS];
static uint64_t canary;

void libc_cpu_init(void)
{
	struct percpu *pc = this_cpu();
	struct libc_cpu *lc;

	CHECK(pc->index < MAX_CPUS);
	lc = &libc_cpus[pc->index];
	if (__atomic_load_n(&canary, __ATOMIC_ACQUIRE) == 0) {
		/* Low byte 0 as in glibc: string overflows cannot reproduce the canary. */
		uint64_t c = entropy_u64() & ~0xffull;
		uint64_t expected = 0;

		if (c == 0) {
			c = 0x100;
		}
		(void)__atomic_compare_exchange_n(&canary, &expected, c, false, __ATOMIC_ACQ_REL,
						  __ATOMIC_ACQUIRE);
	}
	lc->tcb = lc;
	lc->self = lc;
	lc->index = pc->index;
	lc->stack_guard = canary;
	lc->pointer_guard = canary;
	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)lc);
}

struct libc_cpu *libc_cpu_self(void)
{
	return &libc_cpus[this_cpu()->index];
}

uint64_t libc_cpu_canary(void)
{
	return canary;
}

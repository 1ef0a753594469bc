/*
 * Owns the per-CPU libc areas (cpu.h), the stack-protector canary and the pointer guard
 * (PTR_MANGLE's key). Each is drawn from RDSEED/RDRAND once, separately (leaking one says
 * nothing of the other), on the first libc_cpu_init() (the BSP, in services_init), and is
 * the same on every CPU, as in a glibc process. Each CPU then writes only its own area.
 */
#include "kernel/libc/cpu.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/lib/panic.h"
#include "kernel/libc/entropy.h"

static struct libc_cpu libc_cpus[MAX_CPUS];
static uint64_t canary;
static uint64_t pointer_guard;

/* Sets *@slot to a non-zero random value (bits outside @keep cleared) unless already set. */
static void draw_once(uint64_t *slot, uint64_t keep)
{
	uint64_t v = 0;
	uint64_t expected = 0;

	if (__atomic_load_n(slot, __ATOMIC_ACQUIRE) != 0) {
		return;
	}
	v = entropy_u64() & keep;
	if (v == 0) {
		v = 0x100;
	}
	(void)__atomic_compare_exchange_n(slot, &expected, v, false, __ATOMIC_ACQ_REL,
					  __ATOMIC_ACQUIRE);
}

void libc_cpu_init(void)
{
	struct percpu *pc = this_cpu();
	struct libc_cpu *lc;

	CHECK(pc->index < MAX_CPUS);
	lc = &libc_cpus[pc->index];
	/* Canary low byte 0 as in glibc: string overflows cannot reproduce the canary. */
	draw_once(&canary, ~0xffull);
	draw_once(&pointer_guard, ~0ull);
	lc->tcb = lc;
	lc->self = lc;
	lc->index = pc->index;
	lc->stack_guard = canary;
	lc->pointer_guard = pointer_guard;
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

/*
 * Ticket-free test-and-set spinlock with interrupt save/restore. In host builds (unit
 * tests) the same test-and-set without the interrupt flag: some tests run vCPUs and
 * their calls on several threads (kernel/platform/fake/fake_cpus.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	volatile uint32_t locked;
};

#define SPINLOCK_INIT {0}

#if defined(SVSM_HOST)
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0) {
		}
	}
	return 0;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	(void)flags;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
#else
#include "kernel/arch/x86_64/x86.h"

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = read_rflags();

	irq_disable();
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		while (l->locked != 0) {
			cpu_relax();
		}
	}
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if ((flags & RFLAGS_IF) != 0) {
		irq_enable();
	}
}
#endif

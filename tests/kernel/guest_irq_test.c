/*
 * Kernel tests of the guest-interrupt routing in trap.c (docs/paravisor.md "Interrupts and
 * SMP") on the real (emulated) local APIC: a vector for the guest becomes pending and is not
 * acknowledged; without a guest vCPU it is acknowledged and dropped; the SVSM's wake IPI
 * stays the SVSM's.
 */
#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/ktest.h"
#include "lib/intc_filter.h"

#define ISR_BASE 0x100 /* in-service register, 8 dwords of 32 vectors */

static bool in_service(uint32_t vector)
{
	return (apic_reg_read(ISR_BASE + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

/* Sends @vector to this CPU and lets it arrive (interrupts on for a short while). */
static void self_ipi(uint8_t vector)
{
	apic_send_fixed(apic_id(), vector);
	irq_enable();
	for (unsigned i = 0; i < 100000; i++) {
		cpu_relax();
	}
	irq_disable();
}

KTEST(guest_irq, vector_pending_without_eoi)
{
	struct percpu *pc = this_cpu();
	bool saved = pc->guest_irqs;

	pc->guest_irqs = true;
	self_ipi(0x41);
	pc->guest_irqs = saved;
	KEXPECT_EQ(intc_pending_highest(&pc->guest_pending), 0x41);
	KEXPECT(in_service(0x41)); /* the guest's EOI would end it */
	intc_pending_clear(&pc->guest_pending, 0x41);
	apic_eoi();
	KEXPECT(!in_service(0x41));
}

KTEST(guest_irq, wake_ipi_stays_the_svsms)
{
	struct percpu *pc = this_cpu();
	bool saved = pc->guest_irqs;

	pc->guest_irqs = true;
	self_ipi(VEC_IPI_WAKE);
	pc->guest_irqs = saved;
	KEXPECT(!intc_pending_any(&pc->guest_pending));
	KEXPECT(!in_service(VEC_IPI_WAKE));
}

KTEST(guest_irq, window_vector_without_guest_is_dropped)
{
	struct percpu *pc = this_cpu();
	uint64_t dropped = pc->dropped_irq_count;
	bool saved = pc->guest_irqs;

	pc->guest_irqs = false;
	pc->in_irq_window = true;
	self_ipi(0x42);
	pc->in_irq_window = false;
	pc->guest_irqs = saved;
	KEXPECT_EQ(pc->dropped_irq_count, dropped + 1);
	KEXPECT(!in_service(0x42));
	KEXPECT(!intc_pending_any(&pc->guest_pending));
}

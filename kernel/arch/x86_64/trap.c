/*
 * C side of exception and interrupt handling. Order: an NMI during panic halts this CPU;
 * #VC goes to the platform; #DB, #BP and NMI may belong to the debugger (debug.h); a fault
 * at an instruction with an exception fixup resumes at the fixup (extable.h); a test-mode
 * fault hook may claim the event; IPIs and spurious interrupts are acknowledged; vectors for
 * the guest (any vector in the window after an INTR exit, and non-SVSM vectors >= 32 on a CPU
 * with a guest vCPU) become pending for it (docs/paravisor.md "Interrupts and SMP"); anything
 * else is fatal with a register dump.
 */
#include "kernel/arch/x86_64/trap.h"

#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/extable.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/debug/debug.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/platform/platform.h"

_Static_assert(VEC_IPI_WAKE == INTC_VEC_SVSM_WAKE && VEC_SPURIOUS == INTC_VEC_SVSM_SPURIOUS,
	       "lib/intc_filter.h must refuse exactly the SVSM vectors");

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

void trap_dump(const struct trap_frame *f)
{
	const char *name = f->vector < 32 ? exception_names[f->vector] : "interrupt";

	log_raw("\nexception %lu (%s) error %#lx on CPU %u\n", f->vector, name, f->error_code,
		this_cpu()->index);
	if (f->vector == VEC_PF) {
		log_raw("faulting address (CR2): %#lx\n", read_cr2());
	}
	log_raw("RIP %016lx CS %04lx RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
	log_raw("RSP %016lx SS %04lx\n", f->rsp, f->ss);
	log_raw("RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	log_raw("RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	log_raw("R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	log_raw("R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
	log_raw("CR0 %016lx CR3 %016lx CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
	panic_backtrace(f->rbp);
}

static void trap_dump_arg(const void *arg)
{
	trap_dump(arg);
}

/*
 * A guest vector: pending for this CPU's guest vCPU, not acknowledged (the guest's EOI on
 * its emulated LAPIC reaches the physical one). Without a guest vCPU here: EOI and drop.
 */
static void trap_guest_irq(struct percpu *pc, uint32_t vector)
{
	if (vector < 32) {
		/*
		 * A stale 8259 base (pic.c reprograms the PICs before a guest runs): injecting
		 * it would look like an exception to the guest. Ends the 8259's in-service bit.
		 */
		outb(0xa0, 0x20);
		outb(0x20, 0x20);
		if (pc->dropped_irq_count++ == 0) {
			pr_warn("trap: CPU %u dropped stale 8259 vector %#x\n", pc->index, vector);
		}
		return;
	}
	if (pc->guest_irqs) {
		intc_pending_set(&pc->guest_pending, vector);
		return;
	}
	if (pc->dropped_irq_count++ == 0) {
		pr_warn("trap: CPU %u dropped guest vector %#x (no guest vCPU here)\n", pc->index,
			vector);
	}
	apic_eoi();
}

void trap_handle(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();

	if (f->vector == VEC_NMI && panic_in_progress()) {
		for (;;) {
			irq_disable();
			halt();
		}
	}
	if (pc->in_irq_window && f->vector != VEC_NMI && f->vector != VEC_IPI_WAKE &&
	    f->vector != VEC_SPURIOUS) {
		/*
		 * Only external interrupts arrive in the sti;nop;cli window after an INTR exit:
		 * a low vector there is a stale 8259 base (SeaBIOS's 0x08), not an exception.
		 */
		trap_guest_irq(pc, (uint32_t)f->vector);
		return;
	}
	if (f->vector == VEC_VC && plat_handle_vc(f)) {
		return;
	}
	/* Before the fixups: a single step may end on an instruction that has one. */
	if ((f->vector == VEC_DB || f->vector == VEC_BP || f->vector == VEC_NMI) && debug_trap(f)) {
		return;
	}
	if (extable_fixup(f)) {
		return;
	}
	if (pc->fault_hook != NULL && pc->fault_hook(f)) {
		return;
	}
	if (f->vector == VEC_NMI) {
		/* No logging here: the NMI may have hit this CPU inside the console lock. */
		pc->nmi_count++;
		return;
	}
	if (f->vector == VEC_IPI_WAKE) {
		apic_eoi();
		return;
	}
	if (f->vector == VEC_SPURIOUS) {
		return;
	}
	if (f->vector >= 32 && pc->guest_irqs) {
		trap_guest_irq(pc, (uint32_t)f->vector);
		return;
	}
	if (f->vector >= 32) {
		/*
		 * An interrupt the SVSM did not ask for (the host or the guest's own devices):
		 * never fatal. Acknowledge it and go on; guests that need interrupts get them
		 * virtualised by their platform.
		 */
		pc->stray_irq_count++;
		apic_eoi();
		return;
	}
	/* The registers are printed only after panic_dump() has wiped the platform's secrets
	 * and stopped the other CPUs, as every panic's output is. */
	panic_dump(trap_dump_arg, f, "unhandled %s %lu at %#lx",
		   f->vector < 32 ? "exception" : "interrupt", f->vector, f->rip);
}

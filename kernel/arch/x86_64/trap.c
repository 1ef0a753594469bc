/*
 * C side of exception and interrupt handling. Order: an NMI during panic halts this CPU;
 * #VC goes to the platform; a fault at an instruction with an exception fixup resumes at
 * the fixup (extable.h); a test-mode fault hook may claim the event; IPIs and spurious interrupts are
 * acknowledged; anything else is fatal and prints a register dump first.
 */
#include "kernel/arch/x86_64/trap.h"

#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/extable.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/platform/platform.h"

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

void trap_handle(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();

	if (f->vector == VEC_NMI && panic_in_progress()) {
		for (;;) {
			irq_disable();
			halt();
		}
	}
	if (f->vector == VEC_VC && plat_handle_vc(f)) {
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
	log_force_unlock();
	trap_dump(f);
	panic("unhandled %s %lu at %#lx", f->vector < 32 ? "exception" : "interrupt", f->vector,
	      f->rip);
}

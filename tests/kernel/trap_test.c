/* Kernel tests of exception delivery: vectors, error codes, saved registers, IST use. */
#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/lib/ktest.h"
#include "tests/kernel/fault.h"

KTEST(exceptions, invalid_opcode)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_ud2(), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 6);
	KEXPECT_EQ(r.frame.cs, 0x08);
}

KTEST(exceptions, breakpoint_is_a_trap)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_int3(), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 3);
	/* xor (2 bytes) + int3 (1 byte): RIP points after the int3. */
	KEXPECT_EQ(r.frame.rip, (uint64_t)(uintptr_t)&probe_int3 + 3);
}

KTEST(exceptions, divide_error)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_div0(), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 0);
}

KTEST(exceptions, general_protection_non_canonical)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_gp(), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 13);
	KEXPECT_EQ(r.error_code, 0);
}

KTEST(exceptions, frame_holds_every_register)
{
	struct fault_record r;
	const struct trap_frame *f = &r.frame;

	fault_arm(&r);
	probe_regs();
	fault_disarm();
	KASSERT(r.hit);
	KEXPECT_EQ(f->rax, 0x1111);
	KEXPECT_EQ(f->rbx, 0x2222);
	KEXPECT_EQ(f->rcx, 0x3333);
	KEXPECT_EQ(f->rdx, 0x4444);
	KEXPECT_EQ(f->rsi, 0x5555);
	KEXPECT_EQ(f->rdi, 0x6666);
	KEXPECT_EQ(f->rbp, 0x7777);
	KEXPECT_EQ(f->r8, 0x8888);
	KEXPECT_EQ(f->r9, 0x9999);
	KEXPECT_EQ(f->r10, 0xaaaa);
	KEXPECT_EQ(f->r11, 0xbbbb);
	KEXPECT_EQ(f->r12, 0xcccc);
	KEXPECT_EQ(f->r13, 0xdddd);
	KEXPECT_EQ(f->r14, 0xeeee);
	KEXPECT_EQ(f->r15, 0xffff);
}

static struct fault_record nmi_rec;

static void nmi_others(void *arg)
{
	(void)arg;
	apic_send_nmi_all_but_self();
}

KTEST(exceptions, nmi_runs_on_its_ist_stack)
{
	const struct percpu *pc = this_cpu();
	uint64_t top = pc->ist_top[IST_NMI - 1];
	uint64_t end = tsc_now_us() + 1000000;

	KASSERT(smp_cpu_count() >= 2);
	/* CPU 1 sends an NMI to every other CPU: this one is armed, the rest log it. */
	fault_arm(&nmi_rec);
	KASSERT(smp_run_on(1, nmi_others, NULL));
	while (!__atomic_load_n(&nmi_rec.hit, __ATOMIC_ACQUIRE) && tsc_now_us() < end) {
		__asm__ volatile("pause");
	}
	fault_disarm();
	KEXPECT(nmi_rec.hit);
	KEXPECT_EQ(nmi_rec.vector, 2);
	KEXPECT(nmi_rec.handler_rsp < top && nmi_rec.handler_rsp > top - ISTACK_PAGES * PAGE_SIZE);
}

/*
 * Kernel test of the local APIC mode: the kernel must run its APIC in x2APIC mode exactly
 * when CPUID offers it (leaf 1 ECX bit 21), on every CPU. QEMU 7.2's TCG has no x2APIC and
 * QEMU 10's has, so make check's run under each QEMU proves one path (docs/testing.md).
 */
#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/vcpu/msr.h"
#include "tests/kernel/fault.h"

#define APIC_BASE_ENABLE (1ull << 11)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define X2APIC_MSR_ID    0x802

/** struct apic_seen - what one CPU reports about its own APIC. */
struct apic_seen {
	bool cpuid_x2apic;
	uint64_t apic_base;
	uint32_t id;
	int x2apic_id_faulted;	/* RDMSR of the x2APIC ID register #GPed */
	uint32_t x2apic_id;
	struct fault_record fault;
};

static void apic_look(void *arg)
{
	struct apic_seen *s = arg;

	s->cpuid_x2apic = (cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC) != 0;
	s->apic_base = rdmsr(MSR_APIC_BASE);
	s->id = apic_id();
	if ((s->apic_base & APIC_BASE_EXTD) != 0) {
		fault_arm(&s->fault);
		s->x2apic_id_faulted = probe_rdmsr(X2APIC_MSR_ID);
		fault_disarm();
		if (!s->x2apic_id_faulted) {
			s->x2apic_id = (uint32_t)rdmsr(X2APIC_MSR_ID);
		}
	}
}

/* Checks one CPU's view against the mode the kernel chose; @cpu only names it on failure. */
static void apic_check(unsigned cpu, const struct apic_seen *s, bool x2)
{
	KEXPECT_EQ(s->cpuid_x2apic, x2);
	KEXPECT((s->apic_base & APIC_BASE_ENABLE) != 0);
	KEXPECT_EQ((s->apic_base & APIC_BASE_EXTD) != 0, x2);
	KEXPECT_EQ(s->id, percpu_area[cpu].apic_id);
	/* x2APIC mode: the ID register is an MSR holding the full 32-bit ID. In xAPIC mode
	 * hardware #GPs on it, but QEMU 7.2's TCG reads 0 from any MSR it lacks: apic_id()
	 * above read the MMIO ID register instead. */
	if (x2) {
		KEXPECT_EQ(s->x2apic_id_faulted, 0);
		KEXPECT_EQ(s->x2apic_id, s->id);
	}
}

KTEST(apic, mode_matches_cpuid)
{
	bool x2 = apic_is_x2apic();
	struct apic_seen s = {0};

	log_raw("[svsm-test] apic: %s mode on %u CPUs (CPUID.01H:ECX.x2APIC = %u)\n",
		x2 ? "x2APIC" : "xAPIC", smp_cpu_count(),
		(cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC) != 0 ? 1u : 0u);
	apic_look(&s);
	apic_check(0, &s, x2);
	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		struct apic_seen ap = {0};

		KASSERT(smp_run_on(cpu, apic_look, &ap));
		apic_check(cpu, &ap, x2);
	}
}

/* The guest's APIC_BASE (vcpu/msr.c) is this CPU's without EXTD: same base and enable bit,
 * so the guest drives the xAPIC page the SVSM emulates whatever mode the SVSM chose. */
KTEST(apic, guest_reads_xapic_base)
{
	uint64_t hw = rdmsr(MSR_APIC_BASE);
	uint64_t view = vcpu_msr_apic_base_view(hw);

	KEXPECT_EQ(view & APIC_BASE_EXTD, 0);
	KEXPECT_EQ(view | (hw & APIC_BASE_EXTD), hw);
	KEXPECT((view & APIC_BASE_ENABLE) != 0);
}

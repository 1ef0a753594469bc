/*
 * AP bring-up and cross-CPU work (see smp.h). APs are started one at a time by
 * plat_ap_start(): on native the BSP fills the trampoline parameter block, sends
 * INIT-SIPI-SIPI (smp_start_ap_sipi()) and waits for the AP to mark itself online; SNP
 * starts the AP from a VMSA instead. Each AP then idles in smp_idle_loop(), running work the BSP
 * posts in its per-CPU area (work/work_arg, published with release/acquire).
 */
#include "kernel/arch/x86_64/smp.h"

#include <string.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/stack.h"
#include "kernel/platform/platform.h"

struct ap_params {
	uint32_t boot_cr3;
	uint32_t reserved;
	uint64_t entry64;
	uint64_t final_cr3;
	uint64_t stack_top;
	uint64_t percpu;
	uint64_t reserved2;
};
_Static_assert(sizeof(struct ap_params) == 48, "matches ap_trampoline.S");

extern const char ap_trampoline_start[], ap_trampoline_params[], ap_trampoline_end[];
extern const char ap_start64[];
extern char boot_pml4[];

static unsigned cpus_online = 1;

struct smp_work {
	smp_work_fn fn;
	void *arg;
	volatile bool done;
	bool claimed; /* a starter is filling in fn/arg */
};
static struct smp_work cpu_work[MAX_CPUS];

unsigned smp_cpu_count(void)
{
	return cpus_online;
}

unsigned smp_cpu_index(void)
{
	uint64_t gs = rdmsr(MSR_GS_BASE);

	return gs == 0 ? 0 : ((struct percpu *)(uintptr_t)gs)->index;
}

int smp_cpu_by_apic(uint32_t apic_id)
{
	for (unsigned i = 0; i < cpus_online; i++) {
		if (percpu_area[i].apic_id == apic_id) {
			return (int)i;
		}
	}
	return -1;
}

static void setup_stacks(struct percpu *pc)
{
	pc->kstack_top = stack_alloc(KSTACK_PAGES);
	for (unsigned i = 0; i < IST_COUNT; i++) {
		pc->ist_top[i] = stack_alloc(ISTACK_PAGES);
	}
}

/* Early IST stacks for the BSP until the allocator can give guarded ones. */
static uint8_t bsp_early_ist[IST_COUNT][ISTACK_PAGES * PAGE_SIZE] __attribute__((aligned(16)));

void smp_bsp_setup_early(void)
{
	struct percpu *pc = &percpu_area[0];

	cpu_set_percpu(pc);
	pc->index = 0;
	for (unsigned i = 0; i < IST_COUNT; i++) {
		pc->ist_top[i] = (uint64_t)(uintptr_t)(bsp_early_ist[i] + sizeof(bsp_early_ist[i]));
	}
	cpu_idt_init();
	cpu_init_tables(pc);
}

void smp_bsp_setup_stacks(void)
{
	struct percpu *pc = &percpu_area[0];

	setup_stacks(pc);
	for (unsigned i = 0; i < IST_COUNT; i++) {
		pc->tss.ist[i] = pc->ist_top[i];
	}
	pc->tss.rsp[0] = pc->kstack_top;
	pc->online = true;
}

static void run_posted_work(struct percpu *pc)
{
	struct smp_work *w = &cpu_work[pc->index];
	smp_work_fn fn = __atomic_load_n(&w->fn, __ATOMIC_ACQUIRE);

	if (fn != NULL) {
		pc->idle = false;
		fn(w->arg);
		__atomic_store_n(&w->fn, NULL, __ATOMIC_RELAXED);
		__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	}
}

static __attribute__((noreturn)) void smp_idle_loop(void)
{
	struct percpu *pc = this_cpu();

	for (;;) {
		irq_disable();
		run_posted_work(pc);
		if (__atomic_load_n(&cpu_work[pc->index].fn, __ATOMIC_ACQUIRE) != NULL) {
			continue;
		}
		pc->idle = true;
		/* sti's one-instruction shadow makes "sti; hlt" atomic against the wake IPI. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

void ap_main(struct percpu *pc)
{
	cpu_set_percpu(pc);
	cpu_init_tables(pc);
	apic_init();
	pc->apic_id = apic_id();
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	smp_idle_loop();
}

bool smp_wait_online(struct percpu *pc, uint64_t us)
{
	uint64_t end = tsc_now_us() + us;

	while (tsc_now_us() < end) {
		if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
			return true;
		}
		cpu_relax();
	}
	return __atomic_load_n(&pc->online, __ATOMIC_ACQUIRE);
}

bool smp_start_ap_sipi(struct percpu *pc, uint32_t apic)
{
	struct ap_params *params;
	uint8_t *tramp = phys_to_virt(pa_init(AP_TRAMPOLINE_PA));

	memcpy(tramp, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	params = (struct ap_params *)(tramp + (ap_trampoline_params - ap_trampoline_start));
	*params = (struct ap_params){
		.boot_cr3 = (uint32_t)((uint64_t)(uintptr_t)boot_pml4),
		.entry64 = (uint64_t)(uintptr_t)ap_start64,
		.final_cr3 = pa_addr(kernel_pt.root),
		.stack_top = pc->kstack_top,
		.percpu = (uint64_t)(uintptr_t)pc,
	};
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	apic_send_init(apic);
	tsc_delay_us(10000);
	apic_send_sipi(apic, AP_TRAMPOLINE_PA >> 12);
	if (smp_wait_online(pc, 1000)) {
		return true;
	}
	apic_send_sipi(apic, AP_TRAMPOLINE_PA >> 12);
	return smp_wait_online(pc, 2000000);
}

static bool start_ap(unsigned index, uint32_t apic)
{
	struct percpu *pc = &percpu_area[index];

	pc->index = index;
	setup_stacks(pc);
	return plat_ap_start(pc, apic); /* native: smp_start_ap_sipi() */
}

unsigned smp_init(void)
{
	uint32_t self = apic_id();
	unsigned index = 1;

	percpu_area[0].apic_id = self;
	/* The trampoline runs at a physical address < 1 MiB reached through the direct map. */
	CHECK(ap_trampoline_end - ap_trampoline_start <= PAGE_SIZE);
	for (unsigned i = 0; i < boot_info.cpu_count && index < MAX_CPUS; i++) {
		uint32_t apic = boot_info.cpu_apic_ids[i];

		if (apic == self) {
			continue;
		}
		if (!start_ap(index, apic)) {
			pr_err("smp: CPU with APIC ID %u did not start\n", apic);
			continue;
		}
		index++;
		cpus_online = index;
	}
	memset(phys_to_virt(pa_init(AP_TRAMPOLINE_PA)), 0, PAGE_SIZE);
	return cpus_online;
}

bool smp_reserve(unsigned cpu)
{
	struct smp_work *w;

	if (cpu == 0 || cpu >= cpus_online) {
		return false;
	}
	w = &cpu_work[cpu];
	/* Claim the slot atomically (two starters must not both succeed). */
	if (!__atomic_compare_exchange_n(&w->claimed, &(bool){false}, true, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		return false;
	}
	/* Work still running there (fn is cleared only after it returns): busy. */
	if (__atomic_load_n(&w->fn, __ATOMIC_ACQUIRE) != NULL) {
		__atomic_store_n(&w->claimed, false, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

void smp_start_reserved(unsigned cpu, smp_work_fn fn, void *arg)
{
	struct smp_work *w = &cpu_work[cpu];

	CHECK(cpu != 0 && cpu < cpus_online && w->claimed && w->fn == NULL);
	w->arg = arg;
	w->done = false;
	__atomic_store_n(&w->fn, fn, __ATOMIC_RELEASE);
	__atomic_store_n(&w->claimed, false, __ATOMIC_RELEASE);
	apic_send_fixed(percpu_area[cpu].apic_id, VEC_IPI_WAKE);
}

void smp_unreserve(unsigned cpu)
{
	CHECK(cpu < MAX_CPUS && cpu_work[cpu].claimed);
	__atomic_store_n(&cpu_work[cpu].claimed, false, __ATOMIC_RELEASE);
}

void smp_kick(unsigned cpu)
{
	if (cpu < cpus_online && cpu != this_cpu()->index) {
		apic_send_fixed(percpu_area[cpu].apic_id, VEC_IPI_WAKE);
	}
}

bool smp_start_on(unsigned cpu, smp_work_fn fn, void *arg)
{
	if (!smp_reserve(cpu)) {
		return false;
	}
	smp_start_reserved(cpu, fn, arg);
	return true;
}

bool smp_run_on(unsigned cpu, smp_work_fn fn, void *arg)
{
	if (!smp_start_on(cpu, fn, arg)) {
		return false;
	}
	while (!__atomic_load_n(&cpu_work[cpu].done, __ATOMIC_ACQUIRE)) {
		cpu_relax();
	}
	return true;
}

bool smp_wait_idle(uint64_t timeout_ms)
{
	uint64_t end = tsc_now_us() + timeout_ms * 1000;

	for (unsigned i = 1; i < cpus_online; i++) {
		while (!percpu_area[i].idle) {
			if (tsc_now_us() > end) {
				return false;
			}
			cpu_relax();
		}
	}
	return true;
}

void smp_stop_others(void)
{
	if (cpus_online > 1) {
		apic_send_nmi_all_but_self();
	}
}

/* Kernel tests of SMP bring-up, per-CPU state and cross-CPU work. */
#include <string.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/mm/page_alloc.h"

KTEST(smp, every_madt_cpu_online)
{
	KEXPECT(boot_info.cpu_count >= 2);
	KEXPECT_EQ(smp_cpu_count(), boot_info.cpu_count);
	for (unsigned i = 0; i < smp_cpu_count(); i++) {
		KEXPECT(percpu_area[i].online);
		KEXPECT_EQ(percpu_area[i].index, i);
	}
}

struct who {
	unsigned index;
	uint32_t apic;
	uint64_t gs_self;
	uint64_t rsp;
};

static void whoami(void *arg)
{
	struct who *w = arg;
	uint64_t here = (uint64_t)(uintptr_t)&w;

	w->index = this_cpu()->index;
	w->apic = apic_id();
	w->gs_self = (uint64_t)(uintptr_t)this_cpu();
	w->rsp = here;
}

KTEST(smp, work_runs_on_the_right_cpu)
{
	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		struct who w = {0};
		const struct percpu *pc = &percpu_area[cpu];

		KASSERT(smp_run_on(cpu, whoami, &w));
		KEXPECT_EQ(w.index, cpu);
		KEXPECT_EQ(w.apic, pc->apic_id);
		KEXPECT_EQ(w.gs_self, (uint64_t)(uintptr_t)pc);
		KEXPECT(w.rsp < pc->kstack_top && w.rsp > pc->kstack_top - KSTACK_PAGES * PAGE_SIZE);
	}
}

KTEST(smp, apic_ids_distinct)
{
	for (unsigned i = 0; i < smp_cpu_count(); i++) {
		for (unsigned j = i + 1; j < smp_cpu_count(); j++) {
			KEXPECT(percpu_area[i].apic_id != percpu_area[j].apic_id);
		}
	}
}

KTEST(smp, offline_or_self_is_refused)
{
	struct who w;

	KEXPECT(!smp_run_on(0, whoami, &w));
	KEXPECT(!smp_run_on(smp_cpu_count(), whoami, &w));
	KEXPECT(!smp_run_on(MAX_CPUS + 5, whoami, &w));
}

static void bump(void *arg)
{
	__atomic_fetch_add((uint64_t *)arg, 1, __ATOMIC_RELAXED);
}

KTEST(smp, many_wakeups)
{
	uint64_t count = 0;
	unsigned rounds = 200;

	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
			KASSERT(smp_run_on(cpu, bump, &count));
		}
	}
	KEXPECT_EQ(count, (uint64_t)rounds * (smp_cpu_count() - 1));
}

#define ALLOC_ROUNDS 300

struct alloc_job {
	volatile bool go;
	volatile unsigned done;
	bool bad;
};

static void alloc_storm(void *arg)
{
	struct alloc_job *job = arg;
	uint64_t pages[32];

	while (!job->go) {
		__asm__ volatile("pause");
	}
	for (unsigned r = 0; r < ALLOC_ROUNDS; r++) {
		for (unsigned i = 0; i < 32; i++) {
			pages[i] = pa_addr(page_alloc_get(i % 3, PAGE_OWNER_KERNEL));
			if (pages[i] == 0) {
				job->bad = true;
				continue;
			}
			*(volatile uint64_t *)phys_to_virt(pa_init(pages[i])) = pages[i];
		}
		for (unsigned i = 0; i < 32; i++) {
			if (pages[i] != 0) {
				if (*(volatile uint64_t *)phys_to_virt(pa_init(pages[i])) !=
				    pages[i]) {
					job->bad = true; /* someone else got the same page */
				}
				page_alloc_put(pa_init(pages[i]));
			}
		}
	}
	__atomic_fetch_add(&job->done, 1, __ATOMIC_RELEASE);
}

KTEST(smp, concurrent_page_allocation)
{
	struct alloc_job job = {0};
	uint64_t before = page_alloc_free_pages();
	uint64_t end = tsc_now_us() + 30000000;
	unsigned workers = smp_cpu_count() - 1;

	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		KASSERT(smp_start_on(cpu, alloc_storm, &job));
	}
	job.go = true;
	while (__atomic_load_n(&job.done, __ATOMIC_ACQUIRE) < workers && tsc_now_us() < end) {
		__asm__ volatile("pause");
	}
	KEXPECT_EQ(job.done, workers);
	KEXPECT(!job.bad);
	KEXPECT_EQ(page_alloc_free_pages(), before);
	KEXPECT(page_alloc_check());
}

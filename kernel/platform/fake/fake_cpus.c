/*
 * Host stand-ins for the CPUs, the clock and the vCPU loop (see fake_cpus.h). Each CPU has
 * one work slot like kernel/arch/x86_64/smp.c's: a starter claims it atomically, posts
 * fn/arg, and the work runs (here on its own pthread) until it returns and clears fn.
 * The vCPU loop stands in for kernel/vcpu/vcpu_loop.c, which runs the guest and cannot
 * run on the host: RUNNING until a stop request it does not hold off, then STOPPED.
 */
#include "kernel/platform/fake/fake_cpus.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/platform/fake/fake_platform.h"
#include "kernel/vcpu/vcpu.h"

#define FAKE_CPUS_MAX 8

struct fake_cpu {
	smp_work_fn fn;
	void *arg;
	bool claimed;
	bool busy;
	bool has_thread;
	unsigned started;
	pthread_t thread;
};

static struct fake_cpu cpus[FAKE_CPUS_MAX];
static unsigned cpu_count;
static uint64_t clock_offset_us;

static uint64_t real_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t tsc_now_us(void)
{
	return real_now_us() + __atomic_load_n(&clock_offset_us, __ATOMIC_ACQUIRE);
}

void fake_clock_advance_us(uint64_t us)
{
	__atomic_add_fetch(&clock_offset_us, us, __ATOMIC_ACQ_REL);
}

void fake_clock_sleep_us(uint64_t us)
{
	struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};

	nanosleep(&ts, NULL);
}

bool fake_cpus_wait_done(unsigned cpu, uint64_t us)
{
	uint64_t end = real_now_us() + us;

	while (__atomic_load_n(&cpus[cpu].fn, __ATOMIC_ACQUIRE) != NULL) {
		if (real_now_us() > end) {
			return false;
		}
		sched_yield();
	}
	return true;
}

void fake_cpus_setup(unsigned count)
{
	for (unsigned i = 0; i < FAKE_CPUS_MAX; i++) {
		if (!cpus[i].has_thread) {
			continue;
		}
		if (!fake_cpus_wait_done(i, 5000000)) {
			fprintf(stderr, "fake_cpus: a test left work running on CPU %u\n", i);
			abort();
		}
		pthread_join(cpus[i].thread, NULL);
	}
	for (unsigned i = 0; i < FAKE_CPUS_MAX; i++) {
		cpus[i] = (struct fake_cpu){0};
	}
	cpu_count = count < FAKE_CPUS_MAX ? count : FAKE_CPUS_MAX;
	__atomic_store_n(&clock_offset_us, 0, __ATOMIC_RELEASE);
}

void fake_cpus_set_busy(unsigned cpu, bool busy)
{
	__atomic_store_n(&cpus[cpu].busy, busy, __ATOMIC_RELEASE);
}

unsigned fake_cpus_started(unsigned cpu)
{
	return __atomic_load_n(&cpus[cpu].started, __ATOMIC_ACQUIRE);
}

int smp_cpu_by_apic(uint32_t apic_id)
{
	return apic_id < cpu_count ? (int)apic_id : -1;
}

static void *run_work(void *arg)
{
	struct fake_cpu *c = arg;

	c->fn(c->arg);
	__atomic_store_n(&c->fn, NULL, __ATOMIC_RELEASE);
	return NULL;
}

bool smp_reserve(unsigned cpu)
{
	struct fake_cpu *c;

	if (cpu == 0 || cpu >= cpu_count) {
		return false;
	}
	c = &cpus[cpu];
	if (!__atomic_compare_exchange_n(&c->claimed, &(bool){false}, true, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		return false;
	}
	if (__atomic_load_n(&c->fn, __ATOMIC_ACQUIRE) != NULL ||
	    __atomic_load_n(&c->busy, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&c->claimed, false, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

void smp_start_reserved(unsigned cpu, smp_work_fn fn, void *arg)
{
	struct fake_cpu *c = &cpus[cpu];

	if (cpu == 0 || cpu >= cpu_count || !c->claimed || c->fn != NULL) {
		fprintf(stderr, "fake_cpus: CPU %u started without a reservation\n", cpu);
		abort();
	}
	if (c->has_thread) {
		pthread_join(c->thread, NULL); /* its work has ended (fn was NULL) */
		c->has_thread = false;
	}
	c->arg = arg;
	__atomic_store_n(&c->fn, fn, __ATOMIC_RELEASE);
	__atomic_add_fetch(&c->started, 1, __ATOMIC_ACQ_REL);
	if (pthread_create(&c->thread, NULL, run_work, c) != 0) {
		abort();
	}
	c->has_thread = true;
	__atomic_store_n(&c->claimed, false, __ATOMIC_RELEASE);
}

void smp_unreserve(unsigned cpu)
{
	__atomic_store_n(&cpus[cpu].claimed, false, __ATOMIC_RELEASE);
}

void vcpu_loop(struct vcpu *v)
{
	struct fake_vcpu *fv = v->plat;

	__atomic_add_fetch(&fv->runs, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&v->stop_request, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&fv->hold, __ATOMIC_ACQUIRE)) {
		sched_yield();
	}
	__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_RELEASE);
}

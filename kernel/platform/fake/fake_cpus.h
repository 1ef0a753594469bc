/*
 * The host's stand-ins for the physical CPUs a vCPU runs on (fake_cpus.c), for unit tests
 * of kernel/vcpu/lifecycle.c: smp_*() work slots whose work runs on a pthread per start,
 * tsc_now_us() on a clock tests can move forward, and vcpu_loop() as a fake vCPU that
 * runs until asked to stop (or, with fake_vcpu.hold, ignores the request).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * fake_cpus_setup - @count CPUs online, CPU i with APIC ID i (CPU 0 is the caller's and
 * takes no work, as the BSP). Work from an earlier setup must have ended: it is joined,
 * and a test that left a vCPU running aborts here.
 */
void fake_cpus_setup(unsigned count);
/** fake_cpus_set_busy - @cpu still finishes earlier work: starting work there fails. */
void fake_cpus_set_busy(unsigned cpu, bool busy);
/** fake_cpus_started - how many times work was started on @cpu since the setup. */
unsigned fake_cpus_started(unsigned cpu);
/** fake_cpus_wait_done - wait up to @us until the work on @cpu has ended; true if so. */
bool fake_cpus_wait_done(unsigned cpu, uint64_t us);
/** fake_clock_advance_us - move tsc_now_us() forward by @us. */
void fake_clock_advance_us(uint64_t us);
/** fake_clock_sleep_us - sleep @us of real time (helpers of threaded tests). */
void fake_clock_sleep_us(uint64_t us);

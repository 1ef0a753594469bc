/*
 * Symmetric multiprocessing: brings every CPU of the MADT online with INIT-SIPI-SIPI,
 * gives each a per-CPU area and guarded stacks, and lets the BSP run work on an AP.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef void (*smp_work_fn)(void *arg);

/** smp_init - start all APs; returns the number of CPUs online (BSP included). */
unsigned smp_init(void);
unsigned smp_cpu_count(void);
unsigned smp_cpu_index(void);
/** smp_run_on - run @fn(@arg) on CPU @cpu and wait for it; false if the CPU is offline. */
bool smp_run_on(unsigned cpu, smp_work_fn fn, void *arg);
/** smp_start_on - start @fn(@arg) on CPU @cpu without waiting; false if busy/offline. */
bool smp_start_on(unsigned cpu, smp_work_fn fn, void *arg);
/** smp_wait_idle - wait until every AP is idle; returns false after @timeout_ms. */
bool smp_wait_idle(uint64_t timeout_ms);
/** smp_stop_others - NMI every other online CPU into a halt loop (panic). */
void smp_stop_others(void);
/** smp_bsp_setup - per-CPU area, descriptor tables and stacks for the BSP. */
void smp_bsp_setup_early(void);
void smp_bsp_setup_stacks(void);

/*
 * Symmetric multiprocessing: brings every CPU of the MADT online (plat_ap_start(): native
 * INIT-SIPI-SIPI, SNP AP_CREATION),
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
/** smp_cpu_by_apic - index of the online CPU with @apic_id, or -1. */
int smp_cpu_by_apic(uint32_t apic_id);
/** smp_run_on - run @fn(@arg) on CPU @cpu and wait for it; false if the CPU is offline. */
bool smp_run_on(unsigned cpu, smp_work_fn fn, void *arg);
/** smp_start_on - start @fn(@arg) on CPU @cpu without waiting; false if busy/offline. */
bool smp_start_on(unsigned cpu, smp_work_fn fn, void *arg);
/**
 * smp_reserve - take CPU @cpu's work slot for a later smp_start_reserved(), which then
 * cannot fail; false if the CPU is offline, the BSP, busy or reserved by someone else.
 * Give an unused reservation back with smp_unreserve().
 */
bool smp_reserve(unsigned cpu);
/** smp_start_reserved - start @fn(@arg) on @cpu, reserved with smp_reserve(). */
void smp_start_reserved(unsigned cpu, smp_work_fn fn, void *arg);
/** smp_unreserve - give back a reservation of @cpu that will not be used. */
void smp_unreserve(unsigned cpu);
/** smp_kick - send the wake IPI to @cpu (a guest running there exits), unless it is this CPU. */
void smp_kick(unsigned cpu);
/** smp_wait_idle - wait until every AP is idle; returns false after @timeout_ms. */
bool smp_wait_idle(uint64_t timeout_ms);
/** smp_stop_others - NMI every other online CPU into a halt loop (panic). */
void smp_stop_others(void);
/** smp_bsp_setup - per-CPU area, descriptor tables and stacks for the BSP. */
void smp_bsp_setup_early(void);
void smp_bsp_setup_stacks(void);

struct percpu;

/**
 * smp_start_ap_sipi - start the AP with @apic through the real-mode trampoline and
 * INIT-SIPI-SIPI (native's plat_ap_start()); true once it is online.
 */
bool smp_start_ap_sipi(struct percpu *pc, uint32_t apic);
/** smp_wait_online - wait up to @us for @pc's CPU to mark itself online. */
bool smp_wait_online(struct percpu *pc, uint64_t us);
/** ap_main - C entry of an AP: per-CPU set-up, then the idle loop. Never returns. */
void ap_main(struct percpu *pc) __attribute__((noreturn));

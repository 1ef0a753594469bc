/*
 * The guest's local APIC (xAPIC page at guest_lapic_gpa()), emulated on the physical
 * LAPIC of the CPU its vCPU is pinned to (docs/paravisor.md "Interrupts and SMP").
 */
#pragma once

#include "svsm/err.h"

/**
 * lapic_register - own the LAPIC page for an OS guest and route the physical interrupts
 * of the guest's CPUs to it (plat_guest_irqs_own()). Set-up time only.
 */
enum svsm_err lapic_register(void) SVSM_MUST_CHECK;

/** intc_register_os - lapic_register(), ioapic_register() and pic_register() together. */
enum svsm_err intc_register_os(void) SVSM_MUST_CHECK;

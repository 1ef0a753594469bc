/*
 * Local APIC: x2APIC (MSRs) when the CPU offers it, xAPIC (MMIO) otherwise. IPIs for
 * SMP start-up (INIT, SIPI), wake-ups and NMI stop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** apic_init - enable this CPU's local APIC (BSP first, then each AP). */
void apic_init(void);
bool apic_is_x2apic(void);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t vector_page);
void apic_send_fixed(uint32_t apic_id, uint8_t vector);
void apic_send_nmi_all_but_self(void);

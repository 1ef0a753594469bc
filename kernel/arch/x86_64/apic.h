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
/** apic_send_nmi - an NMI to APIC ID @id (kicks a CPU out of a guest whatever its IF). */
void apic_send_nmi(uint32_t id);
/** apic_send_raw - the ICR with low dword @low to APIC ID @dest (the guest's filtered ICR). */
void apic_send_raw(uint32_t dest, uint32_t low);
/** apic_reg_read / apic_reg_write - this CPU's APIC register at xAPIC offset @off. */
uint32_t apic_reg_read(uint32_t off);
void apic_reg_write(uint32_t off, uint32_t v);

/*
 * Time from the TSC: frequency from CPUID 0x15/0x16 when the CPU reports it, otherwise
 * calibrated against the ACPI PM timer (3.579545 MHz) at boot.
 */
#pragma once

#include <stdint.h>

void tsc_init(void);
uint64_t tsc_hz(void);
/** tsc_source - how the frequency was found ("cpuid 0x15", "pm-timer", ...). */
const char *tsc_source(void);
uint64_t tsc_now_us(void);
uint64_t tsc_ticks_to_us(uint64_t ticks);
void tsc_delay_us(uint64_t us);

/* Wall-clock and monotonic time of the kernel C library (kernel/libc/time.c). */
#pragma once

#include <stdint.h>

/** libc_time_init - read the CMOS RTC once (BSP, after tsc_init): the wall-clock base. */
void libc_time_init(void);
/** libc_time_epoch - the wall-clock second at TSC 0 (untrusted: it comes from the host). */
int64_t libc_time_epoch(void);
/** libc_days_to_civil - proleptic Gregorian date of @days since 1970-01-01 (portable). */
void libc_days_to_civil(int64_t days, int *year, int *month, int *day);

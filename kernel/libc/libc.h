/*
 * The kernel C library and glibc-ABI shim as the rest of the kernel sees it (see
 * docs/kernel-libc.md). Set-up order: xsave_cpu_init() and libc_cpu_init() on every CPU,
 * then libc_init() once on the BSP, before any archive code runs.
 */
#pragma once

#include <stdint.h>

/** libc_init - BSP, once: wall clock from the RTC, then the archives' constructors. */
void libc_init(void);
/** libc_constructors_run - number of .init/.init_array entries libc_init() ran. */
unsigned libc_constructors_run(void);
/** libc_unsupported_calls - calls that reached a failing stub (kernel/libc/unsupported.c). */
uint64_t libc_unsupported_calls(void);

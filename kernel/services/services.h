/*
 * Start-up of the SVSM's services and the context the Debian archives (libtpms, libcrypto)
 * run in. services_init() makes every CPU ready for library code (FPU/SSE/AVX via XSAVE,
 * FS base with the stack-protector canary), runs the archives' constructors, powers on and
 * (first boot) manufactures the vTPM and creates its EK: ECC P-256, or RSA-2048 with
 * `vtpm_ek=rsa` on the kernel command line.
 *
 * Library code only runs inside services_run(): on a dedicated 64 KiB guarded stack, with
 * interrupts disabled (the archives use the red zone, so no interrupt may land on their
 * stack; NMI/#DF/#MC use IST stacks), one CPU at a time.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

/** services_init - see above; call once after smp_init(). Later calls return SVSM_OK. */
enum svsm_err services_init(void) SVSM_MUST_CHECK;
/** services_ready - true once services_init() succeeded. */
bool services_ready(void);

/**
 * services_run - run @fn(@arg) in the library context (stack, IRQs off, lock). Nested
 * calls from inside @fn run directly. Usable after services_init() (or from it).
 */
void services_run(void (*fn)(void *arg), void *arg);

/**
 * services_try_run - services_run() if the library context is free right now, else
 * false without waiting, and also when this CPU is inside library code already (the
 * panic path: the library's state may be half-updated). Never nests.
 */
bool services_try_run(void (*fn)(void *arg), void *arg);

/** services_ek_create_us - time the boot-time EK creation took, in microseconds. */
uint64_t services_ek_create_us(void);
/** services_lib_stack_in_use - deepest use of the library stack so far, in bytes. */
uint64_t services_lib_stack_in_use(void);

/*
 * FPU/SSE/AVX state for the SVSM. xsave_cpu_init() enables x87, SSE and (with XSAVE) AVX
 * on the calling CPU: CR0.MP=1, EM=0, TS=0, NE=1; CR4.OSFXSR|OSXMMEXCPT, and CR4.OSXSAVE
 * with XCR0 = x87|SSE|AVX as far as CPUID 0xD allows. It must run on every CPU before
 * OpenSSL's CPU detection (libc_init), which masks AVX unless XCR0 enables it.
 *
 * The kernel's own code is built -mgeneral-regs-only and never touches vector state; the
 * Debian archives do. xsave_save()/xsave_restore() keep two owners of the vector state
 * apart (the SVM world switch: guest vs SVSM). Areas come from xsave_area_alloc(): 64-byte
 * aligned, xsave_area_size() bytes, initialised to the architectural init state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XFEATURE_X87 (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_AVX (1ull << 2)
#define XCR_XFEATURE_ENABLED_MASK 0

/** xsave_cpu_init - enable FPU/SSE/AVX on this CPU; the first call probes CPUID. */
void xsave_cpu_init(void);
/** xsave_enabled - true when XSAVE is used (else the FXSAVE 512-byte format is). */
bool xsave_enabled(void);
/** xsave_features - the XCR0 value every CPU runs the SVSM with (0 without XSAVE). */
uint64_t xsave_features(void);
/** xsave_area_size - bytes of a save area for xsave_features() (512 with FXSAVE). */
size_t xsave_area_size(void);
/**
 * xsave_area_alloc - a 64-byte aligned save area in the init state; NULL if out of memory.
 * It is CPUID.(0xD,0).ECX bytes: large enough for every component the CPU supports, so
 * it also holds a guest's state under an XCR0 the guest chose (XSAVE masks by XCR0).
 */
void *xsave_area_alloc(void);
void xsave_area_free(void *area);
/** xsave_save - save this CPU's vector state (xsave_features() components) to @area. */
void xsave_save(void *area);
/** xsave_restore - load the vector state from @area (written by xsave_save or alloc). */
void xsave_restore(const void *area);
/** xsave_get_xcr0/xsave_set_xcr0 - read/write XCR0 (a guest may run with its own). */
uint64_t xsave_get_xcr0(void);
void xsave_set_xcr0(uint64_t xcr0);

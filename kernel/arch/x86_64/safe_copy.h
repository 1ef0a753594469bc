/*
 * Fault-tolerant copies for memory the SVSM does not control (guest RAM). Each routine is one
 * instruction guarded by an exception fixup (extable.h): a #PF or #GP there, or on SNP the #VC
 * "page not validated" (error code 0x404) that a guest causes by rescinding the validation
 * of a page or by having it made shared, ends the access and returns false instead of
 * stopping the SVSM. After a failed copy the destination holds an unspecified prefix of the
 * data. The kernel build is safe_copy.c (no state); the host build (unit tests, fuzz targets)
 * is safe_copy_host.c, which copies with libc after asking a test-supplied fault model.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAFE_COPY_MUST_CHECK __attribute__((warn_unused_result))

/** arch_safe_copy - copy @n bytes from @src to @dst; false if an access faulted. */
bool arch_safe_copy(void *dst, const void *src, size_t n) SAFE_COPY_MUST_CHECK;

/** arch_safe_zero - zero @n bytes at @dst; false if an access faulted. */
bool arch_safe_zero(void *dst, size_t n) SAFE_COPY_MUST_CHECK;

/**
 * arch_safe_xchg_u8 - atomically exchange the byte at @p with @val (one locked access) and
 * store the old value in @old; false (and @old untouched) if the access faulted.
 */
bool arch_safe_xchg_u8(uint8_t *p, uint8_t val, uint8_t *old) SAFE_COPY_MUST_CHECK;

#if defined(SVSM_HOST)
/**
 * safe_copy_host_fault_fn - host builds only: the test's model of the hardware. Returns true
 * when an SVSM access to [@addr, @addr + @len) would fault (the fake SNP CPU: a page that is
 * not validated or is shared). A test seam, never part of the kernel.
 */
typedef bool (*safe_copy_host_fault_fn)(uint64_t addr, uint64_t len);

/** safe_copy_host_set_fault - install @fn (NULL: nothing faults, the default). */
void safe_copy_host_set_fault(safe_copy_host_fault_fn fn);
#endif

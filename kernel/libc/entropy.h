/*
 * Entropy for the kernel and the Debian archives: RDSEED, then RDRAND, each with its
 * carry-flag failure indication checked and retried. There is no silent fallback: if the
 * CPU offers neither instruction, or both keep failing, the SVSM panics, because libtpms
 * would otherwise derive its seeds from rand() without telling anyone.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** entropy_u64 - 64 random bits from RDSEED (preferred) or RDRAND; panics if neither works. */
uint64_t entropy_u64(void);
/** entropy_fill - fill @buf with @len random bytes (entropy_u64 underneath). */
void entropy_fill(void *buf, size_t len);
/** entropy_source - "rdseed", "rdrand" or "none": what the CPU offers. */
const char *entropy_source(void);
/** entropy_counts - successful RDSEED and RDRAND draws since boot. */
void entropy_counts(uint64_t *rdseed, uint64_t *rdrand);

/*
 * CHECK() and panic() for code built both in the kernel and in host unit tests: the
 * kernel panics; host builds print and abort, so a test sees the broken invariant. In
 * fuzz targets panic() (a deliberate stop on bad input) goes to fuzz_panic(), which the
 * target may catch; CHECK() (corrupt SVSM state) still aborts.
 */
#pragma once

#if defined(SVSM_HOST)
#include <stdio.h>
#include <stdlib.h>

#if defined(SVSM_FUZZ)
__attribute__((noreturn)) void fuzz_panic(const char *fmt, ...);
#define panic(...) fuzz_panic(__VA_ARGS__)
#else
#define panic(...) (fprintf(stderr, "panic: " __VA_ARGS__), fputc('\n', stderr), abort())
#endif
#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "CHECK failed: %s at %s:%d\n", #cond, __FILE__, \
				__LINE__);                                            \
			abort();                                                      \
		}                                                                     \
	} while (0)
#else
#include "kernel/lib/panic.h"
#endif

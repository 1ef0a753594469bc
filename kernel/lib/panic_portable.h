/*
 * CHECK() and panic() for code built both in the kernel and in host unit tests: the
 * kernel panics; host builds print and abort, so a test sees the broken invariant.
 */
#pragma once

#if defined(SVSM_HOST)
#include <stdio.h>
#include <stdlib.h>

#define panic(...) (fprintf(stderr, "panic: " __VA_ARGS__), fputc('\n', stderr), abort())
#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			panic("CHECK failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
		}                                                                     \
	} while (0)
#else
#include "kernel/lib/panic.h"
#endif

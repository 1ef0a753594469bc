/*
 * qsort and bsearch of the kernel C library (kernel/libc/sort.c). Host unit tests build
 * them under the klibc_ prefix.
 */
#pragma once

#include <stddef.h>

#include "kernel/libc/string.h" /* KLIBC() */

typedef int (*klibc_cmp_fn)(const void *a, const void *b);

void KLIBC(qsort)(void *base, size_t count, size_t size, klibc_cmp_fn cmp);
void *KLIBC(bsearch)(const void *key, const void *base, size_t count, size_t size,
		     klibc_cmp_fn cmp);

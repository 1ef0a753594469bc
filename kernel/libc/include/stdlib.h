/* <stdlib.h> for kernel code: the kernel C library's allocation, sorting and number parsing. */
#pragma once

#include <stddef.h>

#define RAND_MAX 0x7fffffff

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
int posix_memalign(void **out, size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);
__attribute__((noreturn)) void abort(void);
int rand(void);
void srand(unsigned seed);

#include "kernel/libc/sort.h"
#include "kernel/libc/strto.h"

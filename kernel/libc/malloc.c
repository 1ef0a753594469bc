/*
 * Owns the shim's malloc family: malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign, malloc_usable_size, strdup and strndup, all on the kernel heap
 * (kernel/mm/heap.c, which has its own lock and panics on a pointer it did not hand out).
 * Every block is at least 16-byte aligned, as SSE code in the archives needs: heap size
 * classes are powers of two from 16 bytes and naturally aligned, and larger blocks are
 * naturally aligned buddy blocks, so an alignment request is met by asking for at least
 * that many bytes. Failure is NULL with errno ENOMEM, as in glibc. Counters are atomic.
 */
#include "kernel/libc/malloc.h"

#include <stdbool.h>

#include "kernel/libc/errno.h"
#include "kernel/libc/string.h"
#include "kernel/mm/heap.h"

static uint64_t stat_allocs, stat_frees, stat_failures;

static void *malloc_counted(size_t size)
{
	void *p = heap_alloc(size);

	if (p == NULL) {
		__atomic_fetch_add(&stat_failures, 1, __ATOMIC_RELAXED);
		klibc_errno = ENOMEM;
		return NULL;
	}
	__atomic_fetch_add(&stat_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void *malloc(size_t size);
void *malloc(size_t size)
{
	return malloc_counted(size);
}

void free(void *ptr);
void free(void *ptr)
{
	if (ptr != NULL) {
		__atomic_fetch_add(&stat_frees, 1, __ATOMIC_RELAXED);
		heap_free(ptr);
	}
}

void *calloc(size_t count, size_t size);
void *calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		klibc_errno = ENOMEM;
		return NULL;
	}
	p = malloc_counted(count * size);
	if (p != NULL) {
		memset(p, 0, count * size);
	}
	return p;
}

void *realloc(void *ptr, size_t size);
void *realloc(void *ptr, size_t size)
{
	void *n;

	if (ptr == NULL) {
		return malloc_counted(size);
	}
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	n = heap_realloc(ptr, size); /* a failed grow leaves ptr valid, as in glibc */
	if (n == NULL) {
		__atomic_fetch_add(&stat_failures, 1, __ATOMIC_RELAXED);
		klibc_errno = ENOMEM;
	}
	return n;
}

static bool is_pow2(size_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

int posix_memalign(void **out, size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (!is_pow2(align) || align % sizeof(void *) != 0) {
		return EINVAL;
	}
	p = malloc_counted(size > align ? size : align);
	if (p == NULL) {
		return ENOMEM;
	}
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size)
{
	if (!is_pow2(align)) {
		klibc_errno = EINVAL;
		return NULL;
	}
	return malloc_counted(size > align ? size : align);
}

void *memalign(size_t align, size_t size);
void *memalign(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}

size_t malloc_usable_size(void *ptr);
size_t malloc_usable_size(void *ptr)
{
	return heap_usable_size(ptr);
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = malloc_counted(len + 1);

	if (d != NULL) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

char *strdup(const char *s)
{
	return strndup(s, SIZE_MAX);
}

void malloc_get_stats(struct malloc_stats *out)
{
	out->allocs = __atomic_load_n(&stat_allocs, __ATOMIC_RELAXED);
	out->frees = __atomic_load_n(&stat_frees, __ATOMIC_RELAXED);
	out->failures = __atomic_load_n(&stat_failures, __ATOMIC_RELAXED);
	out->in_use = heap_in_use();
}

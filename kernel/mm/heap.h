/*
 * Kernel heap: power-of-two size classes from 16 to 2048 bytes carved from pages
 * (one class per page), larger requests served directly by whole page blocks.
 * For set-up-time and library use (libtpms, OpenSSL); request paths use pools.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * heap_init - start with an empty heap (after page_alloc is set up).
 * @key: random key for the free markers that catch double frees (see heap.c).
 */
void heap_init(uint64_t key);
void *heap_alloc(size_t size) __attribute__((malloc, warn_unused_result));
void *heap_calloc(size_t count, size_t size) __attribute__((malloc, warn_unused_result));
/** heap_realloc - like realloc(); a failed grow leaves @ptr valid. */
void *heap_realloc(void *ptr, size_t size) __attribute__((warn_unused_result));
void heap_free(void *ptr);
/** heap_usable_size - bytes usable in the block at @ptr. */
size_t heap_usable_size(const void *ptr);
/**
 * heap_lock_free - neither the heap's nor the page allocator's lock is held (the panic
 * path, with every other CPU stopped: an allocation will not wait).
 */
_Bool heap_lock_free(void);

/** heap_in_use - bytes currently handed out (size-class rounded). */
size_t heap_in_use(void);

/*
 * Kernel stacks: each in the stack area with an unmapped guard page below it, so an
 * overflow faults instead of corrupting a neighbour.
 */
#pragma once

#include <stdint.h>

/** stack_alloc - allocate a stack of @pages pages; returns its top (16-byte aligned). */
uint64_t stack_alloc(unsigned pages);

/** stack_guard_of - the guard page address below the stack whose top is @top. */
uint64_t stack_guard_of(uint64_t top, unsigned pages);

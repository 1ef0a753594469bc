/*
 * The guest-memory gateway: the ONLY code that reads or writes guest memory. Every guest
 * range is checked against the guest's RAM map and the SVSM's own region before it is
 * touched; requests are copied in once and results copied out once. Pages the SVSM has
 * taken from the guest (VMSA pages of running vCPUs) are readable but never written.
 * On native and SNP alike the SVSM reaches guest RAM through its direct map (GPA = PA).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define GUEST_MEM_MAX_RANGES 32
#define GUEST_MEM_MAX_PROTECTED 64

struct guest_mem_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

/**
 * guest_mem_init - set the guest RAM map (sorted or not, non-overlapping) and the SVSM
 * region. RAM ranges must not overlap the SVSM region; that is checked.
 */
enum svsm_err guest_mem_init(const struct guest_mem_range *ram, unsigned count,
			     uint64_t svsm_start, uint64_t svsm_end) SVSM_MUST_CHECK;

/** guest_mem_valid - [gpa, gpa + len) is guest RAM (len > 0, no overflow). */
bool guest_mem_valid(uint64_t gpa, uint64_t len);
/** guest_mem_touches_svsm - the range overlaps the SVSM region. */
bool guest_mem_touches_svsm(uint64_t gpa, uint64_t len);

enum svsm_err guest_mem_read(uint64_t gpa, void *dst, size_t len) SVSM_MUST_CHECK;
enum svsm_err guest_mem_write(uint64_t gpa, const void *src, size_t len) SVSM_MUST_CHECK;
/** guest_mem_zero - zero guest memory (validation). */
enum svsm_err guest_mem_zero(uint64_t gpa, size_t len) SVSM_MUST_CHECK;

/**
 * guest_mem_take_call_pending - atomically read and clear the call_pending byte of the
 * calling area at @ca_gpa (one access, so a racing guest sees a consistent answer).
 */
enum svsm_err guest_mem_take_call_pending(uint64_t ca_gpa, bool *pending) SVSM_MUST_CHECK;

/**
 * struct guest_mem_window - a guest range checked once (guest RAM, not SVSM memory) for a
 * handler that reads and writes it several times during one call. Writes still refuse
 * pages the SVSM has taken meanwhile.
 */
struct guest_mem_window {
	uint64_t gpa;
	uint64_t len;
};

enum svsm_err guest_mem_window_open(struct guest_mem_window *w, uint64_t gpa,
				    uint64_t len) SVSM_MUST_CHECK;
/** guest_mem_window_read - copy @n bytes at offset @off of the window into @dst. */
enum svsm_err guest_mem_window_read(const struct guest_mem_window *w, uint64_t off, void *dst,
				    size_t n) SVSM_MUST_CHECK;
/** guest_mem_window_write - copy @n bytes from @src to offset @off of the window. */
enum svsm_err guest_mem_window_write(const struct guest_mem_window *w, uint64_t off,
				     const void *src, size_t n) SVSM_MUST_CHECK;

/** guest_mem_protect_page - stop SVSM writes to a page the SVSM took (VMSA). */
enum svsm_err guest_mem_protect_page(uint64_t gpa) SVSM_MUST_CHECK;
void guest_mem_unprotect_page(uint64_t gpa);
bool guest_mem_is_protected(uint64_t gpa, uint64_t len);

/** guest_mem_ranges - the RAM map, for the guest's boot information. */
unsigned guest_mem_ranges(const struct guest_mem_range **ranges);

/*
 * The guest-memory gateway: the ONLY code that reads or writes guest memory. Every guest
 * range is checked against the guest's RAM map and the SVSM's own region before it is
 * touched; requests are copied in once and results copied out once. Pages the SVSM has
 * taken from the guest (VMSA pages of running vCPUs) are readable but never written.
 * The SVSM reaches guest RAM through its direct map: each guest page at the host page of
 * the same address, but for the backed ranges of native's paravisor layout
 * (guest_mem_set_backing(), docs/paravisor.md "Memory"), whose copies are split at the edges.
 * The guest controls whether its pages can be accessed at all (SNP: it can rescind their
 * validation or have them made shared), so every access is a fault-tolerant copy: a fault
 * returns SVSM_E_INVALID_ADDRESS (kernel/arch/x86_64/safe_copy.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

#define GUEST_MEM_MAX_RANGES 32
#define GUEST_MEM_MAX_PROTECTED 64
#define GUEST_MEM_MAX_CLAIMS 64 /* PVALIDATEs under way at once: at most one per CPU */

struct guest_mem_range {
	gpa_t start;
	gpa_t end; /* exclusive */
};

/**
 * guest_mem_init - set the guest RAM map (sorted or not, non-overlapping) and the SVSM
 * region. RAM ranges must not overlap the SVSM region; that is checked.
 */
enum svsm_err guest_mem_init(const struct guest_mem_range *ram, unsigned count,
			     gpa_t svsm_start, gpa_t svsm_end) SVSM_MUST_CHECK;

#define GUEST_MEM_MAX_BACKINGS 4

/**
 * guest_mem_set_backing - guest-physical [@gpa, @gpa + @size) is backed by host-physical
 * [@pa, @pa + @size) instead of the same address (native paravisor layout: the guest's
 * RAM where the SVSM sits, firmware flash). Page-aligned, inside the RAM map, not
 * overlapping another backing; set at launch, before any vCPU runs. Every other guest page
 * is backed by the host page at its own address (pa_from_gpa()).
 */
enum svsm_err guest_mem_set_backing(gpa_t gpa, uint64_t size, paddr_t pa) SVSM_MUST_CHECK;
/** guest_mem_backing - the @i-th backing; false past the last one. */
bool guest_mem_backing(unsigned i, gpa_t *gpa, uint64_t *size, paddr_t *pa);
/** guest_mem_host_pa - the host-physical page behind guest-physical @gpa. */
paddr_t guest_mem_host_pa(gpa_t gpa);

/**
 * guest_mem_set_readonly - guest memory [@gpa, @gpa + @size) (firmware code flash) is
 * never written by the SVSM: writes, zeroing, PVALIDATE claims and call-pending exchanges
 * touching it fail with SVSM_E_INVALID_ADDRESS; reads work. One range, set at launch.
 */
void guest_mem_set_readonly(gpa_t gpa, uint64_t size);

/** guest_mem_valid - [gpa, gpa + len) is guest RAM (len > 0, no overflow). */
bool guest_mem_valid(gpa_t gpa, uint64_t len);
/**
 * guest_mem_writable - guest_mem_valid() and no byte in the read-only range: the SVSM may
 * write there (a protected page may still refuse the write itself).
 */
bool guest_mem_writable(gpa_t gpa, uint64_t len);
/** guest_mem_svsm_range - the guest-physical range reserved for the SVSM (never RAM). */
void guest_mem_svsm_range(gpa_t *start, gpa_t *end);
/** guest_mem_touches_svsm - the range overlaps the SVSM region. */
bool guest_mem_touches_svsm(gpa_t gpa, uint64_t len);

enum svsm_err guest_mem_read(gpa_t gpa, void *dst, size_t len) SVSM_MUST_CHECK;
enum svsm_err guest_mem_write(gpa_t gpa, const void *src, size_t len) SVSM_MUST_CHECK;
/** guest_mem_zero - zero guest memory (validation). */
enum svsm_err guest_mem_zero(gpa_t gpa, size_t len) SVSM_MUST_CHECK;

/**
 * guest_mem_take_call_pending - atomically read and clear the call_pending byte of the
 * calling area at @ca_gpa (one access, so a racing guest sees a consistent answer).
 */
enum svsm_err guest_mem_take_call_pending(gpa_t ca_gpa, bool *pending) SVSM_MUST_CHECK;

/**
 * struct guest_mem_window - a guest range checked once (guest RAM, not SVSM memory) for a
 * handler that reads and writes it several times during one call. Writes still refuse
 * pages the SVSM has taken meanwhile.
 */
struct guest_mem_window {
	gpa_t gpa;
	uint64_t len;
};

enum svsm_err guest_mem_window_open(struct guest_mem_window *w, gpa_t gpa,
				    uint64_t len) SVSM_MUST_CHECK;
/** guest_mem_window_read - copy @n bytes at offset @off of the window into @dst. */
enum svsm_err guest_mem_window_read(const struct guest_mem_window *w, uint64_t off, void *dst,
				    size_t n) SVSM_MUST_CHECK;
/** guest_mem_window_write - copy @n bytes from @src to offset @off of the window. */
enum svsm_err guest_mem_window_write(const struct guest_mem_window *w, uint64_t off,
				     const void *src, size_t n) SVSM_MUST_CHECK;

/**
 * struct guest_mem_claim - a guest range a PVALIDATE works on: no page of it is protected,
 * and none can become protected (guest_mem_protect_page() returns SVSM_E_BUSY) until the
 * claim is released. The check and the PVALIDATE are thereby one step with respect to
 * CREATE_VCPU, without holding a spinlock across the instruction and the zeroing.
 */
struct guest_mem_claim {
	gpa_t gpa;
	uint64_t len;
	unsigned slot; /* GUEST_MEM_MAX_CLAIMS: not claimed */
};

/**
 * guest_mem_claim_unprotected - claim [@gpa, @gpa + @len): SVSM_E_INVALID_ADDRESS if it is
 * not guest RAM or overlaps a protected page, SVSM_E_BUSY if every claim slot is taken.
 * Overlapping claims are allowed (two vCPUs may PVALIDATE the same page).
 */
enum svsm_err guest_mem_claim_unprotected(struct guest_mem_claim *c, gpa_t gpa,
					  uint64_t len) SVSM_MUST_CHECK;
/** guest_mem_claim_release - end the claim (no-op on one that was never taken). */
void guest_mem_claim_release(struct guest_mem_claim *c);
/** guest_mem_claim_zero - zero the claimed range (a page just validated for the guest). */
enum svsm_err guest_mem_claim_zero(const struct guest_mem_claim *c) SVSM_MUST_CHECK;

/**
 * guest_mem_protect_page - stop SVSM writes to a page the SVSM took (VMSA); returns once no
 * write that checked the page earlier is still copying. SVSM_E_EXISTS if it is already
 * protected, SVSM_E_BUSY while a PVALIDATE claims it or a write does not finish.
 */
enum svsm_err guest_mem_protect_page(gpa_t gpa) SVSM_MUST_CHECK;
void guest_mem_unprotect_page(gpa_t gpa);
bool guest_mem_is_protected(gpa_t gpa, uint64_t len);

/** guest_mem_ranges - the RAM map, for the guest's boot information. */
unsigned guest_mem_ranges(const struct guest_mem_range **ranges);

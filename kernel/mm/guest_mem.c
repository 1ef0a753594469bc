/*
 * Guest-memory gateway (see guest_mem.h). The RAM map is fixed at guest launch; the
 * protected-page set (CREATE_VCPU/DELETE_VCPU) and the claims of pages being validated
 * (PVALIDATE) are guarded by gm_lock, which is held only to check and record them; SVSM
 * writes take no lock but count themselves (gm_writers, see write_guarded()). Every
 * access to guest RAM goes through the fault-tolerant copies of safe_copy.h.
 */
#include "kernel/mm/guest_mem.h"

#include <string.h>

#include "kernel/arch/x86_64/safe_copy.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/addr.h"

static struct guest_mem_range gm_ram[GUEST_MEM_MAX_RANGES];
static unsigned gm_count;
static gpa_t gm_svsm_start, gm_svsm_end;
static gpa_t gm_protected[GUEST_MEM_MAX_PROTECTED]; /* page-aligned */
static unsigned gm_protected_count;
static struct guest_mem_range gm_claims[GUEST_MEM_MAX_CLAIMS]; /* end 0: free slot */
static struct spinlock gm_lock = SPINLOCK_INIT;
static struct {
	gpa_t gpa;
	uint64_t size;
	paddr_t pa;
} gm_backing[GUEST_MEM_MAX_BACKINGS];
static unsigned gm_backing_count;
static uint32_t gm_writers; /* SVSM writes to guest RAM under way (write_guarded()) */
static struct guest_mem_range gm_readonly; /* end 0: none */

/* Longer than any copy takes: a protect that waits this long gives up with SVSM_E_BUSY. */
#define GM_DRAIN_SPINS 10000000u

/* [a0, a1) and [b0, b1) share a byte. */
static bool overlaps(gpa_t a0, gpa_t a1, gpa_t b0, gpa_t b1)
{
	return gpa_lt(a0, b1) && gpa_lt(b0, a1);
}

enum svsm_err guest_mem_init(const struct guest_mem_range *ram, unsigned count,
			     gpa_t svsm_start, gpa_t svsm_end)
{
	if (count > GUEST_MEM_MAX_RANGES || gpa_lt(svsm_end, svsm_start)) {
		return SVSM_E_INVALID_PARAM;
	}
	for (unsigned i = 0; i < count; i++) {
		if (!gpa_lt(ram[i].start, ram[i].end) ||
		    overlaps(ram[i].start, ram[i].end, svsm_start, svsm_end)) {
			return SVSM_E_INVALID_PARAM;
		}
		for (unsigned j = 0; j < i; j++) {
			if (overlaps(ram[i].start, ram[i].end, ram[j].start, ram[j].end)) {
				return SVSM_E_INVALID_PARAM;
			}
		}
	}
	memcpy(gm_ram, ram, count * sizeof(*ram));
	gm_count = count;
	gm_backing_count = 0;
	gm_svsm_start = svsm_start;
	gm_svsm_end = svsm_end;
	gm_protected_count = 0;
	gm_readonly = (struct guest_mem_range){GPA_C(0), GPA_C(0)};
	memset(gm_claims, 0, sizeof(gm_claims));
	return SVSM_OK;
}

void guest_mem_svsm_range(gpa_t *start, gpa_t *end)
{
	*start = gm_svsm_start;
	*end = gm_svsm_end;
}

bool guest_mem_touches_svsm(gpa_t gpa, uint64_t len)
{
	gpa_t end = gpa_add(gpa, len);

	if (gpa_lt(end, gpa)) {
		return true;
	}
	return overlaps(gpa, end, gm_svsm_start, gm_svsm_end);
}

bool guest_mem_valid(gpa_t gpa, uint64_t len)
{
	gpa_t end = gpa_add(gpa, len);

	if (len == 0 || gpa_lt(end, gpa) || guest_mem_touches_svsm(gpa, len)) {
		return false;
	}
	for (unsigned i = 0; i < gm_count; i++) {
		if (!gpa_lt(gpa, gm_ram[i].start) && !gpa_lt(gm_ram[i].end, end)) {
			return true;
		}
	}
	return false;
}

void guest_mem_set_readonly(gpa_t gpa, uint64_t size)
{
	gm_readonly = (struct guest_mem_range){gpa, gpa_add(gpa, size)};
}

/* [gpa, gpa + len) may be written (it misses the read-only range). */
static bool writable(gpa_t gpa, uint64_t len)
{
	return gpa_eq(gm_readonly.end, GPA_C(0)) ||
	       !overlaps(gpa, gpa_add(gpa, len), gm_readonly.start, gm_readonly.end);
}

bool guest_mem_writable(gpa_t gpa, uint64_t len)
{
	return guest_mem_valid(gpa, len) && writable(gpa, len);
}

/* Caller holds gm_lock. */
static bool protected_locked(gpa_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < gm_protected_count; i++) {
		if (overlaps(gpa, gpa_add(gpa, len), gm_protected[i],
			     gpa_add(gm_protected[i], MM_PAGE_SIZE))) {
			return true;
		}
	}
	return false;
}

bool guest_mem_is_protected(gpa_t gpa, uint64_t len)
{
	uint64_t flags;
	bool hit = false;

	/* Sequentially consistent: the write side of the handshake in write_guarded(). */
	if (__atomic_load_n(&gm_protected_count, __ATOMIC_SEQ_CST) == 0) {
		return false; /* common case: no vCPU created from a VMSA */
	}
	flags = spin_lock_irqsave(&gm_lock);
	hit = protected_locked(gpa, len);
	spin_unlock_irqrestore(&gm_lock, flags);
	return hit;
}

enum svsm_err guest_mem_set_backing(gpa_t gpa, uint64_t size, paddr_t pa)
{
	if (size == 0 || !gpa_aligned(gpa, MM_PAGE_SIZE) || size % MM_PAGE_SIZE != 0 ||
	    pa_addr(pa) % MM_PAGE_SIZE != 0 || !guest_mem_valid(gpa, size)) {
		return SVSM_E_INVALID_PARAM;
	}
	for (unsigned i = 0; i < gm_backing_count; i++) {
		if (overlaps(gpa, gpa_add(gpa, size), gm_backing[i].gpa,
			     gpa_add(gm_backing[i].gpa, gm_backing[i].size))) {
			return SVSM_E_INVALID_PARAM;
		}
	}
	if (gm_backing_count == GUEST_MEM_MAX_BACKINGS) {
		return SVSM_E_NOMEM;
	}
	gm_backing[gm_backing_count].gpa = gpa;
	gm_backing[gm_backing_count].size = size;
	gm_backing[gm_backing_count].pa = pa;
	gm_backing_count++;
	return SVSM_OK;
}

bool guest_mem_backing(unsigned i, gpa_t *gpa, uint64_t *size, paddr_t *pa)
{
	if (i >= gm_backing_count) {
		return false;
	}
	*gpa = gm_backing[i].gpa;
	*size = gm_backing[i].size;
	*pa = gm_backing[i].pa;
	return true;
}

paddr_t guest_mem_host_pa(gpa_t gpa)
{
	for (unsigned i = 0; i < gm_backing_count; i++) {
		uint64_t off = gpa_diff(gpa, gm_backing[i].gpa);

		if (!gpa_lt(gpa, gm_backing[i].gpa) && off < gm_backing[i].size) {
			return pa_init(pa_addr(gm_backing[i].pa) + off);
		}
	}
	return pa_from_gpa(gpa);
}

/*
 * How many bytes from @gpa (at most @len) lie on one host-contiguous piece: a backing
 * starts or ends at every boundary.
 */
static size_t piece_len(gpa_t gpa, size_t len)
{
	size_t n = len;

	for (unsigned i = 0; i < gm_backing_count; i++) {
		gpa_t edges[2] = {gm_backing[i].gpa, gpa_add(gm_backing[i].gpa, gm_backing[i].size)};

		for (unsigned k = 0; k < 2; k++) {
			if (gpa_lt(gpa, edges[k]) && gpa_diff(edges[k], gpa) < n) {
				n = gpa_diff(edges[k], gpa);
			}
		}
	}
	return n;
}

/* The SVSM's mapping of guest page @gpa: the direct map of its host page. */
static void *guest_va(gpa_t gpa)
{
	return phys_to_virt(guest_mem_host_pa(gpa));
}

/* A fault-tolerant copy (@src NULL: zero) split where the guest range changes backing. */
static bool copy_pieces(gpa_t gpa, void *dst, const void *src, size_t len, bool to_guest)
{
	while (len != 0) {
		size_t n = piece_len(gpa, len);
		bool ok = !to_guest ? arch_safe_copy(dst, guest_va(gpa), n) :
			  src != NULL ? arch_safe_copy(guest_va(gpa), src, n) :
					arch_safe_zero(guest_va(gpa), n);

		if (!ok) {
			return false;
		}
		gpa = gpa_add(gpa, n);
		len -= n;
		dst = to_guest ? dst : (uint8_t *)dst + n;
		src = src == NULL ? NULL : (const uint8_t *)src + n;
	}
	return true;
}

/* A guest page may fault (SNP: not validated, or shared; native: not mapped): not a crash. */
static enum svsm_err copy_in(void *dst, gpa_t gpa, size_t len)
{
	return copy_pieces(gpa, dst, NULL, len, false) ? SVSM_OK : SVSM_E_INVALID_ADDRESS;
}

enum svsm_err guest_mem_read(gpa_t gpa, void *dst, size_t len)
{
	if (!guest_mem_valid(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return copy_in(dst, gpa, len);
}

/*
 * Every SVSM write to guest memory counts itself in gm_writers for the length of the copy,
 * and guest_mem_protect_page() waits until no write is under way after it has recorded the
 * page. Both sides are sequentially consistent (a store-then-load handshake), so either the
 * write sees the page protected and refuses, or the protect sees the write and waits for it:
 * a CREATE_VCPU on another CPU cannot protect a page, check its VMSA and start the vCPU
 * between a write's check and its copy (on SNP the vCPU runs from the page itself). No lock
 * on the write path: it is every vTPM response's. @src NULL zeroes.
 */
static enum svsm_err write_guarded(gpa_t gpa, const void *src, size_t len)
{
	bool ok = false;

	if (!guest_mem_valid(gpa, len) || !writable(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	__atomic_add_fetch(&gm_writers, 1, __ATOMIC_SEQ_CST);
	if (guest_mem_is_protected(gpa, len)) {
		__atomic_sub_fetch(&gm_writers, 1, __ATOMIC_RELEASE);
		return SVSM_E_INVALID_ADDRESS;
	}
	ok = copy_pieces(gpa, NULL, src, len, true);
	__atomic_sub_fetch(&gm_writers, 1, __ATOMIC_RELEASE);
	return ok ? SVSM_OK : SVSM_E_INVALID_ADDRESS;
}

/* Wait until no SVSM write to guest RAM is under way; false after GM_DRAIN_SPINS. */
static bool writes_drained(void)
{
	for (uint32_t spins = 0; spins < GM_DRAIN_SPINS; spins++) {
		if (__atomic_load_n(&gm_writers, __ATOMIC_SEQ_CST) == 0) {
			return true;
		}
		__asm__ volatile("pause");
	}
	return false;
}

enum svsm_err guest_mem_write(gpa_t gpa, const void *src, size_t len)
{
	if (src == NULL || len == 0) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return write_guarded(gpa, src, len);
}

enum svsm_err guest_mem_zero(gpa_t gpa, size_t len)
{
	return write_guarded(gpa, NULL, len);
}

enum svsm_err guest_mem_claim_unprotected(struct guest_mem_claim *c, gpa_t gpa, uint64_t len)
{
	uint64_t flags;
	enum svsm_err err = SVSM_E_BUSY;

	*c = (struct guest_mem_claim){GPA_C(0), 0, GUEST_MEM_MAX_CLAIMS};
	if (!guest_mem_valid(gpa, len) || !writable(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	flags = spin_lock_irqsave(&gm_lock);
	if (protected_locked(gpa, len)) {
		err = SVSM_E_INVALID_ADDRESS;
	} else {
		for (unsigned i = 0; i < GUEST_MEM_MAX_CLAIMS; i++) {
			if (gpa_eq(gm_claims[i].end, GPA_C(0))) {
				gm_claims[i] = (struct guest_mem_range){gpa, gpa_add(gpa, len)};
				*c = (struct guest_mem_claim){gpa, len, i};
				err = SVSM_OK;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&gm_lock, flags);
	return err;
}

void guest_mem_claim_release(struct guest_mem_claim *c)
{
	uint64_t flags;

	if (c->slot >= GUEST_MEM_MAX_CLAIMS) {
		return; /* never claimed */
	}
	flags = spin_lock_irqsave(&gm_lock);
	gm_claims[c->slot] = (struct guest_mem_range){GPA_C(0), GPA_C(0)};
	spin_unlock_irqrestore(&gm_lock, flags);
	c->slot = GUEST_MEM_MAX_CLAIMS;
}

enum svsm_err guest_mem_claim_zero(const struct guest_mem_claim *c)
{
	if (c->slot >= GUEST_MEM_MAX_CLAIMS) {
		return SVSM_E_INVALID_ADDRESS;
	}
	/* No protection check: the claim keeps every page of it unprotected until released. */
	return copy_pieces(c->gpa, NULL, NULL, c->len, true) ? SVSM_OK : SVSM_E_INVALID_ADDRESS;
}

enum svsm_err guest_mem_window_open(struct guest_mem_window *w, gpa_t gpa, uint64_t len)
{
	if (!guest_mem_valid(gpa, len)) {
		*w = (struct guest_mem_window){GPA_C(0), 0};
		return SVSM_E_INVALID_ADDRESS;
	}
	*w = (struct guest_mem_window){gpa, len};
	return SVSM_OK;
}

static bool window_fits(const struct guest_mem_window *w, uint64_t off, size_t n)
{
	return off <= w->len && n <= w->len - off && n != 0;
}

enum svsm_err guest_mem_window_read(const struct guest_mem_window *w, uint64_t off, void *dst,
				    size_t n)
{
	if (!window_fits(w, off, n)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return copy_in(dst, gpa_add(w->gpa, off), n);
}

enum svsm_err guest_mem_window_write(const struct guest_mem_window *w, uint64_t off,
				     const void *src, size_t n)
{
	if (!window_fits(w, off, n) || src == NULL) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return write_guarded(gpa_add(w->gpa, off), src, n);
}

enum svsm_err guest_mem_take_call_pending(gpa_t ca_gpa, bool *pending)
{
	uint8_t old = 0;

	if (!guest_mem_valid(ca_gpa, 1) || !writable(ca_gpa, 1) ||
	    guest_mem_is_protected(ca_gpa, 1)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	if (!arch_safe_xchg_u8((uint8_t *)guest_va(ca_gpa), 0, &old)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	*pending = old != 0;
	return SVSM_OK;
}

enum svsm_err guest_mem_protect_page(gpa_t gpa)
{
	uint64_t flags;
	enum svsm_err err = SVSM_OK;

	if (!gpa_aligned(gpa, MM_PAGE_SIZE) || !guest_mem_valid(gpa, MM_PAGE_SIZE)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	flags = spin_lock_irqsave(&gm_lock);
	for (unsigned i = 0; i < gm_protected_count; i++) {
		if (gpa_eq(gm_protected[i], gpa)) {
			err = SVSM_E_EXISTS;
		}
	}
	/* A PVALIDATE of this page is under way: it must not become a VMSA meanwhile. */
	for (unsigned i = 0; i < GUEST_MEM_MAX_CLAIMS && err == SVSM_OK; i++) {
		if (overlaps(gpa, gpa_add(gpa, MM_PAGE_SIZE), gm_claims[i].start,
			     gm_claims[i].end)) {
			err = SVSM_E_BUSY;
		}
	}
	if (err == SVSM_OK && gm_protected_count == GUEST_MEM_MAX_PROTECTED) {
		err = SVSM_E_NOMEM;
	}
	if (err == SVSM_OK) {
		gm_protected[gm_protected_count] = gpa;
		__atomic_store_n(&gm_protected_count, gm_protected_count + 1, __ATOMIC_SEQ_CST);
	}
	spin_unlock_irqrestore(&gm_lock, flags);
	/* A write that checked the page before it was recorded may still be copying. */
	if (err == SVSM_OK && !writes_drained()) {
		guest_mem_unprotect_page(gpa);
		err = SVSM_E_BUSY;
	}
	return err;
}

void guest_mem_unprotect_page(gpa_t gpa)
{
	uint64_t flags = spin_lock_irqsave(&gm_lock);

	for (unsigned i = 0; i < gm_protected_count; i++) {
		if (gpa_eq(gm_protected[i], gpa)) {
			gm_protected[i] = gm_protected[--gm_protected_count];
			break;
		}
	}
	spin_unlock_irqrestore(&gm_lock, flags);
}

unsigned guest_mem_ranges(const struct guest_mem_range **ranges)
{
	*ranges = gm_ram;
	return gm_count;
}

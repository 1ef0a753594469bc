/*
 * Guest-memory gateway (see guest_mem.h). The RAM map is fixed at guest launch; the
 * protected-page set changes with CREATE_VCPU/DELETE_VCPU and is guarded by gm_lock.
 */
#include "kernel/mm/guest_mem.h"

#include <string.h>

#include "kernel/lib/spinlock.h"
#include "kernel/mm/addr.h"

static struct guest_mem_range gm_ram[GUEST_MEM_MAX_RANGES];
static unsigned gm_count;
static uint64_t gm_svsm_start, gm_svsm_end;
static uint64_t gm_protected[GUEST_MEM_MAX_PROTECTED];
static unsigned gm_protected_count;
static struct spinlock gm_lock = SPINLOCK_INIT;

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

enum svsm_err guest_mem_init(const struct guest_mem_range *ram, unsigned count,
			     uint64_t svsm_start, uint64_t svsm_end)
{
	if (count > GUEST_MEM_MAX_RANGES || svsm_end < svsm_start) {
		return SVSM_E_INVALID_PARAM;
	}
	for (unsigned i = 0; i < count; i++) {
		if (ram[i].end <= ram[i].start ||
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
	gm_svsm_start = svsm_start;
	gm_svsm_end = svsm_end;
	gm_protected_count = 0;
	return SVSM_OK;
}

bool guest_mem_touches_svsm(uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (end < gpa) {
		return true;
	}
	return overlaps(gpa, end, gm_svsm_start, gm_svsm_end);
}

bool guest_mem_valid(uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (len == 0 || end < gpa || guest_mem_touches_svsm(gpa, len)) {
		return false;
	}
	for (unsigned i = 0; i < gm_count; i++) {
		if (gpa >= gm_ram[i].start && end <= gm_ram[i].end) {
			return true;
		}
	}
	return false;
}

bool guest_mem_is_protected(uint64_t gpa, uint64_t len)
{
	uint64_t flags;
	bool hit = false;

	if (__atomic_load_n(&gm_protected_count, __ATOMIC_ACQUIRE) == 0) {
		return false; /* common case: no vCPU created from a VMSA */
	}
	flags = spin_lock_irqsave(&gm_lock);
	for (unsigned i = 0; i < gm_protected_count && !hit; i++) {
		hit = overlaps(gpa, gpa + len, gm_protected[i], gm_protected[i] + MM_PAGE_SIZE);
	}
	spin_unlock_irqrestore(&gm_lock, flags);
	return hit;
}

enum svsm_err guest_mem_read(uint64_t gpa, void *dst, size_t len)
{
	if (!guest_mem_valid(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	memcpy(dst, phys_to_virt(gpa), len);
	return SVSM_OK;
}

enum svsm_err guest_mem_write(uint64_t gpa, const void *src, size_t len)
{
	if (!guest_mem_valid(gpa, len) || guest_mem_is_protected(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	memcpy(phys_to_virt(gpa), src, len);
	return SVSM_OK;
}

enum svsm_err guest_mem_zero(uint64_t gpa, size_t len)
{
	if (!guest_mem_valid(gpa, len) || guest_mem_is_protected(gpa, len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	memset(phys_to_virt(gpa), 0, len);
	return SVSM_OK;
}

enum svsm_err guest_mem_window_open(struct guest_mem_window *w, uint64_t gpa, uint64_t len)
{
	if (!guest_mem_valid(gpa, len)) {
		*w = (struct guest_mem_window){0, 0};
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
	memcpy(dst, phys_to_virt(w->gpa + off), n);
	return SVSM_OK;
}

enum svsm_err guest_mem_window_write(const struct guest_mem_window *w, uint64_t off,
				     const void *src, size_t n)
{
	if (!window_fits(w, off, n) || guest_mem_is_protected(w->gpa + off, n)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	memcpy(phys_to_virt(w->gpa + off), src, n);
	return SVSM_OK;
}

enum svsm_err guest_mem_take_call_pending(uint64_t ca_gpa, bool *pending)
{
	if (!guest_mem_valid(ca_gpa, 1) || guest_mem_is_protected(ca_gpa, 1)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	*pending = __atomic_exchange_n((uint8_t *)phys_to_virt(ca_gpa), 0, __ATOMIC_ACQ_REL) != 0;
	return SVSM_OK;
}

enum svsm_err guest_mem_protect_page(uint64_t gpa)
{
	uint64_t flags;
	enum svsm_err err = SVSM_OK;

	if ((gpa & (MM_PAGE_SIZE - 1)) != 0 || !guest_mem_valid(gpa, MM_PAGE_SIZE)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	flags = spin_lock_irqsave(&gm_lock);
	for (unsigned i = 0; i < gm_protected_count; i++) {
		if (gm_protected[i] == gpa) {
			err = SVSM_E_EXISTS;
		}
	}
	if (err == SVSM_OK && gm_protected_count == GUEST_MEM_MAX_PROTECTED) {
		err = SVSM_E_NOMEM;
	}
	if (err == SVSM_OK) {
		gm_protected[gm_protected_count++] = gpa;
	}
	spin_unlock_irqrestore(&gm_lock, flags);
	return err;
}

void guest_mem_unprotect_page(uint64_t gpa)
{
	uint64_t flags = spin_lock_irqsave(&gm_lock);

	for (unsigned i = 0; i < gm_protected_count; i++) {
		if (gm_protected[i] == gpa) {
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

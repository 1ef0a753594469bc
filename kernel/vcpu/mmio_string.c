/*
 * String MMIO (mmio_string.h): MOVS with exactly one side in a range a device owns and the
 * other in guest RAM, and STOS to a device range: Linux's memcpy_toio/memcpy_fromio
 * (`rep movsl` and `movsw`/`movsb` heads and tails) and memset_io (`rep stos`) on x86.
 * The exit says which side is the device: MOVS from the device is a read exit whose source
 * DS:rSI translates to the faulting GPA; to the device, a write exit whose destination
 * ES:rDI does (STOS: a write exit at ES:rDI). Everything the guest controls (rCX, rSI, rDI,
 * its page tables, the instruction bytes, which may have changed since the exit) is
 * checked again here:
 *  - one batch per exit: at most MMIO_STRING_MAX_PER_EXIT elements, all on the page (and
 *    in the device range) of the first element on each side, so each side is translated
 *    once (a memory-side element straddling two pages is moved alone, with two);
 *  - rSI/rDI/rCX advance by the elements done, masked by the address size; RIP moves past
 *    the instruction only when the count reaches 0 (REP is restartable: the guest runs it
 *    again and exits at its next element); a device that stops the vCPU or the guest, or
 *    marks the access end_batch (it did costly work: the flash's commit), ends the batch
 *    after that element;
 *  - guest RAM is read and written only through guest_mem, the device only via bus_mmio().
 * Refused (the guest stops, with a log line): RFLAGS.DF set (Linux and EDK2 never copy
 * downwards), REPNE, an FS/GS override (CS/SS as well outside 64-bit mode), both or neither
 * side a device, a memory side that is not guest RAM or whose translation faults (a #PF is
 * not injected yet), an element that crosses a device page, the device range or the
 * address-size wrap. No state.
 */
#include "kernel/vcpu/mmio_string.h"

#include <stddef.h>

#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/guest_walk.h"
#include "kernel/vcpu/vcpu.h"

#define PAGE_4K   0x1000ull
#define RFLAGS_DF (1ull << 10)

/**
 * struct mem_side - the guest-RAM side of a MOVS batch.
 * @gpa:  where its first element starts.
 * @room: bytes from @gpa to the end of that page.
 * @next: the following page, when the first element straddles into it (else unused).
 */
struct mem_side {
	gpa_t gpa;
	uint64_t room;
	gpa_t next;
};

/**
 * struct batch - one exit's share of a string instruction, checked.
 * @in:      the instruction.
 * @amask:   the address-size mask of rSI, rDI and rCX.
 * @size:    bytes per element (1, 2, 4, 8).
 * @total:   elements left in the instruction (rCX & @amask, or 1 without REP).
 * @count:   elements this exit moves (1..@total).
 * @dev:     the device side's first GPA (the faulting one).
 * @dev_src: MOVS from the device (a read exit); else to it (MOVS or STOS).
 * @mem:     MOVS: the guest-RAM side.
 * @value:   STOS: the value stored (rAX).
 */
struct batch {
	const struct x86_insn *in;
	uint64_t amask;
	uint64_t size;
	uint64_t total;
	uint64_t count;
	gpa_t dev;
	bool dev_src;
	struct mem_side mem;
	uint64_t value;
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The guest stops at a string instruction this file does not emulate: say why. */
static enum bus_result refuse(struct vcpu *v, const struct vm_exit_mmio *m, const char *why)
{
	pr_err("vcpu: vCPU %u: string MMIO at GPA %#lx (RIP %#lx) not emulated: %s\n", v->id,
	       gpa_addr(m->gpa), plat_vcpu_reg(v, VM_REG_RIP), why);
	guest_stop("string MMIO instruction not emulated");
	return BUS_STOP_GUEST;
}

static void paging_of(struct vcpu *v, struct guest_paging *p)
{
	*p = (struct guest_paging){
		.cr0 = plat_vcpu_reg(v, VM_REG_CR0), .cr3 = plat_vcpu_reg(v, VM_REG_CR3),
		.cr4 = plat_vcpu_reg(v, VM_REG_CR4), .efer = plat_vcpu_reg(v, VM_REG_EFER),
		.cpl = (uint8_t)plat_vcpu_reg(v, VM_REG_CPL),
	};
}

/*
 * The linear address of @seg:@reg. 64-bit mode: DS/ES/CS/SS have base 0 and FS/GS are
 * refused (their bases are not among the platform's registers); otherwise only DS and ES,
 * whose bases the platform gives, and the sum wraps at 4 GiB. False: refused.
 */
static bool linear_of(struct vcpu *v, const struct vm_exit_mmio *m, uint8_t seg, uint64_t reg,
		      uint64_t amask, uint64_t *linear)
{
	uint64_t base = 0;

	if (seg == X86_SEG_FS || seg == X86_SEG_GS) {
		return false;
	}
	if (m->cpu_mode == X86_MODE_64) {
		*linear = reg & amask;
		return true;
	}
	if (seg != X86_SEG_DS && seg != X86_SEG_ES) {
		return false;
	}
	base = plat_vcpu_reg(v, seg == X86_SEG_DS ? VM_REG_DS_BASE : VM_REG_ES_BASE);
	*linear = (base + (reg & amask)) & 0xffffffffull;
	return true;
}

/* Elements of @size starting at offset @reg that fit before the offset wraps at @amask. */
static uint64_t before_wrap(uint64_t reg, uint64_t amask, uint64_t size)
{
	uint64_t left = amask - (reg & amask); /* bytes after the first one */

	return left < size - 1 ? 0 : (left - (size - 1)) / size + 1;
}

/* Bytes from @gpa to the end of the device range that owns it (0: none owns it). */
static uint64_t device_room(gpa_t gpa)
{
	gpa_t start = GPA_C(0);
	uint64_t size = 0;

	for (unsigned i = 0; bus_mmio_range(i, &start, &size); i++) {
		if (!gpa_lt(gpa, start) && gpa_diff(gpa, start) < size) {
			return size - gpa_diff(gpa, start);
		}
	}
	return 0;
}

/*
 * Decode what the exit's instruction asks for into @b, before any translation: NULL, or
 * why it is refused.
 */
static const char *prepare(struct vcpu *v, const struct x86_insn *in, struct batch *b)
{
	bool rep = (in->prefixes & X86_PFX_REP) != 0;

	*b = (struct batch){.in = in, .size = in->op_size, .dev = GPA_C(0)};
	if ((plat_vcpu_reg(v, VM_REG_RFLAGS) & RFLAGS_DF) != 0) {
		return "RFLAGS.DF is set (only upward copies are emulated)";
	}
	if ((in->prefixes & X86_PFX_REPNE) != 0) {
		return "REPNE prefix";
	}
	if (b->size != 1 && b->size != 2 && b->size != 4 && b->size != 8) {
		return "operand size";
	}
	b->amask = in->addr_size == 8 ? ~0ull : in->addr_size == 4 ? 0xffffffffull : 0xffffull;
	b->total = rep ? plat_vcpu_reg(v, VM_REG_RCX) & b->amask : 1;
	b->value = plat_vcpu_reg(v, VM_REG_RAX);
	return NULL;
}

/*
 * The memory side of MOVS starting at linear @linear (offset register @reg) in @s: its
 * GPA and, when the first element straddles a page, the next page's (a second walk).
 * @write: the side is stored to (MOVS from the device). NULL, or why it is refused.
 */
static const char *mem_side_of(struct vcpu *v, const struct vm_exit_mmio *m,
			       const struct guest_paging *p, const struct batch *b, uint8_t seg,
			       uint64_t reg, bool write, struct mem_side *s)
{
	uint64_t linear = 0;
	enum svsm_err err;

	if (!linear_of(v, m, seg, reg + s->room, b->amask, &linear)) {
		return "segment of the memory side";
	}
	err = write ? guest_walk_translate_write(p, linear, &s->next, NULL)
		    : guest_walk_translate_read(p, linear, &s->next, NULL);
	return err != SVSM_OK ? "the memory side's second page faults (no #PF injection)"
			      : NULL;
}

/*
 * MOVS: translate both sides and decide which one is the device's. The device side must
 * translate to the faulting GPA in the exit's direction; the other must translate, be
 * owned by no device, and be guest RAM (checked with the batch size in size_batch()).
 */
static const char *movs_sides(struct vcpu *v, const struct vm_exit_mmio *m,
			      const struct guest_paging *p, struct batch *b)
{
	uint64_t rsi = plat_vcpu_reg(v, VM_REG_RSI), rdi = plat_vcpu_reg(v, VM_REG_RDI);
	uint64_t src_lin = 0, dst_lin = 0;
	gpa_t src = GPA_C(0), dst = GPA_C(0);
	bool src_ok, dst_ok;

	if (!linear_of(v, m, b->in->mem.seg, rsi, b->amask, &src_lin) ||
	    !linear_of(v, m, X86_SEG_ES, rdi, b->amask, &dst_lin)) {
		return "segment override or non-flat segment";
	}
	src_ok = guest_walk_translate_read(p, src_lin, &src, NULL) == SVSM_OK;
	dst_ok = guest_walk_translate_write(p, dst_lin, &dst, NULL) == SVSM_OK;
	b->dev_src = m->access == VM_ACCESS_READ;
	if (b->dev_src ? !(src_ok && gpa_eq(src, m->gpa)) : !(dst_ok && gpa_eq(dst, m->gpa))) {
		return "neither side is at the faulting GPA in the exit's direction";
	}
	if (b->dev_src ? !dst_ok : !src_ok) {
		return "the memory side's translation faults (no #PF injection)";
	}
	b->dev = m->gpa;
	b->mem = (struct mem_side){.gpa = b->dev_src ? dst : src, .next = GPA_C(0)};
	if (bus_mmio_owned(b->mem.gpa)) {
		return "both sides are device MMIO";
	}
	b->mem.room = PAGE_4K - gpa_offset(b->mem.gpa, PAGE_4K);
	if (b->mem.room >= b->size) {
		return NULL;
	}
	return mem_side_of(v, m, p, b, b->dev_src ? X86_SEG_ES : b->in->mem.seg,
			   b->dev_src ? rdi : rsi, b->dev_src, &b->mem);
}

/* STOS: the destination ES:rDI must translate to the faulting GPA of a write exit. */
static const char *stos_side(struct vcpu *v, const struct vm_exit_mmio *m,
			     const struct guest_paging *p, struct batch *b)
{
	uint64_t linear = 0;
	gpa_t dst = GPA_C(0);

	if (!linear_of(v, m, X86_SEG_ES, plat_vcpu_reg(v, VM_REG_RDI), b->amask, &linear)) {
		return "non-flat segment";
	}
	if (m->access != VM_ACCESS_WRITE ||
	    guest_walk_translate_write(p, linear, &dst, NULL) != SVSM_OK || !gpa_eq(dst, m->gpa)) {
		return "the destination is not at the faulting GPA of a write";
	}
	b->dev = m->gpa;
	b->dev_src = false;
	return NULL;
}

/* The memory side's bytes of the batch are guest RAM (and writable by the guest). */
static bool mem_ok(const struct batch *b)
{
	uint64_t head = min_u64(b->count * b->size, b->mem.room);
	uint64_t tail = b->count * b->size - head;

	if (!guest_mem_valid(b->mem.gpa, head) ||
	    (tail > 0 && !guest_mem_valid(b->mem.next, tail))) {
		return false;
	}
	return !b->dev_src || (!guest_mem_is_protected(b->mem.gpa, head) &&
			       (tail == 0 || !guest_mem_is_protected(b->mem.next, tail)));
}

/*
 * How many elements this exit moves: the count, the per-exit bound, the device range and
 * page, the address-size wrap of rSI/rDI and the memory side's page all limit it. NULL,
 * or why even the first element cannot be moved.
 */
static const char *size_batch(struct vcpu *v, struct batch *b)
{
	bool movs = b->in->cls == X86_MOVS;
	uint64_t dev_page = PAGE_4K - gpa_offset(b->dev, PAGE_4K);
	uint64_t n = min_u64(b->total, MMIO_STRING_MAX_PER_EXIT);

	n = min_u64(n, device_room(b->dev) / b->size);
	n = min_u64(n, dev_page / b->size);
	n = min_u64(n, before_wrap(plat_vcpu_reg(v, VM_REG_RDI), b->amask, b->size));
	if (movs) {
		n = min_u64(n, before_wrap(plat_vcpu_reg(v, VM_REG_RSI), b->amask, b->size));
		/* A straddling memory element goes alone; else the batch stays on the page. */
		n = b->mem.room < b->size ? min_u64(n, 1) : min_u64(n, b->mem.room / b->size);
	}
	if (n == 0) {
		return "an element crosses a device page, the device range or the address wrap";
	}
	b->count = n;
	if (movs && !mem_ok(b)) {
		return "the memory side is not guest RAM";
	}
	return NULL;
}

/* Read or write @len bytes at offset @off of the memory side (across its page if need be). */
static enum svsm_err mem_xfer(const struct mem_side *s, uint64_t off, void *buf, uint64_t len,
			      bool write)
{
	uint8_t *p = buf;
	uint64_t head = off >= s->room ? 0 : min_u64(len, s->room - off);
	enum svsm_err err = SVSM_OK;

	if (head > 0) {
		err = write ? guest_mem_write(gpa_add(s->gpa, off), p, head)
			    : guest_mem_read(gpa_add(s->gpa, off), p, head);
	}
	if (err == SVSM_OK && head < len) {
		gpa_t at = gpa_add(s->next, off + head - s->room);

		err = write ? guest_mem_write(at, p + head, len - head)
			    : guest_mem_read(at, p + head, len - head);
	}
	return err;
}

/*
 * Move the batch's elements one by one through the device; *@done counts those complete.
 * A device that stops the vCPU or the guest ends the batch after its element; one that
 * declines (BUS_UNOWNED) ends it before.
 */
static enum bus_result move(struct vcpu *v, const struct vm_exit_mmio *m, const struct batch *b,
			    uint64_t *done)
{
	enum bus_result r = BUS_DONE;

	*done = 0;
	for (uint64_t i = 0; i < b->count && r == BUS_DONE; i++) {
		struct bus_access a = {.gpa = gpa_add(b->dev, i * b->size),
				       .size = (uint8_t)b->size, .write = !b->dev_src,
				       .value = b->in->cls == X86_STOS ? b->value : 0};

		if (b->in->cls == X86_MOVS && !b->dev_src &&
		    mem_xfer(&b->mem, i * b->size, &a.value, b->size, false) != SVSM_OK) {
			return refuse(v, m, "guest RAM read failed");
		}
		r = bus_mmio(v, &a);
		if (r == BUS_UNOWNED) {
			break;
		}
		if (b->dev_src && mem_xfer(&b->mem, i * b->size, &a.value, b->size, true) != SVSM_OK) {
			return refuse(v, m, "guest RAM write failed");
		}
		*done = i + 1;
		if (a.end_batch) {
			break; /* costly work (a commit): one per exit, the guest runs it again */
		}
	}
	return r;
}

/* @reg advanced by @delta within the address size; a 32-bit result zero-extends. */
static uint64_t advance(uint64_t reg, uint64_t delta, const struct batch *b)
{
	uint64_t low = (reg + delta) & b->amask;

	return b->in->addr_size == 4 ? low : (reg & ~b->amask) | low;
}

/* The guest-visible result of @done elements: rSI, rDI, rCX; RIP once the count is done. */
static void commit(struct vcpu *v, const struct batch *b, uint64_t done)
{
	uint64_t bytes = done * b->size;

	if (b->in->cls == X86_MOVS) {
		plat_vcpu_set_reg(v, VM_REG_RSI, advance(plat_vcpu_reg(v, VM_REG_RSI), bytes, b));
	}
	plat_vcpu_set_reg(v, VM_REG_RDI, advance(plat_vcpu_reg(v, VM_REG_RDI), bytes, b));
	if ((b->in->prefixes & X86_PFX_REP) != 0) {
		plat_vcpu_set_reg(v, VM_REG_RCX, advance(plat_vcpu_reg(v, VM_REG_RCX), -done, b));
	}
	if (done == b->total) {
		plat_vcpu_set_reg(v, VM_REG_RIP, plat_vcpu_reg(v, VM_REG_RIP) + b->in->length);
	}
}

enum bus_result mmio_string_emulate(struct vcpu *v, const struct vm_exit_mmio *m,
				    const struct x86_insn *in)
{
	struct guest_paging p;
	struct batch b;
	const char *why = prepare(v, in, &b);
	enum bus_result r = BUS_DONE;
	uint64_t done = 0;

	if (why != NULL) {
		return refuse(v, m, why);
	}
	if (b.total == 0) {
		commit(v, &b, 0); /* REP with rCX = 0: nothing moves, RIP moves on */
		return BUS_DONE;
	}
	paging_of(v, &p);
	why = in->cls == X86_MOVS ? movs_sides(v, m, &p, &b) : stos_side(v, m, &p, &b);
	if (why == NULL) {
		why = size_batch(v, &b);
	}
	if (why != NULL) {
		return refuse(v, m, why);
	}
	r = move(v, m, &b, &done);
	commit(v, &b, done);
	return r;
}

/*
 * MMIO emulation for guest-physical ranges a device owns on the bus: the instruction the
 * platform fetched (decode assists), or else the one read at CS:RIP through the guest's
 * page tables (vcpu/guest_walk.c; QEMU TCG has no decode assists), is decoded with
 * lib/x86_decode.c (MOV to and from memory, MOV with an immediate, MOVZX/MOVSX), the
 * access goes to the device, a load is written back to its register and RIP moves past the
 * instruction. String instructions (MOVS between the device and guest RAM, STOS to the
 * device: memcpy_toio/memcpy_fromio/memset_io) go to vcpu/mmio_string.c, which moves a
 * bounded batch of elements per exit and refuses what it cannot do safely. Any other
 * instruction, or one that cannot be fetched or decoded, is offered to the device with
 * size 0 (it may refuse it by stopping the guest); if the device accepts it, the guest is
 * stopped: it cannot be completed. No state.
 */
#include <stddef.h>
#include <string.h>

#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/guest_walk.h"
#include "kernel/vcpu/mmio_string.h"
#include "kernel/vcpu/vcpu.h"
#include "lib/x86_decode.h"

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Register operand @r (decoder numbering) of @size bytes. */
static uint64_t reg_read(struct vcpu *v, uint8_t r, unsigned size)
{
	if (r >= X86_REG_AH && r <= X86_REG_BH) {
		return (plat_vcpu_reg(v, (enum vm_reg)(r - X86_REG_AH)) >> 8) & 0xff;
	}
	return plat_vcpu_reg(v, (enum vm_reg)r) & size_mask(size);
}

/* Write as the CPU does: 4-byte results zero-extend, 1- and 2-byte ones merge. */
static void reg_write(struct vcpu *v, uint8_t r, unsigned size, uint64_t value)
{
	enum vm_reg reg = (enum vm_reg)(r >= X86_REG_AH && r <= X86_REG_BH ? r - X86_REG_AH : r);
	uint64_t old = plat_vcpu_reg(v, reg);

	if (r >= X86_REG_AH && r <= X86_REG_BH) {
		value = (old & ~0xff00ull) | ((value & 0xff) << 8);
	} else if (size < 4) {
		value = (old & ~size_mask(size)) | (value & size_mask(size));
	} else {
		value &= size_mask(size);
	}
	plat_vcpu_set_reg(v, reg, value);
}

static bool reg_ok(uint8_t r)
{
	return r <= 15u || (r >= X86_REG_AH && r <= X86_REG_BH);
}

/* The access @in makes, in @a; false for instructions not emulated here. */
static bool access_of(struct vcpu *v, const struct x86_insn *in, struct bus_access *a)
{
	switch (in->cls) {
	case X86_MOV_STORE:
	case X86_MOV_STORE_MOFFS:
		if (!reg_ok(in->reg)) {
			return false;
		}
		a->write = true;
		a->size = in->op_size;
		a->value = reg_read(v, in->reg, in->op_size);
		return true;
	case X86_MOV_STORE_IMM:
		a->write = true;
		a->size = in->op_size;
		a->value = in->imm & size_mask(in->op_size);
		return true;
	case X86_MOV_LOAD:
	case X86_MOV_LOAD_MOFFS:
		a->write = false;
		a->size = in->op_size;
		return reg_ok(in->reg);
	case X86_MOVZX:
	case X86_MOVSX:
		a->write = false;
		a->size = in->src_size;
		return reg_ok(in->reg);
	default:
		return false;
	}
}

static void finish_load(struct vcpu *v, const struct x86_insn *in, uint64_t value)
{
	uint64_t x = value & size_mask(in->src_size);

	if (in->cls == X86_MOVSX) {
		unsigned shift = 64 - 8 * in->src_size;

		x = (uint64_t)((int64_t)(x << shift) >> shift);
	}
	reg_write(v, in->reg, in->op_size, in->cls == X86_MOVZX || in->cls == X86_MOVSX ?
						     x : value);
}

/*
 * The instruction at CS:RIP: the platform's bytes, else fetched through the guest's page
 * tables. Returns its length in bytes (0: none; @f says why the fetch failed). Another
 * vCPU may change the tables or the code meanwhile: the bytes are then ones this vCPU
 * could have run, and the access still goes only to the faulting GPA, which the device
 * owns (the decoded memory operand is not used) in the direction the exit reported, so a
 * race gains the guest nothing.
 */
static size_t insn_bytes(struct vcpu *v, const struct vm_exit_mmio *m,
			 uint8_t bytes[X86_MAX_INSN_LEN], struct guest_walk_fault *f)
{
	struct guest_paging p;
	size_t n = 0;

	*f = (struct guest_walk_fault){.why = GUEST_WALK_OK};
	if (m->insn_len > 0) {
		memcpy(bytes, m->insn_bytes, m->insn_len);
		return m->insn_len;
	}
	p = (struct guest_paging){
		.cr0 = plat_vcpu_reg(v, VM_REG_CR0), .cr3 = plat_vcpu_reg(v, VM_REG_CR3),
		.cr4 = plat_vcpu_reg(v, VM_REG_CR4), .efer = plat_vcpu_reg(v, VM_REG_EFER),
		.cpl = (uint8_t)plat_vcpu_reg(v, VM_REG_CPL),
	};
	if (guest_walk_fetch(&p, plat_vcpu_reg(v, VM_REG_CS_BASE), plat_vcpu_reg(v, VM_REG_RIP),
			     m->cpu_mode == X86_MODE_64, bytes, X86_MAX_INSN_LEN, &n, f) != SVSM_OK) {
		return 0;
	}
	return n;
}

/* The guest is stopped at an MMIO instruction that cannot be completed: say why. */
static void not_emulated(struct vcpu *v, const struct vm_exit_mmio *m,
			 const struct guest_walk_fault *f)
{
	uint64_t rip = plat_vcpu_reg(v, VM_REG_RIP);

	if (f->why != GUEST_WALK_OK) {
		pr_err("vcpu: vCPU %u: MMIO at GPA %#lx (RIP %#lx): instruction fetch at linear "
		       "%#lx failed: %s (level %u entry %#lx at GPA %#lx)\n",
		       v->id, gpa_addr(m->gpa), rip, f->linear, guest_walk_why_name(f->why),
		       f->level, f->entry, gpa_addr(f->entry_gpa));
	} else {
		pr_err("vcpu: vCPU %u: MMIO at GPA %#lx (RIP %#lx) by an instruction that is "
		       "not emulated\n", v->id, gpa_addr(m->gpa), rip);
	}
	guest_stop("MMIO instruction not emulated");
}

/* An access to a range a device owns. BUS_UNOWNED: the device declined it. */
static enum bus_result emulate(struct vcpu *v, const struct vm_exit_mmio *m)
{
	struct bus_access a = {.gpa = m->gpa, .write = m->access == VM_ACCESS_WRITE};
	struct guest_walk_fault fault = {.why = GUEST_WALK_OK};
	uint8_t bytes[X86_MAX_INSN_LEN];
	size_t len = m->access != VM_ACCESS_FETCH ? insn_bytes(v, m, bytes, &fault) : 0;
	struct x86_insn in;
	bool known = len > 0 &&
		     x86_decode(bytes, len, (enum x86_mode)m->cpu_mode, &in) == X86_DECODE_OK;
	bool decoded = known && access_of(v, &in, &a) &&
		       a.write == (m->access == VM_ACCESS_WRITE); /* not code changed since */
	enum bus_result r;

	if (known && (in.cls == X86_MOVS || in.cls == X86_STOS)) {
		return mmio_string_emulate(v, m, &in);
	}
	if (!decoded) {
		a = (struct bus_access){.gpa = m->gpa, .write = m->access == VM_ACCESS_WRITE};
	}
	r = bus_mmio(v, &a);
	if (r == BUS_STOP_GUEST || r == BUS_UNOWNED) {
		return r;
	}
	if (!decoded) {
		not_emulated(v, m, &fault);
		return BUS_STOP_GUEST;
	}
	if (!a.write) {
		finish_load(v, &in, a.value);
	}
	plat_vcpu_set_reg(v, VM_REG_RIP, plat_vcpu_reg(v, VM_REG_RIP) + in.length);
	return r;
}

static const char *access_name(enum vm_access access)
{
	return access == VM_ACCESS_WRITE ? "write" : access == VM_ACCESS_FETCH ? "fetch" : "read";
}

/*
 * In order: SVSM memory and a write to a live VMSA page are violations that stop the guest;
 * a range a device owns is emulated; anything else is the default for unowned MMIO: the
 * guest stops (there is nothing behind the address for it).
 */
enum vcpu_next vcpu_mmio_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_mmio *m = &e->u.mmio;
	enum bus_result r = BUS_UNOWNED;

	if (guest_mem_touches_svsm(m->gpa, 1) && !bus_mmio_owned(m->gpa)) {
		pr_err("vcpu: vCPU %u (APIC %u) accessed SVSM memory at GPA %#lx (RIP %#lx, %s)\n",
		       v->id, v->apic_id, gpa_addr(m->gpa), plat_vcpu_reg(v, VM_REG_RIP),
		       access_name(m->access));
		guest_stop("access to SVSM memory");
		return VCPU_NEXT_STOP;
	}
	if (m->access == VM_ACCESS_WRITE && guest_mem_is_protected(m->gpa, 1)) {
		pr_err("vcpu: vCPU %u wrote to the VMSA page %#lx of a running vCPU (RIP %#lx)\n",
		       v->id, gpa_addr(gpa_align_down(m->gpa, GUEST_PAGE_SIZE)),
		       plat_vcpu_reg(v, VM_REG_RIP));
		guest_stop("write to a VMSA page");
		return VCPU_NEXT_STOP;
	}
	if (bus_mmio_owned(m->gpa)) {
		r = emulate(v, m);
	}
	switch (r) {
	case BUS_DONE:
		return VCPU_NEXT_RUN;
	case BUS_STOP_VCPU:
	case BUS_STOP_GUEST:
		return VCPU_NEXT_STOP;
	case BUS_UNOWNED:
		break;
	}
	pr_err("vcpu: vCPU %u: unhandled nested page fault at GPA %#lx (info %#lx)\n", v->id,
	       gpa_addr(m->gpa), e->hw_info1);
	guest_stop("unhandled nested page fault");
	return VCPU_NEXT_STOP;
}

/*
 * The exit dispatcher (exit.h): the one place a decoded struct vm_exit is sent on.
 *   VM_EXIT_SVSM_CALL -> vcpu_handle_call() -> protocols/
 *   VM_EXIT_IO        -> devices/ bus; unowned: reads all-ones, writes dropped. INS from an
 *                        owned port is emulated (ins_exit()); OUTS and INS from unowned
 *                        ports complete without effect
 *   VM_EXIT_MMIO      -> vcpu/mmio.c -> devices/ bus; unowned: the guest stops
 *   VM_EXIT_MSR       -> vcpu/msr.c (deny by default: #GP)
 *   VM_EXIT_CPUID     -> vcpu/cpuid.c
 * and HLT, INVD/WBINVD, #UD, shutdown here. A VMMCALL from CPL > 0 is no SVSM call: #UD
 * (logged once). Every exit is counted in exit_stats.c. Runs on the vCPU's own CPU; the
 * INVD count is atomic.
 */
#include "kernel/vcpu/exit.h"

#include <stddef.h>

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/call.h"
#include "kernel/vcpu/exit_stats.h"
#include "kernel/vcpu/guest_walk.h"
#include "kernel/vcpu/vcpu.h"

static uint64_t invd_count;

void vcpu_complete(struct vcpu *v, const struct vm_exit *e)
{
	plat_vcpu_set_reg(v, VM_REG_RIP, plat_vcpu_reg(v, VM_REG_RIP) + e->insn_len);
}

uint64_t vcpu_exit_invd_count(void)
{
	return __atomic_load_n(&invd_count, __ATOMIC_RELAXED);
}

static uint64_t io_mask(unsigned size)
{
	return size == 4 ? 0xffffffffull : size == 2 ? 0xffffull : 0xffull;
}

/* SVM EXITINFO1 of IOIO (native and SNP both report it in hw_info1): the address size. */
#define IOIO_A16 (1ull << 7)
#define IOIO_A32 (1ull << 8)
#define IOIO_A64 (1ull << 9)
#define INS_MAX_PER_EXIT 4096u /* elements per exit; a longer REP INS resumes after it */

static uint64_t ins_addr_mask(struct vcpu *v, const struct vm_exit *e)
{
	if (e->hw_info1 & IOIO_A16) {
		return 0xffffull;
	}
	if (e->hw_info1 & IOIO_A32) {
		return 0xffffffffull;
	}
	if (e->hw_info1 & IOIO_A64) {
		return ~0ull;
	}
	return (plat_vcpu_reg(v, VM_REG_EFER) & EFER_LMA) ? ~0ull : 0xffffffffull;
}

/*
 * INS/REP INS from a port a device owns (the guest fw_cfg's data port: OVMF's IoReadFifo8):
 * each element is read from the device and stored at ES:rDI through the guest's page
 * tables and guest_mem. ES base is taken as 0 and RFLAGS.DF as clear (flat segments and
 * the UEFI calling convention; the exit does not carry them). rCX and rDI advance per
 * element; after INS_MAX_PER_EXIT elements RIP stays so the instruction resumes. A store
 * the guest's tables or guest_mem refuse stops the guest (no #PF injection yet).
 */
static enum vcpu_next ins_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_io *io = &e->u.io;
	struct guest_paging p = {
		.cr0 = plat_vcpu_reg(v, VM_REG_CR0), .cr3 = plat_vcpu_reg(v, VM_REG_CR3),
		.cr4 = plat_vcpu_reg(v, VM_REG_CR4), .efer = plat_vcpu_reg(v, VM_REG_EFER),
		.cpl = (uint8_t)plat_vcpu_reg(v, VM_REG_CPL),
	};
	uint64_t amask = ins_addr_mask(v, e);
	uint64_t rcx = plat_vcpu_reg(v, VM_REG_RCX);
	uint64_t rdi = plat_vcpu_reg(v, VM_REG_RDI);
	uint64_t count = io->rep ? rcx & amask : 1;
	enum bus_result r = BUS_DONE;
	uint64_t n = 0;

	for (; n < count && n < INS_MAX_PER_EXIT; n++) {
		struct bus_access a = {.port = io->port, .size = io->size, .write = false};
		uint64_t value;
		gpa_t gpa;

		r = bus_io(v, &a);
		value = r == BUS_UNOWNED ? io_mask(io->size) : a.value & io_mask(io->size);
		/* An element across a page boundary is refused (no second translation). */
		if (guest_walk_translate_write(&p, rdi & amask, &gpa, NULL) != SVSM_OK ||
		    (gpa_addr(gpa) & 0xfff) + io->size > 0x1000 ||
		    guest_mem_write(gpa, &value, io->size) != SVSM_OK) {
			pr_err("vcpu: vCPU %u: INS to %#lx not writable\n", v->id, rdi & amask);
			guest_stop("INS to memory it cannot write");
			return VCPU_NEXT_STOP;
		}
		rdi = (rdi & ~amask) | ((rdi + io->size) & amask);
		if (r == BUS_STOP_VCPU || r == BUS_STOP_GUEST) {
			n++;
			break;
		}
	}
	plat_vcpu_set_reg(v, VM_REG_RDI, rdi);
	if (io->rep) {
		plat_vcpu_set_reg(v, VM_REG_RCX, (rcx & ~amask) | ((rcx - n) & amask));
	}
	if (!io->rep || n == count) {
		vcpu_complete(v, e);
	}
	return r == BUS_STOP_VCPU || r == BUS_STOP_GUEST ? VCPU_NEXT_STOP : VCPU_NEXT_RUN;
}

static enum vcpu_next io_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_io *io = &e->u.io;
	struct bus_access a = {.port = io->port, .size = io->size, .write = !io->in};
	uint64_t rax = plat_vcpu_reg(v, VM_REG_RAX);
	uint64_t mask = io_mask(io->size);
	enum bus_result r = BUS_UNOWNED;

	if (io->string && io->in && bus_io_owned(io->port)) {
		return ins_exit(v, e);
	}
	vcpu_complete(v, e);
	if (!io->string && (io->size == 1 || io->size == 2 || io->size == 4)) {
		a.value = a.write ? rax & mask : 0;
		r = bus_io(v, &a);
	}
	if (io->in && !io->string) {
		uint64_t value = r == BUS_UNOWNED ? mask : a.value & mask; /* nothing answers: the
									       * bus floats high */

		/* A 32-bit IN zero-extends into RAX, as a register write does; 8/16 merge. */
		rax = io->size == 4 ? value : (rax & ~mask) | value;
		plat_vcpu_set_reg(v, VM_REG_RAX, rax);
	}
	return r == BUS_STOP_VCPU || r == BUS_STOP_GUEST ? VCPU_NEXT_STOP : VCPU_NEXT_RUN;
}

/*
 * INVD would discard dirty cache lines, the SVSM's included, on CPUs that do not turn it
 * into WBINVD: it is always emulated as WBINVD (and so is WBINVD, which native intercepts
 * too because QEMU up to 8.0 checks the WBINVD intercept for a guest INVD).
 */
static void invd_exit(struct vcpu *v, const struct vm_exit *e)
{
	__asm__ volatile("wbinvd" ::: "memory");
	__atomic_add_fetch(&invd_count, 1, __ATOMIC_RELAXED);
	vcpu_complete(v, e);
}

/*
 * Only the guest's kernel may call the SVSM: VMMCALL at CPL > 0 raises #UD, as on a CPU
 * without a hypervisor, and does nothing else.
 */
static void svsm_call_exit(struct vcpu *v, const struct vm_exit *e)
{
	static uint32_t user_call_logged;

	if (plat_vcpu_reg(v, VM_REG_CPL) != 0) {
		if (__atomic_exchange_n(&user_call_logged, 1, __ATOMIC_RELAXED) == 0) {
			pr_warn("vcpu: vCPU %u: VMMCALL at CPL %lu refused with #UD (logged once)\n",
				v->id, (unsigned long)plat_vcpu_reg(v, VM_REG_CPL));
		}
		plat_vcpu_inject(v, VEC_UD, false, 0);
		return;
	}
	vcpu_complete(v, e);
	vcpu_handle_call(v);
}

enum vcpu_next vcpu_exit_dispatch(struct vcpu *v, const struct vm_exit *e)
{
	exit_stats_count(e);
	switch (e->kind) {
	case VM_EXIT_NONE:
	case VM_EXIT_INTR_WINDOW: /* no virtual interrupt controller yet: nothing to inject */
		return VCPU_NEXT_RUN;
	case VM_EXIT_SVSM_CALL:
		svsm_call_exit(v, e);
		return VCPU_NEXT_RUN;
	case VM_EXIT_HLT:
		vcpu_complete(v, e);
		return VCPU_NEXT_HALT;
	case VM_EXIT_IO:
		return io_exit(v, e);
	case VM_EXIT_MMIO:
		return vcpu_mmio_exit(v, e);
	case VM_EXIT_MSR:
		vcpu_msr_exit(v, e);
		return VCPU_NEXT_RUN;
	case VM_EXIT_CPUID:
		vcpu_cpuid_exit(v, e);
		return VCPU_NEXT_RUN;
	case VM_EXIT_INVD:
		invd_exit(v, e);
		return VCPU_NEXT_RUN;
	case VM_EXIT_UD:
		plat_vcpu_inject(v, VEC_UD, false, 0);
		return VCPU_NEXT_RUN;
	case VM_EXIT_SHUTDOWN:
		pr_err("vcpu: vCPU %u shut down (triple fault) at RIP %#lx\n", v->id,
		       plat_vcpu_reg(v, VM_REG_RIP));
		guest_stop("guest shutdown");
		return VCPU_NEXT_STOP;
	case VM_EXIT_STOP:
		return VCPU_NEXT_STOP;
	case VM_EXIT_UNKNOWN:
		break;
	}
	pr_err("vcpu: vCPU %u: unexpected exit %#lx (info %#lx/%#lx)\n", v->id, e->hw_code,
	       e->hw_info1, e->hw_info2);
	guest_stop("unexpected exit");
	return VCPU_NEXT_STOP;
}

/*
 * The exit dispatcher (exit.h): the one place a decoded struct vm_exit is sent on.
 *   VM_EXIT_SVSM_CALL -> vcpu_handle_call() -> protocols/
 *   VM_EXIT_IO        -> devices/ bus (single accesses); unowned: reads all-ones, writes
 *                        dropped; string I/O is not emulated (completes without effect)
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
#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/call.h"
#include "kernel/vcpu/exit_stats.h"
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

static enum vcpu_next io_exit(struct vcpu *v, const struct vm_exit *e)
{
	const struct vm_exit_io *io = &e->u.io;
	struct bus_access a = {.port = io->port, .size = io->size, .write = !io->in};
	uint64_t rax = plat_vcpu_reg(v, VM_REG_RAX);
	uint64_t mask = io_mask(io->size);
	enum bus_result r = BUS_UNOWNED;

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

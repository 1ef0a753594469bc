/*
 * One SVSM call of a vCPU, as the request loop serves it: take call_pending from the
 * calling area (spec 58019: no flag, no call), read the call registers from the
 * platform, dispatch to protocols/, write the results back. Runs on the vCPU's own CPU;
 * the calling area and the registers are that vCPU's, so no lock is needed here.
 */
#include "kernel/vcpu/call.h"

#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "kernel/protocols/dispatch.h"
#include "kernel/vcpu/vcpu.h"

void vcpu_handle_call(struct vcpu *v)
{
	struct svsm_call_regs regs;
	bool pending = false;

	enum svsm_err err = guest_mem_take_call_pending(v->ca_gpa, &pending);

	if (err != SVSM_OK) {
		/*
		 * The guest made its calling area unreachable (SNP: rescinded its validation or
		 * had it made shared), so call_pending cannot be read: answer the exit with the
		 * error instead of ignoring it or touching the page again.
		 */
		plat_call_regs(v, &regs, false);
		regs.rax = svsm_err_to_result(err);
		plat_call_regs(v, &regs, true);
		return;
	}
	/* Not an SVSM call unless the calling area says so (spec 58019). */
	if (!pending) {
		return;
	}
	plat_call_regs(v, &regs, false);
	if (log_get_level() >= LOG_DEBUG) {
		pr_debug("call: vCPU %u protocol %u call %u rcx %#lx rdx %#lx r8 %#lx\n", v->id,
			 (unsigned)(regs.rax >> 32), (unsigned)regs.rax, regs.rcx, regs.rdx, regs.r8);
	}
	protocol_dispatch(v, &regs);
	plat_call_regs(v, &regs, true);
	if (log_get_level() >= LOG_DEBUG) {
		pr_debug("call: vCPU %u -> %#lx rcx %#lx\n", v->id, regs.rax, regs.rcx);
	}
	v->calls++;
}

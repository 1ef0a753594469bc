/*
 * The per-vCPU request loop (ARCHITECTURE.md section 2): enter the guest, serve SVSM
 * calls, wait on HLT until an interrupt, stop when asked or when the platform says so.
 * Runs on the physical CPU that owns the vCPU; only that CPU touches its registers.
 */
#include "kernel/platform/platform.h"
#include "kernel/vcpu/call.h"
#include "kernel/vcpu/vcpu.h"

void vcpu_loop(struct vcpu *v)
{
	bool done = false;

	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	while (!done && !__atomic_load_n(&v->stop_request, __ATOMIC_ACQUIRE)) {
		switch (plat_run_vcpu(v)) {
		case PLAT_EXIT_SVSM_CALL:
			vcpu_handle_call(v);
			break;
		case PLAT_EXIT_HALT:
			/* Wait for any interrupt (a wake IPI, or the guest's own); then re-enter. */
			__asm__ volatile("sti; hlt; cli" ::: "memory");
			break;
		case PLAT_EXIT_CONTINUE:
			break;
		case PLAT_EXIT_GUEST_DONE:
		case PLAT_EXIT_STOP:
			done = true;
			break;
		}
	}
	__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_RELEASE);
}

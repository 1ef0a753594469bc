/*
 * The per-vCPU request loop (ARCHITECTURE.md section 2): enter the guest, hand each exit
 * to the dispatcher (exit.c), wait on HLT until an interrupt, restart on a SIPI the guest
 * sent to this (already running) vCPU, stop when asked, when the
 * guest was stopped or when the dispatcher says so.
 * Runs on the physical CPU that owns the vCPU; only that CPU touches its registers.
 */
#include "kernel/debug/debug.h"
#include "kernel/guest/guest.h"
#include "kernel/platform/platform.h"
#include "kernel/services/persist.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/vcpu.h"

void vcpu_loop(struct vcpu *v)
{
	struct vm_exit exit;
	enum vcpu_next next;
	bool done = false;

	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	while (!done && !__atomic_load_n(&v->stop_request, __ATOMIC_ACQUIRE) && !guest_stopped()) {
		uint32_t sipi = __atomic_exchange_n(&v->sipi_request, 0, __ATOMIC_ACQ_REL);

		if (sipi != 0) {
			plat_vcpu_reset_sipi(v, (uint8_t)sipi);
		}
		plat_run_vcpu(v, &exit);
		debug_poll(); /* debug image: Ctrl-C from the debugger; release: nothing */
		next = vcpu_exit_dispatch(v, &exit);
		persist_tick(); /* the persistent log's periodic commit (cheap when not due) */
		switch (next) {
		case VCPU_NEXT_RUN:
			break;
		case VCPU_NEXT_HALT:
			/*
			 * Wait for any interrupt (a wake IPI, an NMI kick, or the guest's own, which
			 * trap.c makes pending); then re-enter. Interrupts are off from the check
			 * to the STI, whose shadow covers HLT: nothing arriving between is lost.
			 */
			if (!plat_vcpu_irq_pending(v) &&
			    __atomic_load_n(&v->sipi_request, __ATOMIC_ACQUIRE) == 0) {
				__asm__ volatile("sti; hlt; cli" ::: "memory");
			}
			break;
		case VCPU_NEXT_STOP:
			done = true;
			break;
		}
	}
	__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_RELEASE);
}

/*
 * Stopping the whole guest after a violation (guest.h): one flag, set atomically by any
 * CPU, read by every vCPU loop before it enters the guest again. The first stop prints
 * the exit statistics and asks every vCPU to stop (a kick wakes a halted one).
 */
#include "kernel/guest/guest.h"

#include <stddef.h>

#include "kernel/lib/log.h"
#include "kernel/vcpu/exit_stats.h"
#include "kernel/vcpu/vcpu.h"

static volatile uint32_t guest_is_stopped;

void guest_stop(const char *why)
{
	if (__atomic_exchange_n(&guest_is_stopped, 1, __ATOMIC_SEQ_CST) == 0) {
		pr_host_err("guest stopped: %s\n", why);
		exit_stats_print();
		/* A vCPU halted on another CPU sees the flag only when something wakes it. */
		vcpu_request_stop_all(NULL);
	}
}

bool guest_stopped(void)
{
	return __atomic_load_n(&guest_is_stopped, __ATOMIC_ACQUIRE) != 0;
}

void guest_stop_reset(void)
{
	__atomic_store_n(&guest_is_stopped, 0, __ATOMIC_SEQ_CST);
}

/*
 * The test guest's MMIO test device (test_mmio.h): NATIVE_TEST_MMIO_SIZE bytes of
 * registers, filled with the pattern at registration; reads and writes of 1, 2, 4 or 8
 * bytes go to them. An access the decoder could not size (size 0) is accepted, so that the
 * exit path stops the guest as an instruction it cannot emulate; one that runs past the
 * page stops the guest. State: the registers, guarded by tm_lock (any vCPU may access).
 */
#include "kernel/devices/test_mmio.h"

#include <stddef.h>
#include <string.h>

#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"

static uint8_t tm_regs[NATIVE_TEST_MMIO_SIZE];
static struct spinlock tm_lock = SPINLOCK_INIT;

static enum bus_result test_mmio_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t off = gpa_diff(a->gpa, GPA_C(NATIVE_TEST_MMIO_GPA));
	uint64_t flags;

	(void)ctx;
	if (a->size == 0) {
		return BUS_DONE; /* not decoded: the exit path stops the guest */
	}
	if (off + a->size > sizeof(tm_regs)) {
		pr_err("test_mmio: vCPU %u: %u-byte access at GPA %#lx runs past the device\n",
		       v->id, a->size, gpa_addr(a->gpa));
		guest_stop("MMIO access past the test device");
		return BUS_STOP_GUEST;
	}
	flags = spin_lock_irqsave(&tm_lock);
	if (a->write) {
		memcpy(&tm_regs[off], &a->value, a->size); /* little-endian: the low bytes */
	} else {
		a->value = 0;
		memcpy(&a->value, &tm_regs[off], a->size);
	}
	spin_unlock_irqrestore(&tm_lock, flags);
	return BUS_DONE;
}

enum svsm_err test_mmio_register(void)
{
	enum svsm_err err = bus_register_mmio(GPA_C(NATIVE_TEST_MMIO_GPA), NATIVE_TEST_MMIO_SIZE,
					      test_mmio_access, NULL);

	/* Set-up time: no vCPU runs yet, so the registers need no lock here. */
	for (uint64_t i = 0; err == SVSM_OK && i < sizeof(tm_regs); i++) {
		tm_regs[i] = native_test_mmio_byte(i);
	}
	return err;
}

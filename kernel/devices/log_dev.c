/*
 * The log device (log_dev.h): port accesses go to the register state machine
 * (lib/log_dev.c) under log_dev_lock; a FETCH loads one record from the log ring into the
 * window under that lock (the ring lock nests inside it and takes no other lock). Debug
 * mode is switched after the lock is dropped (log_switch_debug() logs a line).
 */
#include "kernel/devices/log_dev.h"

#include "kernel/devices/bus.h"
#include "kernel/lib/log.h"
#include "kernel/lib/log_ring.h"
#include "kernel/lib/spinlock.h"
#include "kernel/vcpu/vcpu.h"
#include "lib/log_dev.h"

static struct spinlock log_dev_lock = SPINLOCK_INIT;
static struct log_dev dev;

static enum bus_result log_dev_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t off = (uint32_t)(a->port - SVSM_LOG_DEV_PORT);
	enum log_dev_action act = LOG_DEV_ACT_NONE;
	uint64_t flags, next = 0;
	size_t n;

	(void)ctx;
	flags = spin_lock_irqsave(&log_dev_lock);
	if (!a->write) {
		a->value = log_dev_read(&dev, off, a->size, log_get_debug());
	} else {
		act = log_dev_write(&dev, off, a->size, (uint32_t)a->value);
		if (act == LOG_DEV_ACT_FETCH) {
			n = log_ring_read(dev.seq, dev.window, sizeof(dev.window), &next);
			log_dev_fetched(&dev, n, next);
		}
	}
	spin_unlock_irqrestore(&log_dev_lock, flags);
	if (act == LOG_DEV_ACT_DEBUG_ON || act == LOG_DEV_ACT_DEBUG_OFF) {
		(void)log_switch_debug(act == LOG_DEV_ACT_DEBUG_ON, v->id, "log device");
	}
	return BUS_DONE;
}

enum svsm_err log_dev_register(void)
{
	log_dev_init(&dev);
	return bus_register_io(SVSM_LOG_DEV_PORT, SVSM_LOG_DEV_PORTS, log_dev_access, NULL);
}

/*
 * 8259 PIC emulation for OS guests (pic.h): every access is forwarded to the hardware;
 * writes go through intc_pic_write() (lib/intc_filter.c), which tracks each PIC's
 * ICW1..ICW4 sequence and replaces an ICW2 base below 0x20 or covering an SVSM vector.
 * Owns both PICs' sequence state, under pic_lock.
 */
#include "kernel/devices/pic.h"

#include <stddef.h>

#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "lib/intc_filter.h"

static struct spinlock pic_lock = SPINLOCK_INIT;
static struct intc_pic pic_state[2];
static bool substitution_logged;

static enum bus_result pic_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	bool slave = a->port >= 0xa0;
	bool data = (a->port & 1) != 0;
	bool substituted = false;
	uint64_t flags = 0;

	(void)ctx;
	(void)v;
	if (a->size != 1) {
		if (!a->write) {
			a->value = 0xff;
		}
		return BUS_DONE;
	}
	flags = spin_lock_irqsave(&pic_lock);
	if (a->write) {
		outb(a->port, intc_pic_write(&pic_state[slave], slave, data, (uint8_t)a->value,
					     &substituted));
	} else {
		a->value = inb(a->port);
	}
	spin_unlock_irqrestore(&pic_lock, flags);
	if (substituted && !__atomic_exchange_n(&substitution_logged, true, __ATOMIC_RELAXED)) {
		pr_info("pic: guest vector base %#lx refused; using 0x20/0x28\n", a->value & 0xf8);
	}
	return BUS_DONE;
}

/* ICW1 (edge, cascade, ICW4), ICW2 base, ICW3 wiring, ICW4 8086 mode, then mask all. */
static void pic_init(uint16_t port, uint8_t base, uint8_t wiring)
{
	outb(port, 0x11);
	outb(port + 1, base);
	outb(port + 1, wiring);
	outb(port + 1, 0x01);
	outb(port + 1, 0xff);
}

enum svsm_err pic_register(void)
{
	enum svsm_err err = SVSM_OK;

	pic_init(0x20, INTC_PIC_MASTER_BASE, 0x04);
	pic_init(0xa0, INTC_PIC_SLAVE_BASE, 0x02);
	err = bus_register_io(0x20, 2, pic_access, NULL);
	if (err == SVSM_OK) {
		err = bus_register_io(0xa0, 2, pic_access, NULL);
	}
	return err;
}

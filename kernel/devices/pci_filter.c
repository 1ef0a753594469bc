/*
 * The guest's PCI configuration filter (pci_filter.h, docs/paravisor.md "PCI"). The
 * guest sees two functions, those OVMF's PlatformPei needs and that cannot DMA: the host
 * bridge 00:00.0 (MCH) and the LPC bridge 00:1f.0. Every other function reads all-ones
 * (absent) and drops writes. Writes pass byte by byte through a whitelist:
 *   command (0x04-0x05)   Bus Master Enable forced off (logged once when set)
 *   MCH PAM0-6 0x90-0x96, LPC ACPI_CNTL 0x44, PIRQ routing 0x60-0x63/0x68-0x6b: as written
 *   MCH PCIEXBAR 0x60-0x67, LPC PMBASE 0x40-0x43: only the value they have
 *   anything else (SMRAM, ESMRAMC, TSEG, RCBA, decode ranges, ...): refused, logged once
 *                         per register; read-back shows the real value
 * Real accesses go through drivers/pci.c (its lock keeps CF8/CFC pairs together). The
 * guest's CF8 latch is one shared 32-bit value, like the hardware's; the log-once bits are
 * atomic.
 */
#include "kernel/devices/pci_filter.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/drivers/pci.h"
#include "kernel/lib/log.h"

#define MCH_DEV 0
#define LPC_DEV 0x1f

#define PCI_COMMAND        0x04
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_STATUS         0x06 /* write-1-to-clear: never written back */

enum byte_policy {
	POLICY_REFUSE = 0,
	POLICY_RW,
	POLICY_SAME,   /* only the value it has */
	POLICY_CMD,    /* the command register's low byte: BME forced off */
};

static uint32_t cf8_latch;
static uint64_t ecam_base, ecam_size;
static uint64_t refused_logged[2][4]; /* per function (MCH, LPC), per register byte */
static uint32_t bme_logged;

bool pci_filter_visible(unsigned bus, unsigned dev, unsigned fn)
{
	return bus == 0 && fn == 0 && (dev == MCH_DEV || dev == LPC_DEV);
}

static enum byte_policy policy(unsigned dev, unsigned reg)
{
	if (reg == PCI_COMMAND) {
		return POLICY_CMD;
	}
	if (reg == PCI_COMMAND + 1) {
		return POLICY_RW;
	}
	if (dev == MCH_DEV) {
		if (reg >= 0x60 && reg <= 0x67) {
			return POLICY_SAME; /* PCIEXBAR: where the ECAM window is */
		}
		if (reg >= 0x90 && reg <= 0x96) {
			return POLICY_RW; /* PAM0-6: the BIOS area, guest memory */
		}
		return POLICY_REFUSE;
	}
	if (reg >= 0x40 && reg <= 0x43) {
		return POLICY_SAME; /* PMBASE: the ACPI PM block legacy.c filters */
	}
	if (reg == 0x44 || (reg >= 0x60 && reg <= 0x63) || (reg >= 0x68 && reg <= 0x6b)) {
		return POLICY_RW; /* ACPI_CNTL, PIRQA-H routing */
	}
	return POLICY_REFUSE;
}

static void log_refused(unsigned dev, unsigned reg, uint8_t value)
{
	uint64_t *word = &refused_logged[dev == LPC_DEV][reg / 64];
	uint64_t bit = 1ull << (reg % 64);

	if ((__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit) == 0) {
		pr_warn("pci: guest write of %#x to 00:%02x.0 register %#x refused (logged once)\n",
			value, dev, reg);
	}
}

uint32_t pci_filter_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
	uint32_t mask = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
	unsigned shift = (reg & 3) * 8;

	if (!pci_filter_visible(bus, dev, fn) || reg > 0xff || (reg & 3) + size > 4) {
		return mask;
	}
	return (pci_config_read32(dev, fn, reg & 0xfc) >> shift) & mask;
}

void pci_filter_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size,
		      uint32_t value)
{
	unsigned base = reg & 0xfc;
	uint32_t old, new;

	if (!pci_filter_visible(bus, dev, fn) || reg > 0xff || (reg & 3) + size > 4) {
		return;
	}
	old = pci_config_read32(dev, fn, base);
	new = old;
	for (unsigned i = 0; i < size; i++) {
		unsigned r = reg + i, shift = (r & 3) * 8;
		uint8_t b = (uint8_t)(value >> (8 * i)), cur = (uint8_t)(old >> shift);

		switch (policy(dev, r)) {
		case POLICY_CMD:
			if ((b & PCI_COMMAND_MASTER) != 0 &&
			    __atomic_exchange_n(&bme_logged, 1, __ATOMIC_RELAXED) == 0) {
				pr_warn("pci: guest set Bus Master Enable on 00:%02x.0: kept off "
					"(logged once)\n", dev);
			}
			b &= (uint8_t)~PCI_COMMAND_MASTER;
			break;
		case POLICY_RW:
			break;
		case POLICY_SAME:
		case POLICY_REFUSE:
			if (b != cur || policy(dev, r) == POLICY_REFUSE) {
				/* BAR sizing: neither device implements a BAR; silent. */
				if (b != cur && !(r >= 0x10 && r < 0x28) && !(r >= 0x30 && r < 0x34)) {
					log_refused(dev, r, b);
				}
				b = cur;
			}
			break;
		}
		new = (new & ~(0xffu << shift)) | (uint32_t)b << shift;
	}
	if (base == PCI_COMMAND) {
		new &= 0xffff; /* the status half is write-1-to-clear: leave it */
		old &= 0xffff;
	}
	if (new != old) {
		pci_config_write32(dev, fn, base, new);
	}
}

/* 0xCF8: the address latch (32-bit accesses only, like the hardware). */
static enum bus_result cf8_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (a->size != 4) {
		return BUS_UNOWNED;
	}
	if (a->write) {
		__atomic_store_n(&cf8_latch, (uint32_t)a->value, __ATOMIC_RELAXED);
	} else {
		a->value = __atomic_load_n(&cf8_latch, __ATOMIC_RELAXED);
	}
	return BUS_DONE;
}

/* 0xCFC-0xCFF: the data window onto the latched dword. */
static enum bus_result cfc_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t latch = __atomic_load_n(&cf8_latch, __ATOMIC_RELAXED);
	unsigned bus = (latch >> 16) & 0xff, dev = (latch >> 11) & 31, fn = (latch >> 8) & 7;
	unsigned reg = (latch & 0xfc) + (a->port - PCI_FILTER_CFC);

	(void)ctx;
	(void)v;
	if ((latch & 0x80000000u) == 0 || a->size > 4 || (reg & 3) + a->size > 4) {
		return BUS_UNOWNED; /* disabled latch: nothing answers */
	}
	if (a->write) {
		pci_filter_write(bus, dev, fn, reg, a->size, (uint32_t)a->value);
	} else {
		a->value = pci_filter_read(bus, dev, fn, reg, a->size);
	}
	return BUS_DONE;
}

/* The ECAM window: the same filter, addressed by offset. */
static enum bus_result ecam_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t off = gpa_addr(a->gpa) - ecam_base;
	unsigned bus = (off >> 20) & 0xff, dev = (off >> 15) & 31, fn = (off >> 12) & 7;
	unsigned reg = off & 0xfff;

	(void)ctx;
	(void)v;
	if (a->size == 0 || a->size > 4 || (reg & 3) + a->size > 4) {
		/* Undecoded or 8-byte: reads all-ones, writes dropped. */
		a->value = ~0ull;
		return BUS_DONE;
	}
	if (a->write) {
		pci_filter_write(bus, dev, fn, reg, a->size, (uint32_t)a->value);
	} else {
		a->value = pci_filter_read(bus, dev, fn, reg, a->size);
	}
	return BUS_DONE;
}

enum svsm_err pci_filter_register(gpa_t ecam, uint64_t size)
{
	enum svsm_err err = bus_register_io(PCI_FILTER_CF8, 1, cf8_access, NULL);

	if (err == SVSM_OK) {
		err = bus_register_io(PCI_FILTER_CFC, 4, cfc_access, NULL);
	}
	if (err == SVSM_OK && size != 0) {
		ecam_base = gpa_addr(ecam);
		ecam_size = size;
		err = bus_register_mmio(ecam, size, ecam_access, NULL);
	}
	return err;
}

void pci_filter_reset(void)
{
	__atomic_store_n(&cf8_latch, 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned j = 0; j < 4; j++) {
			refused_logged[i][j] = 0;
		}
	}
	bme_logged = 0;
}

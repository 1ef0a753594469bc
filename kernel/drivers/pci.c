/*
 * Minimal PCI configuration access (see pci.h). Bus 0 only: q35 puts every built-in and
 * -device function there unless a bridge is added; bridges are documented as a limit.
 * Used on the BSP before the guest starts, and by the guest's configuration filter
 * (devices/pci_filter.c) from any CPU: pci_lock keeps each CF8/CFC pair together.
 */
#include "kernel/drivers/pci.h"

#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/spinlock.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_COMMAND        0x04
#define PCI_COMMAND_MASTER (1u << 2)

static uint32_t config_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc);
}

static struct spinlock pci_lock;

uint32_t pci_config_read32(unsigned dev, unsigned fn, unsigned reg)
{
	uint64_t flags = spin_lock_irqsave(&pci_lock);
	uint32_t v;

	outl(PCI_CONFIG_ADDRESS, config_addr(dev, fn, reg));
	v = inl(PCI_CONFIG_DATA);
	spin_unlock_irqrestore(&pci_lock, flags);
	return v;
}

void pci_config_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	uint64_t flags = spin_lock_irqsave(&pci_lock);

	outl(PCI_CONFIG_ADDRESS, config_addr(dev, fn, reg));
	outl(PCI_CONFIG_DATA, v);
	spin_unlock_irqrestore(&pci_lock, flags);
}

unsigned pci_disable_bus_mastering(void)
{
	unsigned changed = 0;

	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint32_t id = pci_config_read32(dev, fn, 0);
			uint32_t cmd;

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0) {
					break; /* no device */
				}
				continue;
			}
			cmd = pci_config_read32(dev, fn, PCI_COMMAND);
			if ((cmd & PCI_COMMAND_MASTER) != 0) {
				/* Keep the status half (write-1-to-clear) untouched: write zeros there. */
				pci_config_write32(dev, fn, PCI_COMMAND, cmd & 0xffff & ~PCI_COMMAND_MASTER);
				changed++;
			}
		}
	}
	return changed;
}

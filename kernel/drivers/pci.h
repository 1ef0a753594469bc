/*
 * PCI configuration space through the legacy ports 0xCF8/0xCFC, for the SVSM's own use at
 * boot: turning off bus mastering on every device before a guest runs (docs/native.md),
 * and the real accesses of the guest's configuration filter (devices/pci_filter.c).
 * Host stand-in: pci_host.c (a fake bus 0).
 */
#pragma once

#include <stdint.h>

/** pci_disable_bus_mastering - clear Bus Master Enable on bus 0; returns devices changed. */
unsigned pci_disable_bus_mastering(void);

/** pci_config_read32/pci_config_write32 - dword @reg (aligned, < 256) of 00:@dev.@fn. */
uint32_t pci_config_read32(unsigned dev, unsigned fn, unsigned reg);
void pci_config_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v);

/* Host fake (pci_host.c): the configuration space of bus 0, all-ones where set absent. */
void pci_fake_reset(void);
void pci_fake_set32(unsigned dev, unsigned fn, unsigned reg, uint32_t v);
/* pci_fake_set_mask32 - bits of @reg a write changes (BAR sizing); reset: all. */
void pci_fake_set_mask32(unsigned dev, unsigned fn, unsigned reg, uint32_t mask);
unsigned pci_fake_writes(void);

/*
 * PCI configuration space through the legacy ports 0xCF8/0xCFC, for the SVSM's own use at
 * boot: turning off bus mastering on every device before a guest runs (docs/native.md).
 */
#pragma once

#include <stdint.h>

/** pci_disable_bus_mastering - clear Bus Master Enable on bus 0; returns devices changed. */
unsigned pci_disable_bus_mastering(void);

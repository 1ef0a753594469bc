/*
 * Host stand-in for the PCI configuration accessors of pci.h: a fake bus 0 whose
 * functions are all absent (all-ones) until a test gives them registers, for the unit
 * and fuzz tests of devices/pci_filter.c.
 */
#include <string.h>

#include "kernel/drivers/pci.h"

static uint32_t space[32][8][64];
static unsigned writes;

void pci_fake_reset(void)
{
	memset(space, 0xff, sizeof(space));
	writes = 0;
}

void pci_fake_set32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	space[dev & 31][fn & 7][(reg & 0xff) / 4] = v;
}

unsigned pci_fake_writes(void)
{
	return writes;
}

uint32_t pci_config_read32(unsigned dev, unsigned fn, unsigned reg)
{
	return space[dev & 31][fn & 7][(reg & 0xff) / 4];
}

void pci_config_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	space[dev & 31][fn & 7][(reg & 0xff) / 4] = v;
	writes++;
}

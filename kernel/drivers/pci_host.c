/*
 * Host stand-in for the PCI configuration accessors of pci.h: a fake bus 0 whose
 * functions are all absent (all-ones) until a test gives them registers, for the unit
 * and fuzz tests of devices/pci_filter.c and drivers/virtio_pci.c. A register's write mask
 * (all bits writable unless pci_fake_set_mask32() says otherwise) lets BAR sizing work.
 */
#include <string.h>

#include "kernel/drivers/pci.h"

static uint32_t space[32][8][64];
static uint32_t masks[32][8][64];
static unsigned writes;

void pci_fake_reset(void)
{
	memset(space, 0xff, sizeof(space));
	memset(masks, 0xff, sizeof(masks));
	writes = 0;
}

void pci_fake_set32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	space[dev & 31][fn & 7][(reg & 0xff) / 4] = v;
}

void pci_fake_set_mask32(unsigned dev, unsigned fn, unsigned reg, uint32_t mask)
{
	masks[dev & 31][fn & 7][(reg & 0xff) / 4] = mask;
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
	uint32_t *r = &space[dev & 31][fn & 7][(reg & 0xff) / 4];
	uint32_t mask = masks[dev & 31][fn & 7][(reg & 0xff) / 4];

	*r = (*r & ~mask) | (v & mask);
	writes++;
}

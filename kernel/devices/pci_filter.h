/*
 * The guest's PCI configuration space (pci_filter.c): the legacy ports 0xCF8/0xCFC-0xCFF
 * and the ECAM window, through one filter. docs/paravisor.md "PCI".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

#define PCI_FILTER_CF8 0xcf8
#define PCI_FILTER_CFC 0xcfc

/** pci_filter_visible - the guest sees bus 0 device @dev function @fn. */
bool pci_filter_visible(unsigned bus, unsigned dev, unsigned fn);
/**
 * pci_filter_read/pci_filter_write - one guest access of @size (1, 2, 4) bytes at @reg of
 * @bus:@dev.@fn (no dword crossing: the caller splits). Hidden functions and registers
 * past 0xff read all-ones and drop writes; writes pass only through the whitelist.
 */
uint32_t pci_filter_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size);
void pci_filter_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg, unsigned size,
		      uint32_t value);

/** pci_filter_register - own 0xCF8, 0xCFC-0xCFF and the ECAM window [@ecam, +@size). */
enum svsm_err pci_filter_register(gpa_t ecam, uint64_t size) SVSM_MUST_CHECK;
/** pci_filter_reset - forget the address latch and log-once state (host tests). */
void pci_filter_reset(void);

# The device bus and the devices the SVSM emulates for its guest.
portable-y += bus.c guest_done.c intc_absent.c test_mmio.c legacy.c pci_filter.c

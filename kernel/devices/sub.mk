# The device bus and the devices the SVSM emulates for its guest.
portable-y += bus.c guest_done.c intc_absent.c test_mmio.c
# OS guests' interrupt controllers on the physical ones (docs/paravisor.md "Interrupts and
# SMP"); the filters are lib/intc_filter.c.
native-y += lapic.c ioapic.c pic.c

# The device bus and the devices the SVSM emulates for its guest.
portable-y += bus.c fw_cfg_view.c guest_done.c intc_absent.c legacy.c pci_filter.c svsm_hole.c \
	proxy_uart_hide.c \
	test_mmio.c
# OS guests' interrupt controllers on the physical ones (docs/paravisor.md "Interrupts and
# SMP"); the filters are lib/intc_filter.c. Linked everywhere, registered for OS guests only.
kernel-y += lapic.c ioapic.c pic.c
# The TPM CRB device of OS guests (docs/vtpm.md "CRB device"); the registers are lib/tpm_crb.c.
portable-y += tpm_crb.c
# The log device (docs/logging.md "The log device"); the registers are lib/log_dev.c.
portable-y += log_dev.c
# Split firmware's flash: code read-only, the variable store a CFI flash persisted in the
# state store (docs/uefi-vars.md); the state machine is lib/cfi_flash.c.
kernel-y += flash.c
sysinc-y += flash.c

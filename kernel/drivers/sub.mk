# Drivers of the SVSM's own devices: 16550 console, fw_cfg, PCI configuration.
kernel-y += uart16550.c fw_cfg.c pci.c

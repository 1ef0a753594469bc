# Drivers of the SVSM's own devices: 16550 console, fw_cfg, PCI configuration, machine
# ports used on behalf of emulated devices (host fakes: *_host.c).
kernel-y += uart16550.c fw_cfg.c pci.c port_io.c
# The attestation proxy UART (COM2; docs/attestation.md), polled; frames are lib/proxy_frame.c.
kernel-y += proxy_serial.c
host-y += port_io_host.c pci_host.c
# The SVSM's own virtio-blk disk (docs/virtio-blk.md): the transport checks are portable
# (unit tests, fuzz target); the driver runs on native only (SNP: virtio_blk_absent.c).
portable-y += virtio_pci.c
native-y += virtio_blk.c
snp-y += virtio_blk_absent.c

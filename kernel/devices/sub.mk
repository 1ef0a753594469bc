# The device bus and the devices the SVSM emulates for its guest.
portable-y += bus.c fw_cfg_view.c guest_done.c intc_absent.c svsm_hole.c test_mmio.c

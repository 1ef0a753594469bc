/*
 * Launching the guest (guest.h). The launch runs once on the boot CPU: what to run (the
 * fw_cfg files the SVSM finds: the test guest, OVMF, or a Linux kernel), firmware flash,
 * the guest map, the platform's protection of the SVSM, the SVSM's own disk (started
 * after bus mastering was turned off, its BARs denied to the guest), the devices the guest
 * gets, the traps for every device's MMIO, the boot vCPU. No state but the kind (ram_map.c).
 */
#include "kernel/guest/guest.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/flash.h"
#include "kernel/devices/fw_cfg_view.h"
#include "kernel/devices/intc_absent.h"
#include "kernel/devices/lapic.h"
#include "kernel/devices/legacy.h"
#include "kernel/devices/log_dev.h"
#include "kernel/devices/proxy_uart_hide.h"
#include "kernel/debug/debug.h"
#include "kernel/devices/pci_filter.h"
#include "kernel/init/boot_info.h"
#include "kernel/devices/svsm_hole.h"
#include "kernel/devices/tpm_crb.h"
#include "kernel/drivers/fw_cfg.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "svsm/abi/native_guest.h"

/* Every MMIO range a device owns must reach it: the platform traps them all. */
static enum svsm_err trap_device_mmio(void)
{
	enum svsm_err err = SVSM_OK;
	gpa_t gpa;
	uint64_t size = 0;

	for (unsigned i = 0; err == SVSM_OK && bus_mmio_range(i, &gpa, &size); i++) {
		/* The SVSM's own range is never mapped (svsm_hole.c owns it for OS guests). */
		if (!guest_mem_touches_svsm(gpa, size)) {
			err = plat_guest_trap_mmio(gpa, size);
		}
	}
	return err;
}

static bool fw_cfg_has(const char *name)
{
	uint16_t select;
	uint32_t size;

	return fw_cfg_find(name, &select, &size);
}

/* The test guest wins (make test-e2e); then firmware; then a kernel to boot directly. */
static enum guest_kind choose_kind(void)
{
	if (fw_cfg_has(NATIVE_GUEST_FW_CFG_FILE)) {
		return GUEST_KIND_TEST;
	}
	if (fw_cfg_has("opt/svsm/firmware")) {
		return GUEST_KIND_OVMF;
	}
	if (fw_cfg_has("opt/svsm/kernel")) {
		return GUEST_KIND_LINUX;
	}
	return GUEST_KIND_NONE;
}

/* The devices of an unenlightened OS guest: see docs/paravisor.md. */
static enum svsm_err register_os_devices(void)
{
	gpa_t hole_start, hole_end;

	enum svsm_err err;

	guest_mem_svsm_range(&hole_start, &hole_end);
	err = svsm_hole_register(hole_start, hole_end);
	if (err == SVSM_OK) {
		/* Before the fw_cfg view: it adds the TPM's ACPI tables to the firmware's. */
		err = tpm_crb_register();
		if (err == SVSM_E_UNSUPPORTED) {
			pr_warn("guest: no vTPM: the guest gets no TPM\n");
			err = SVSM_OK;
		}
	}
	if (err == SVSM_OK) {
		err = fw_cfg_view_register();
	}
	if (err == SVSM_OK) {
		err = intc_register_os();
	}
	if (err == SVSM_OK) {
		err = legacy_devices_register();
	}
	if (err == SVSM_OK) {
		/* COM2 is the SVSM's attestation channel (docs/attestation.md). */
		err = proxy_uart_hide_register();
	}
	if (err == SVSM_OK) {
		/* COM3 is the debug image's GDB stub (docs/gdb.md); nothing in the release. */
		err = debug_guest_register();
	}
	if (err == SVSM_OK && boot_info.ecam_size != 0) {
		err = pci_filter_register(gpa_init(boot_info.ecam_base), boot_info.ecam_size);
	}
	return err;
}

/*
 * The SVSM's own disk (docs/virtio-blk.md): started (or given Bus Master Enable back) after
 * plat_guest_prepare() turned bus mastering off. Its absence or failure does not stop the
 * launch: only the state store needs it.
 */
static void start_svsm_disk(void)
{
	enum svsm_err err = virtio_blk_probe();

	if (err == SVSM_E_NOT_FOUND) {
		pr_info("virtio-blk: no disk for the SVSM\n");
	} else if (err == SVSM_E_UNSUPPORTED) {
		pr_info("virtio-blk: not supported on the %s platform\n", plat_name());
	} else if (err != SVSM_OK) {
		pr_warn("virtio-blk: the SVSM's disk is not usable (error %d)\n", err);
	}
}

static enum svsm_err load_guest(struct plat_guest_start *start)
{
	switch (guest_kind()) {
	case GUEST_KIND_TEST:
		return test_guest_load(start);
	case GUEST_KIND_OVMF:
		*start = (struct plat_guest_start){.mode = PLAT_GUEST_RESET};
		return SVSM_OK;
	case GUEST_KIND_LINUX:
		return linux_boot_load(start);
	case GUEST_KIND_NONE:
	default:
		return SVSM_E_NOT_FOUND;
	}
}

enum svsm_err guest_launch(struct vcpu **bsp)
{
	enum plat_guest_source source = plat_guest_source();
	struct plat_guest_start start = {.entry = 0};
	enum svsm_err err = SVSM_OK;

	if (source == PLAT_GUEST_LOADED) {
		guest_set_kind(choose_kind());
		if (guest_kind() == GUEST_KIND_NONE) {
			return SVSM_E_NOT_FOUND;
		}
	}
	if (guest_kind() == GUEST_KIND_OVMF) {
		err = ovmf_load();
	}
	if (err == SVSM_OK) {
		err = guest_ram_map_init();
	}
	if (err == SVSM_OK) {
		err = plat_guest_prepare(&source);
	}
	if (err == SVSM_OK) {
		start_svsm_disk();
		err = guest_kind_is_os() ? register_os_devices() : intc_absent_register();
	}
	if (err == SVSM_OK) {
		/* Every guest: its BARs would be identity-mapped (test guest and OS guests). */
		err = virtio_blk_guest_deny();
	}
	if (err == SVSM_OK) {
		/* Every guest: the log ring's port device (docs/logging.md "The log device"). */
		err = log_dev_register();
	}
	if (err == SVSM_OK && source == PLAT_GUEST_LOADED) {
		err = load_guest(&start);
	}
	if (err == SVSM_OK) {
		err = trap_device_mmio();
	}
	if (err == SVSM_OK && guest_kind() == GUEST_KIND_OVMF) {
		err = flash_map(); /* split firmware's flash: read-only, over the traps */
	}
	if (err != SVSM_OK) {
		return err;
	}
	return plat_launch_guest(source == PLAT_GUEST_LOADED ? &start : NULL, bsp);
}

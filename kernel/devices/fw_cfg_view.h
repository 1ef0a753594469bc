/*
 * The guest's fw_cfg (fw_cfg_view.c): QEMU's fw_cfg interface on ports 0x510/0x511 and the
 * DMA registers 0x514..0x51b, showing the guest a filtered view of the host's fw_cfg: no
 * opt/svsm/ file, etc/e820 from guest_e820(), and the -kernel items built from
 * opt/svsm/kernel, initrd and cmdline. docs/paravisor.md "fw_cfg view".
 */
#pragma once

#include <stdint.h>

#include "kernel/devices/bus.h"
#include "svsm/err.h"

#define FW_CFG_VIEW_PORT_SEL  0x510
#define FW_CFG_VIEW_PORT_DATA 0x511
#define FW_CFG_VIEW_PORT_DMA  0x514
#define FW_CFG_VIEW_PORT_END  0x51c

/* FWCfgDmaAccess control bits (QEMU docs/specs/fw_cfg.txt). */
#define FW_CFG_VIEW_DMA_ERROR  1u
#define FW_CFG_VIEW_DMA_READ   2u
#define FW_CFG_VIEW_DMA_SKIP   4u
#define FW_CFG_VIEW_DMA_SELECT 8u
#define FW_CFG_VIEW_DMA_WRITE  0x10u

/**
 * FW_CFG_VIEW_MAX_FILL - the most bytes one DMA READ writes past the end of its item (or
 * of an absent item; QEMU zero-fills them); a longer request completes with ERROR.
 */
#define FW_CFG_VIEW_MAX_FILL (1u << 20)

/**
 * fw_cfg_view_register - read the host's fw_cfg directory and the kernel's setup header,
 * build the view and own the fw_cfg ports. SVSM_E_NOT_FOUND without a host fw_cfg,
 * SVSM_E_FORMAT for a kernel that is too small or a cmdline that is too long, bus errors.
 */
enum svsm_err fw_cfg_view_register(void) SVSM_MUST_CHECK;

/**
 * fw_cfg_view_add_acpi - add the ACPI table at @table (whole, checksum set; its header's
 * length counts) to what the firmware installs: served as etc/svsm/acpi-tables with
 * commands appended to etc/table-loader (docs/vtpm.md "Discovery"). Call before
 * fw_cfg_view_register(); @table must stay valid. SVSM_E_NOMEM past 4 tables or 1 KiB.
 */
enum svsm_err fw_cfg_view_add_acpi(const uint8_t *table) SVSM_MUST_CHECK;
/** fw_cfg_view_clear_acpi - forget the tables added (host tests). */
void fw_cfg_view_clear_acpi(void);

/** fw_cfg_view_io - the ports' handler (exposed for tests and the fuzz target). */
enum bus_result fw_cfg_view_io(void *ctx, struct vcpu *v, struct bus_access *a);

/** fw_cfg_view_reset - forget the view (host tests). */
void fw_cfg_view_reset(void);

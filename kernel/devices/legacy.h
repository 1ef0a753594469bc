/*
 * The legacy ports an OS guest needs (legacy.c): which pass straight through and which
 * the SVSM filters (power-off, reset, SMI-raising ports). docs/paravisor.md "Ports and
 * power".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define LEGACY_PM_BASE      0x600 /* q35 PMBASE as SeaBIOS/OVMF program it */
#define LEGACY_PM1A_CNT     (LEGACY_PM_BASE + 0x04)
#define LEGACY_SMI_EN       (LEGACY_PM_BASE + 0x30)
#define LEGACY_RST_CNT      0xcf9
#define LEGACY_PORT_A       0x92
#define LEGACY_I8042_CMD    0x64
#define LEGACY_APM_CNT      0xb2

#define PM1_CNT_SLP_EN      (1u << 13)
#define PM1_CNT_SLP_TYP(v)  (((v) >> 10) & 7u)
#define PM1_SLP_TYP_S5      0u /* QEMU's DSDT \_S5 and its ACPI PM1 handler */
#define RST_CNT_RST_CPU     (1u << 2)
#define RST_CNT_RESET       0x6u /* SYS_RST | RST_CPU: what the SVSM writes to reset */

/** enum legacy_pm1_action - what a guest write to PM1a_CNT amounts to. */
enum legacy_pm1_action {
	LEGACY_PM1_FORWARD = 0, /* no sleep request: write as is */
	LEGACY_PM1_POWER_OFF,   /* SLP_EN with S5: the guest powers off */
	LEGACY_PM1_REFUSED,     /* another sleep state: write with SLP_EN cleared */
};

/**
 * legacy_pm1_cnt_decode - a write of @size bytes of @value at @port (0x604 or 0x605):
 * what it asks for, and in *@forward the bytes to write to @port.
 */
enum legacy_pm1_action legacy_pm1_cnt_decode(uint16_t port, uint8_t size, uint32_t value,
					      uint32_t *forward);
/** legacy_is_reset - a write of @value (1 byte) to @port asks for a machine reset. */
bool legacy_is_reset(uint16_t port, uint32_t value);

/** legacy_devices_register - pass the harmless ports, own the filtered ones. */
enum svsm_err legacy_devices_register(void) SVSM_MUST_CHECK;

/*
 * The SVSM's attestation UART (COM2, kernel/drivers/proxy_serial.c) as OS guests see it:
 * absent. Its ports are owned on the bus so that no later passthrough can expose them.
 */
#pragma once

#include "svsm/err.h"

#define PROXY_UART_PORT 0x2f8
#define PROXY_UART_PORTS 8

/**
 * proxy_uart_hide_register - own ports 0x2f8-0x2ff for OS guests: reads return all-ones,
 * writes are dropped (what an empty ISA slot answers). Set-up time, before vCPUs run.
 */
enum svsm_err proxy_uart_hide_register(void) SVSM_MUST_CHECK;

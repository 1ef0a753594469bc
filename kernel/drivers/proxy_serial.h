/*
 * The SVSM's channel to the host attestation proxy (tools/svsm-proxy): a polled 16550 UART
 * at COM2 (I/O 0x2f8) that only the SVSM uses (OS guests see no device there,
 * kernel/devices/proxy_uart_hide.c), carrying the frames of lib/proxy_frame.h.
 * docs/attestation.md gives the QEMU options and the frame format.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#include "lib/kbs_client.h"

#define PROXY_SERIAL_TIMEOUT_MS 10000 /* per attempt: one HTTP round trip through the proxy */
#define PROXY_SERIAL_ATTEMPTS 3

/**
 * proxy_serial_init - probe and set up COM2 (115200 8N1, FIFOs, no interrupts), then say
 * HELLO to the proxy (a new session: it forgets the previous boot's cookie).
 * @timeout_ms per attempt, @attempts sends of each frame.
 * SVSM_E_NOT_FOUND: no UART at COM2 (QEMU started without the proxy's serial device);
 * SVSM_E_IO: the UART is there but no proxy answered (proxy_serial_last_error() says why).
 * One caller at a time (boot, before the guest runs); the link is the module's.
 */
enum svsm_err proxy_serial_init(uint64_t timeout_ms, uint32_t attempts) SVSM_MUST_CHECK;

/** proxy_serial_transport - the KBS client's transport over the link (after init). */
const struct kbs_transport *proxy_serial_transport(void);

/** proxy_serial_last_error - why the last exchange failed, or NULL. */
const char *proxy_serial_last_error(void);

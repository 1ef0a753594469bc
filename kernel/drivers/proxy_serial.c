/*
 * Polled driver of the proxy UART (COM2) and the proxy link over it (proxy_serial.h).
 * Owns the UART and the one struct proxy_link (frame buffers, sequence number); both are
 * used by a single caller at boot, so there is no lock. Every wait is bounded by the TSC:
 * a host that never drains the transmitter or never answers gives SVSM_E_IO, not a hang.
 */
#include "kernel/drivers/proxy_serial.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"

#include "lib/proxy_frame.h"

#define COM2 0x2f8
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_TX_TIMEOUT_US 100000 /* per byte: the FIFO drains in microseconds */

static struct proxy_link link;
static const struct kbs_transport transport = {.ctx = &link, .http = proxy_link_http};

static enum svsm_err uart_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	(void)ctx;
	for (uint32_t i = 0; i < len; i++) {
		uint64_t deadline = tsc_now_us() + UART_TX_TIMEOUT_US;

		while ((inb(COM2 + UART_LSR) & UART_LSR_THRE) == 0) {
			if (tsc_now_us() >= deadline) {
				return SVSM_E_IO;
			}
			cpu_relax();
		}
		outb(COM2 + UART_THR, buf[i]);
	}
	return SVSM_OK;
}

static uint32_t uart_recv(void *ctx, uint8_t *buf, uint32_t len, uint64_t deadline_us)
{
	uint32_t n = 0;

	(void)ctx;
	/* Wait for the first byte until the deadline, then take what the FIFO holds. */
	while (n < len) {
		if ((inb(COM2 + UART_LSR) & UART_LSR_DR) != 0) {
			buf[n++] = inb(COM2 + UART_RBR);
			continue;
		}
		if (n > 0 || tsc_now_us() >= deadline_us) {
			break;
		}
		cpu_relax();
	}
	return n;
}

static uint64_t uart_now_us(void *ctx)
{
	(void)ctx;
	return tsc_now_us();
}

static bool uart_present(void)
{
	/* The scratch register keeps what is written; an empty slot reads all-ones. */
	outb(COM2 + UART_SCR, 0x5a);
	if (inb(COM2 + UART_SCR) != 0x5a) {
		return false;
	}
	outb(COM2 + UART_SCR, 0xa5);
	return inb(COM2 + UART_SCR) == 0xa5;
}

enum svsm_err proxy_serial_init(uint64_t timeout_ms, uint32_t attempts)
{
	static const struct proxy_link_ops ops = {
	    .send = uart_send,
	    .recv = uart_recv,
	    .now_us = uart_now_us,
	};

	if (!uart_present()) {
		link.last_error = "no UART at COM2 (0x2f8)";
		return SVSM_E_NOT_FOUND;
	}
	outb(COM2 + UART_IER, 0x00);
	outb(COM2 + UART_LCR, 0x80); /* DLAB */
	outb(COM2 + 0, 0x01);	     /* divisor 1: 115200 */
	outb(COM2 + 1, 0x00);
	outb(COM2 + UART_LCR, 0x03); /* 8N1 */
	outb(COM2 + UART_FCR, 0xc7); /* FIFOs on and cleared */
	outb(COM2 + UART_MCR, 0x03); /* DTR, RTS; OUT2 off: no interrupts */
	/* Drop whatever a previous boot left in the receiver (bounded: the FIFO is small). */
	for (unsigned i = 0; i < 64 && (inb(COM2 + UART_LSR) & UART_LSR_DR) != 0; i++) {
		(void)inb(COM2 + UART_RBR);
	}
	proxy_link_init(&link, &ops, timeout_ms * 1000, attempts);
	return proxy_link_hello(&link);
}

const struct kbs_transport *proxy_serial_transport(void)
{
	return &transport;
}

const char *proxy_serial_last_error(void)
{
	return link.last_error;
}

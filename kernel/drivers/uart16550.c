/*
 * Polled 16550 UART driver for the SVSM console (COM1). Transmit only: the SVSM never
 * reads from the host-controlled serial line. Callers serialise through log.c.
 */
#include "kernel/drivers/uart16550.h"

#include "kernel/arch/x86_64/x86.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_TX_SPINS 100000

void uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01);        /* divisor 1: 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7);
	outb(COM1 + UART_MCR, 0x03);
}

void uart_putc(char c)
{
	/* Bounded wait: a host that never drains the UART must not hang the SVSM. */
	for (unsigned i = 0; i < UART_TX_SPINS; i++) {
		if ((inb(COM1 + UART_LSR) & UART_LSR_THRE) != 0) {
			break;
		}
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

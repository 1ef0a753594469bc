/* 16550 UART console on COM1 (port 0x3f8), polled, 115200 8N1. */
#pragma once

void uart_init(void);
void uart_putc(char c);

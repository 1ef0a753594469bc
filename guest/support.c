/*
 * Support code of the native test guest: serial output on COM1 (passed through by the
 * SVSM), the SVSM call sequence, and check reporting.
 */
#include <stdarg.h>

#include "guest/guest.h"
#include "lib/format.h"

unsigned guest_passed, guest_failed;

void guest_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void serial_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n') {
		serial_sink(ctx, '\r');
	}
	for (unsigned i = 0; i < 100000 && (inb(0x3fd) & 0x20) == 0; i++) {
	}
	guest_outb(0x3f8, (uint8_t)c);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_emit(serial_sink, 0, fmt, ap);
	va_end(ap);
}

void check(const char *name, bool ok)
{
	gprintf("[guest] %s %s\n", name, ok ? "PASS" : "FAIL");
	if (ok) {
		guest_passed++;
	} else {
		guest_failed++;
	}
}

bool svsm_call(volatile struct svsm_ca *ca, struct call *c)
{
	register uint64_t r8 __asm__("r8") = c->r8;
	register uint64_t r9 __asm__("r9") = c->r9;
	uint8_t pending;

	ca->call_pending = 1;
	__asm__ volatile("vmmcall"
			 : "+a"(c->rax), "+c"(c->rcx), "+d"(c->rdx), "+r"(r8), "+r"(r9)
			 :
			 : "memory");
	c->r8 = r8;
	c->r9 = r9;
	pending = __atomic_exchange_n(&ca->call_pending, 0, __ATOMIC_SEQ_CST);
	return pending == 0;
}

uint64_t bare_vmmcall(uint64_t rax)
{
	__asm__ volatile("vmmcall" : "+a"(rax)::"rcx", "rdx", "r8", "r9", "memory");
	return rax;
}

uint64_t guest_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

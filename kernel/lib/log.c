/*
 * Kernel log (see log.h). Output goes to the 16550 console; a spinlock keeps lines from
 * different CPUs whole. Guarded by log_lock.
 */
#include "kernel/lib/log.h"

#include <stdarg.h>

#include "kernel/drivers/uart16550.h"
#include "kernel/lib/spinlock.h"
#include "lib/format.h"

static enum log_level log_level = LOG_INFO;
static struct spinlock log_lock = SPINLOCK_INIT;

static const char *const log_prefix[] = {"[ERROR] ", "[WARN] ", "", "[debug] "};

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

static int str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

_Bool log_parse_level(const char *name)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	for (unsigned i = 0; i < 4; i++) {
		if (str_eq(name, names[i])) {
			log_level = (enum log_level)i;
			return 1;
		}
	}
	return 0;
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n') {
		uart_putc('\r');
	}
	uart_putc(c);
}

static void log_vemit(const char *prefix, const char *fmt, va_list ap)
{
	uint64_t flags = spin_lock_irqsave(&log_lock);

	for (const char *p = prefix; *p != '\0'; p++) {
		console_sink(NULL, *p);
	}
	format_emit(console_sink, NULL, fmt, ap);
	spin_unlock_irqrestore(&log_lock, flags);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level) {
		return;
	}
	va_start(ap, fmt);
	log_vemit(log_prefix[level], fmt, ap);
	va_end(ap);
}

void log_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit("", fmt, ap);
	va_end(ap);
}

void log_force_unlock(void)
{
	__atomic_store_n(&log_lock.locked, 0, __ATOMIC_RELEASE);
}

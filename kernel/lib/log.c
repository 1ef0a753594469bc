/*
 * Kernel log (see log.h): owns the console level, the debug-mode switch and the host
 * console policy. Every line goes to the log ring (kernel/lib/log_ring.c); a line goes to
 * the 16550 console too when it is in the host-visible class, at or under the console
 * level, or debug mode is on. A spinlock keeps lines from different CPUs whole. Guarded
 * by log_lock (console), which nests the ring's own lock.
 */
#include "kernel/lib/log.h"

#include <stdarg.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/drivers/uart16550.h"
#include "kernel/lib/log_ring.h"
#include "kernel/lib/spinlock.h"
#include "lib/format.h"

static enum log_level log_level = LOG_HOST;
static bool log_debug;        /* guest-set debug mode: mirror every line to the console */
static bool log_debug_ever;   /* debug mode was on at some time since boot */
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

	if (str_eq(name, "host")) {
		log_level = LOG_HOST;
		return 1;
	}
	for (unsigned i = 0; i < 4; i++) {
		if (str_eq(name, names[i])) {
			log_level = (enum log_level)i;
			return 1;
		}
	}
	return 0;
}

bool log_set_debug(bool on)
{
	if (on) {
		__atomic_store_n(&log_debug_ever, true, __ATOMIC_RELEASE);
	}
	return __atomic_exchange_n(&log_debug, on, __ATOMIC_ACQ_REL);
}

bool log_switch_debug(bool on, unsigned vcpu, const char *via)
{
	bool old;

	/*
	 * The line naming a change is mirrored both ways: logged before turning off, after
	 * turning on. A request that changes nothing logs nothing, so it cannot fill the ring.
	 */
	if (!on && log_get_debug()) {
		pr_info("log: debug mode off (vCPU %u, %s): the log is no longer mirrored\n", vcpu,
			via);
	}
	old = log_set_debug(on);
	if (on && !old) {
		pr_info("log: debug mode on (vCPU %u, %s): every log line is mirrored to the host "
			"console\n", vcpu, via);
	}
	return old;
}

bool log_debug_was_on(void)
{
	return __atomic_load_n(&log_debug_ever, __ATOMIC_ACQUIRE);
}

bool log_get_debug(void)
{
	return __atomic_load_n(&log_debug, __ATOMIC_ACQUIRE);
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n') {
		uart_putc('\r');
	}
	uart_putc(c);
}

/*
 * struct log_line - one call's text on its way to the ring, copied while it is formatted
 * (on the stack: lines come from any CPU and context).
 */
struct log_line {
	bool console;
	bool truncated;
	char last;
	size_t len;
	char text[LOG_RING_TEXT_MAX];
};

static void log_line_sink(void *ctx, char c)
{
	struct log_line *line = ctx;

	if (line->console) {
		console_sink(NULL, c);
	}
	line->last = c;
	if (line->len < sizeof(line->text)) {
		line->text[line->len++] = c;
	} else if (c != '\n') {
		line->truncated = true;
	}
}

/* Microseconds for the ring: 0 until tsc_init() has found the frequency. */
static uint64_t log_now_us(void)
{
	return tsc_hz() != 0 ? tsc_now_us() : 0;
}

static void log_vemit(uint8_t ring_level, const char *prefix, bool console, const char *fmt, va_list ap)
{
	struct log_line line = {.console = console};
	uint64_t flags = 0;

	if (console) {
		flags = spin_lock_irqsave(&log_lock);
		for (const char *p = prefix; *p != '\0'; p++) {
			console_sink(NULL, *p);
		}
	}
	format_emit(log_line_sink, &line, fmt, ap);
	if (line.last != '\n') {
		ring_level |= LOG_RING_F_PARTIAL;
	} else if (!line.truncated && line.len > 0) {
		line.len--; /* the record's text has no trailing newline */
	}
	if (line.truncated) {
		ring_level |= LOG_RING_F_TRUNCATED;
	}
	/* Under log_lock when it is held, so ring order matches console order. */
	log_ring_append(ring_level, smp_cpu_index(), log_now_us(), line.text, line.len);
	if (console) {
		spin_unlock_irqrestore(&log_lock, flags);
	}
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit((uint8_t)level, log_prefix[level], level <= log_level || log_get_debug(), fmt,
		  ap);
	va_end(ap);
}

void log_host_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit((uint8_t)level | LOG_RING_F_HOST, log_prefix[level], true, fmt, ap);
	va_end(ap);
}

void log_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_RING_LEVEL_RAW | LOG_RING_F_HOST, "", true, fmt, ap);
	va_end(ap);
}

void log_force_unlock(void)
{
	__atomic_store_n(&log_lock.locked, 0, __ATOMIC_RELEASE);
	log_ring_force_unlock();
}

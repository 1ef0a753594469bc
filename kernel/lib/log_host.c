/*
 * Host build of the kernel log for unit tests and fuzzing: the same interface, printing
 * to stderr at warn level and above, so tests stay quiet unless something is wrong.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/lib/log.h"

static enum log_level host_level = LOG_WARN;

void log_set_level(enum log_level level)
{
	host_level = level;
}

enum log_level log_get_level(void)
{
	return host_level;
}

_Bool log_parse_level(const char *name)
{
	(void)name;
	return 0;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > host_level) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void log_host_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > host_level) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static bool host_debug, host_debug_was_on;

bool log_set_debug(bool on)
{
	bool old = host_debug;

	host_debug = on;
	host_debug_was_on |= on;
	return old;
}

bool log_switch_debug(bool on, unsigned vcpu, const char *via)
{
	(void)vcpu;
	(void)via;
	return log_set_debug(on);
}

bool log_debug_was_on(void)
{
	return host_debug_was_on;
}

bool log_get_debug(void)
{
	return host_debug;
}

void log_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void log_force_unlock(void)
{
}

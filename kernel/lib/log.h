/*
 * Kernel log: printf-style lines, each kept in the log ring (kernel/lib/log_ring.h) and
 * shown on the host console only by the policy of docs/logging.md "Host console policy":
 *
 * - lines of the host-visible class (pr_host_*(), log_raw()) always: boot stages, fatal
 *   errors, panic and test output, and nothing secret;
 * - other lines at or under the console level, `log=host|error|warn|info|debug` on the
 *   command line; the default `host` shows none of them;
 * - every line while the guest has debug mode on (log_set_debug(), the log protocol).
 */
#pragma once

#include <stdbool.h>

/* LOG_HOST is only a console level: no leveled line is shown, only the host class. */
enum log_level { LOG_HOST = -1, LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/** log_parse_level - set the console level from its name; false for an unknown name. */
_Bool log_parse_level(const char *name);
/** log_printf - a line of @level (LOG_ERROR..LOG_DEBUG), not in the host-visible class. */
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/**
 * log_host_printf - a line of @level in the host-visible class: shown on the console
 * whatever the console level. For boot stages and fatal errors that carry no secret.
 */
void log_host_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** log_raw - host-visible, no level or prefix (panic, test output, public digests). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/**
 * log_set_debug - debug mode: while on, every line is also printed on the host console
 * (lines logged before are not replayed). Off at boot. Returns the previous state.
 */
bool log_set_debug(bool on);
bool log_get_debug(void);
/**
 * log_switch_debug - log_set_debug() for a guest's request (@vcpu, through @via), with a
 * line that the host console shows either way (after switching on, before switching off).
 */
bool log_switch_debug(bool on, unsigned vcpu, const char *via);
/** log_debug_was_on - debug mode was on at some time since boot (attestation manifest). */
bool log_debug_was_on(void);
/** log_force_unlock - break the console and ring locks (panic on a CPU that may hold them). */
void log_force_unlock(void);

#define pr_err(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
#define pr_host_err(...)  log_host_printf(LOG_ERROR, __VA_ARGS__)
#define pr_host_warn(...) log_host_printf(LOG_WARN, __VA_ARGS__)
#define pr_host_info(...) log_host_printf(LOG_INFO, __VA_ARGS__)

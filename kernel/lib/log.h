/*
 * Kernel log: printf-style lines on the console, filtered by a level chosen with
 * `log=error|warn|info|debug` on the kernel command line (default info). Every line, at
 * every level, is also kept in the log ring (kernel/lib/log_ring.h, docs/logging.md).
 */
#pragma once

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/** log_parse_level - set the level from its name; returns false for an unknown name. */
_Bool log_parse_level(const char *name);
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** log_raw - print without level filter or prefix (panic, test output). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** log_force_unlock - break the console and ring locks (panic on a CPU that may hold them). */
void log_force_unlock(void);

#define pr_err(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/*
 * printf-style formatting shared by the kernel and host tools: a formatter that emits
 * characters through a callback, and snprintf-like helpers on top of it.
 * Supports %d %i %u %x %X %o %p %s %c %% with the flags '-', '0', ' ', '+', '#', a width
 * and precision (number or '*'), and the length modifiers hh h l ll z t j.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink_fn)(void *ctx, char c);

/** format_emit - format @fmt with @ap into @sink; returns the number of characters emitted. */
size_t format_emit(format_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/** format_vsnprintf - like vsnprintf: always NUL-terminates when @size > 0. */
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

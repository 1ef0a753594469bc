/*
 * Kernel command-line parsing: space-separated tokens "key" or "key=value".
 * The command line comes from the host (untrusted); parsing is bounded and copies out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/**
 * cmdline_get - find the last token named @key in @cmdline.
 * Copies its value (empty for a bare "key") into @val of @size bytes, NUL-terminated and
 * truncated. Returns true when the key is present.
 */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);

/** cmdline_has - true when @key is present, with or without a value. */
bool cmdline_has(const char *cmdline, const char *key);

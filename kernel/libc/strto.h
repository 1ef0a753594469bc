/*
 * strtol family of the kernel C library (kernel/libc/strto.c), "C" locale. Overflow
 * saturates and sets errno to ERANGE (via klibc_set_errno). Host unit tests build them
 * under the klibc_ prefix.
 */
#pragma once

#include "kernel/libc/string.h" /* KLIBC() */

long KLIBC(strtol)(const char *s, char **end, int base);
unsigned long KLIBC(strtoul)(const char *s, char **end, int base);
long long KLIBC(strtoll)(const char *s, char **end, int base);
unsigned long long KLIBC(strtoull)(const char *s, char **end, int base);
int KLIBC(atoi)(const char *s);

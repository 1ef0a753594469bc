/*
 * The kernel's string and memory functions (the compiler emits calls to memcpy, memset,
 * memmove and memcmp itself). Host unit tests build the same code under a klibc_ prefix
 * so that it does not replace the host C library.
 */
#pragma once

#include <stddef.h>

#if defined(SVSM_HOST)
#define KLIBC(name) klibc_##name
#else
#define KLIBC(name) name
#endif

void *KLIBC(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *KLIBC(memmove)(void *dst, const void *src, size_t n);
void *KLIBC(memset)(void *dst, int c, size_t n);
int KLIBC(memcmp)(const void *a, const void *b, size_t n);
size_t KLIBC(strlen)(const char *s);
size_t KLIBC(strnlen)(const char *s, size_t max);
int KLIBC(strcmp)(const char *a, const char *b);
int KLIBC(strncmp)(const char *a, const char *b, size_t n);
char *KLIBC(strchr)(const char *s, int c);
char *KLIBC(strstr)(const char *haystack, const char *needle);
/** memzero_explicit - wipe @n bytes; never optimised away (secrets). */
void KLIBC(memzero_explicit)(void *dst, size_t n);

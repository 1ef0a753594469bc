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
void *KLIBC(memchr)(const void *s, int c, size_t n);
char *KLIBC(strrchr)(const char *s, int c);
char *KLIBC(strcpy)(char *restrict dst, const char *restrict src);
char *KLIBC(strncpy)(char *restrict dst, const char *restrict src, size_t n);
char *KLIBC(strcat)(char *restrict dst, const char *restrict src);
size_t KLIBC(strspn)(const char *s, const char *accept);
size_t KLIBC(strcspn)(const char *s, const char *reject);
char *KLIBC(strpbrk)(const char *s, const char *accept);
/** strtok - one tokenizer state for the whole kernel (libcrypto's only use is at init). */
char *KLIBC(strtok)(char *restrict s, const char *restrict delim);
char *KLIBC(strtok_r)(char *restrict s, const char *restrict delim, char **restrict save);
/** explicit_bzero - glibc's name for memzero_explicit (the vTPM service uses it). */
void KLIBC(explicit_bzero)(void *dst, size_t n);
#if !defined(SVSM_HOST)
/* Allocate (kernel/libc/malloc.c) and report errors (kernel/libc/errno.c). */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
char *strerror(int err);
#endif
/** memzero_explicit - wipe @n bytes; never optimised away (secrets). */
void KLIBC(memzero_explicit)(void *dst, size_t n);

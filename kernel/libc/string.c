/*
 * Memory and string functions of the kernel C library. Plain byte loops with a word
 * fast path for the hot copy and fill; no SSE (the kernel builds with general registers).
 */
#include "kernel/libc/string.h"

#include <stdint.h>

/* x86 allows unaligned 8-byte loads and stores; __builtin_memcpy of 8 bytes is one move. */
static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

void *KLIBC(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	for (; n >= 8; n -= 8, d += 8, s += 8) {
		store64(d, load64(s));
	}
	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *KLIBC(memmove)(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if (d < s || d >= s + n) {
		return KLIBC(memcpy)(dst, src, n); /* forward copy in 8-byte steps is safe */
	} else {
		while (n-- > 0) {
			d[n] = s[n];
		}
	}
	return dst;
}

void *KLIBC(memset)(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;

	for (; n >= 8; n -= 8, d += 8) {
		store64(d, v);
	}
	while (n-- > 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

int KLIBC(memcmp)(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

size_t KLIBC(strlen)(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t KLIBC(strnlen)(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

int KLIBC(strcmp)(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int KLIBC(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b || *a == '\0') {
			return (unsigned char)*a - (unsigned char)*b;
		}
	}
	return 0;
}

char *KLIBC(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *KLIBC(strstr)(const char *haystack, const char *needle)
{
	size_t n = KLIBC(strlen)(needle);

	for (; *haystack != '\0'; haystack++) {
		if (KLIBC(strncmp)(haystack, needle, n) == 0) {
			return (char *)haystack;
		}
	}
	return n == 0 ? (char *)haystack : NULL;
}

void KLIBC(memzero_explicit)(void *dst, size_t n)
{
	volatile uint8_t *d = dst;

	while (n-- > 0) {
		*d++ = 0;
	}
	__asm__ volatile("" ::"r"(dst) : "memory");
}

void *KLIBC(memchr)(const void *s, int c, size_t n)
{
	const uint8_t *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (uint8_t)c) {
			return (void *)(p + i);
		}
	}
	return NULL;
}

char *KLIBC(strrchr)(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c) {
			last = s;
		}
		if (*s == '\0') {
			return (char *)last;
		}
	}
}

char *KLIBC(strcpy)(char *restrict dst, const char *restrict src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0') {
	}
	return dst;
}

char *KLIBC(strncpy)(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++) {
		dst[i] = src[i];
	}
	for (; i < n; i++) {
		dst[i] = '\0';
	}
	return dst;
}

char *KLIBC(strcat)(char *restrict dst, const char *restrict src)
{
	KLIBC(strcpy)(dst + KLIBC(strlen)(dst), src);
	return dst;
}

size_t KLIBC(strspn)(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] != '\0' && KLIBC(strchr)(accept, s[n]) != NULL) {
		n++;
	}
	return n;
}

size_t KLIBC(strcspn)(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] != '\0' && KLIBC(strchr)(reject, s[n]) == NULL) {
		n++;
	}
	return n;
}

char *KLIBC(strpbrk)(const char *s, const char *accept)
{
	s += KLIBC(strcspn)(s, accept);
	return *s != '\0' ? (char *)s : NULL;
}

char *KLIBC(strtok_r)(char *restrict s, const char *restrict delim, char **restrict save)
{
	char *tok;

	if (s == NULL) {
		s = *save;
	}
	if (s == NULL) {
		return NULL;
	}
	s += KLIBC(strspn)(s, delim);
	if (*s == '\0') {
		*save = NULL;
		return NULL;
	}
	tok = s;
	s += KLIBC(strcspn)(s, delim);
	if (*s != '\0') {
		*s++ = '\0';
		*save = s;
	} else {
		*save = NULL;
	}
	return tok;
}

char *KLIBC(strtok)(char *restrict s, const char *restrict delim)
{
	static char *save;

	return KLIBC(strtok_r)(s, delim, &save);
}

void KLIBC(explicit_bzero)(void *dst, size_t n)
{
	KLIBC(memzero_explicit)(dst, n);
}

/*
 * Owns the hardening and abort entry points of the shim: the _FORTIFY_SOURCE checks
 * (__memcpy_chk, __memset_chk, __memmove_chk, __strcpy_chk, __fdelt_chk) as real bounds
 * checks, __stack_chk_fail (the archives compare %fs:0x28, kernel/libc/cpu.c), and
 * __assert_fail/abort. Every violation panics: it means corrupt SVSM memory.
 */
#include <stddef.h>

#include "kernel/lib/panic.h"
#include "kernel/libc/string.h"

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len)
{
	if (n > dst_len) {
		panic("fortify: memcpy of %zu bytes into %zu", n, dst_len);
	}
	return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len)
{
	if (n > dst_len) {
		panic("fortify: memmove of %zu bytes into %zu", n, dst_len);
	}
	return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dst_len);
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len)
{
	if (n > dst_len) {
		panic("fortify: memset of %zu bytes into %zu", n, dst_len);
	}
	return memset(dst, c, n);
}

char *__strcpy_chk(char *dst, const char *src, size_t dst_len);
char *__strcpy_chk(char *dst, const char *src, size_t dst_len)
{
	if (strlen(src) >= dst_len) {
		panic("fortify: strcpy of %zu bytes into %zu", strlen(src) + 1, dst_len);
	}
	return strcpy(dst, src);
}

/* FD_SET/FD_ISSET index check (fd_set holds 1024 descriptors). */
long __fdelt_chk(long fd);
long __fdelt_chk(long fd)
{
	if (fd < 0 || fd >= 1024) {
		panic("fortify: fd_set index %ld", fd);
	}
	return fd / 64;
}

__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	panic("stack protector: canary overwritten (stack smashing in library code)");
}

__attribute__((noreturn)) void __assert_fail(const char *expr, const char *file, unsigned line,
					     const char *func);
void __assert_fail(const char *expr, const char *file, unsigned line, const char *func)
{
	panic("assert failed: %s at %s:%u (%s)", expr, file, line, func);
}

__attribute__((noreturn)) void abort(void);
void abort(void)
{
	panic("abort() called by library code");
}

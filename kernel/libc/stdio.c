/*
 * Owns the shim's stdio: formatted output (lib/format.c underneath; no floating point,
 * an unknown conversion is printed verbatim), the glibc fortify variants of it, and the
 * three standard streams as opaque 216-byte FILE objects. stdout/stderr (and fds 1 and 2)
 * go to the kernel console; every other stream or fd fails. There is no file system:
 * fopen and friends fail with ENOENT/EBADF (OpenSSL carries on without openssl.cnf), and
 * sscanf reports a matching failure. The console has its own lock; nothing else is shared.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/libc/errno.h"
#include "kernel/libc/string.h"
#include "lib/format.h"

typedef struct shim_file {
	uint8_t opaque[216]; /* sizeof(glibc FILE); the archives never look inside */
} FILE;

static FILE file_stdin, file_stdout, file_stderr;
FILE *stdin = &file_stdin;
FILE *stdout = &file_stdout;
FILE *stderr = &file_stderr;

void *malloc(size_t size);

static bool is_console(const FILE *f)
{
	return f == &file_stdout || f == &file_stderr;
}

static void console_write(const char *buf, size_t n)
{
	while (n > 0) {
		int chunk = n > 1024 ? 1024 : (int)n;

		pr_info("%.*s", chunk, buf); /* ring only: library output */
		buf += chunk;
		n -= (size_t)chunk;
	}
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	console_write(&c, 1);
}

/* ---- formatted output into memory ---- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...);
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int __vsnprintf_chk(char *buf, size_t size, int flag, size_t buf_len, const char *fmt, va_list ap);
int __vsnprintf_chk(char *buf, size_t size, int flag, size_t buf_len, const char *fmt, va_list ap)
{
	(void)flag;
	if (size > buf_len) {
		panic("fortify: vsnprintf size %zu into %zu", size, buf_len);
	}
	return format_vsnprintf(buf, size, fmt, ap);
}

int __snprintf_chk(char *buf, size_t size, int flag, size_t buf_len, const char *fmt, ...);
int __snprintf_chk(char *buf, size_t size, int flag, size_t buf_len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(buf, size, flag, buf_len, fmt, ap);
	va_end(ap);
	return n;
}

int vasprintf(char **out, const char *fmt, va_list ap);
int vasprintf(char **out, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *buf;

	va_copy(ap2, ap);
	n = format_vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	buf = malloc((size_t)n + 1);
	if (buf == NULL) {
		*out = NULL;
		return -1;
	}
	format_vsnprintf(buf, (size_t)n + 1, fmt, ap);
	*out = buf;
	return n;
}

int __asprintf_chk(char **out, int flag, const char *fmt, ...);
int __asprintf_chk(char **out, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- formatted output to streams and fds ---- */

int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	if (!is_console(f)) {
		klibc_errno = EBADF;
		return -1;
	}
	return (int)format_emit(console_sink, NULL, fmt, ap);
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vfprintf_chk(f, flag, fmt, ap);
	va_end(ap);
	return n;
}

int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap);
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	if (fd != 1 && fd != 2) {
		klibc_errno = EBADF;
		return -1;
	}
	return (int)format_emit(console_sink, NULL, fmt, ap);
}

int __dprintf_chk(int fd, int flag, const char *fmt, ...);
int __dprintf_chk(int fd, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vdprintf_chk(fd, flag, fmt, ap);
	va_end(ap);
	return n;
}

long write(int fd, const void *buf, size_t n);
long write(int fd, const void *buf, size_t n)
{
	if (fd != 1 && fd != 2) {
		klibc_errno = EBADF;
		return -1;
	}
	console_write(buf, n);
	return (long)n;
}

size_t fwrite(const void *buf, size_t size, size_t count, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t count, FILE *f)
{
	if (!is_console(f) || size == 0) {
		klibc_errno = EBADF;
		return 0;
	}
	console_write(buf, size * count);
	return count;
}

int fputs(const char *s, FILE *f);
int fputs(const char *s, FILE *f)
{
	return fwrite(s, 1, strlen(s), f) == strlen(s) ? 0 : -1;
}

int fputc(int c, FILE *f);
int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return fwrite(&ch, 1, 1, f) == 1 ? (unsigned char)c : -1;
}

void perror(const char *s);
void perror(const char *s)
{
	pr_err("%s%s%s\n", s != NULL ? s : "", s != NULL && s[0] != '\0' ? ": " : "",
		strerror(klibc_errno));
}

int fflush(FILE *f);
int fflush(FILE *f)
{
	/* Console output is unbuffered; NULL means "all streams". */
	if (f == NULL || is_console(f)) {
		return 0;
	}
	klibc_errno = EBADF;
	return -1;
}

/* ---- no file system: input and file streams fail ---- */

FILE *fopen(const char *path, const char *mode);
FILE *fopen(const char *path, const char *mode)
{
	(void)path;
	(void)mode;
	klibc_errno = ENOENT;
	return NULL;
}

FILE *fopen64(const char *path, const char *mode);
FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int fclose(FILE *f);
int fclose(FILE *f)
{
	(void)f;
	klibc_errno = EBADF;
	return -1;
}

size_t fread(void *buf, size_t size, size_t count, FILE *f);
size_t fread(void *buf, size_t size, size_t count, FILE *f)
{
	(void)buf;
	(void)size;
	(void)count;
	(void)f;
	klibc_errno = EBADF;
	return 0;
}

char *fgets(char *buf, int size, FILE *f);
char *fgets(char *buf, int size, FILE *f)
{
	(void)buf;
	(void)size;
	(void)f;
	klibc_errno = EBADF;
	return NULL;
}

int feof(FILE *f);
int feof(FILE *f)
{
	(void)f;
	return 1; /* nothing can ever be read */
}

int ferror(FILE *f);
int ferror(FILE *f)
{
	return !is_console(f);
}

int fileno(FILE *f);
int fileno(FILE *f)
{
	if (f == &file_stdin) {
		return 0;
	}
	if (is_console(f)) {
		return f == &file_stdout ? 1 : 2;
	}
	klibc_errno = EBADF;
	return -1;
}

int fseek(FILE *f, long off, int whence);
int fseek(FILE *f, long off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	klibc_errno = ESPIPE;
	return -1;
}

long ftell(FILE *f);
long ftell(FILE *f)
{
	(void)f;
	klibc_errno = ESPIPE;
	return -1;
}

int remove(const char *path);
int remove(const char *path)
{
	(void)path;
	klibc_errno = EROFS;
	return -1;
}

/* Only OpenSSL's config and HTTP/X509 text parsing use it: report "nothing matched". */
int __isoc99_sscanf(const char *s, const char *fmt, ...);
int __isoc99_sscanf(const char *s, const char *fmt, ...)
{
	(void)s;
	(void)fmt;
	return 0;
}

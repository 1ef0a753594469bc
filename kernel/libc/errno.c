/*
 * Owns errno and error strings of the glibc-ABI shim: __errno_location (one errno per
 * CPU, kept in the CPU's libc area, kernel/libc/cpu.c), strerror and __xpg_strerror_r.
 */
#include "kernel/libc/errno.h"

#include <stddef.h>

#include "kernel/libc/cpu.h"
#include "kernel/libc/string.h"

struct errno_name {
	int err;
	const char *text;
};

static const struct errno_name errno_names[] = {
    {0, "Success"},
    {EPERM, "Operation not permitted"},
    {ENOENT, "No such file or directory"},
    {EINTR, "Interrupted system call"},
    {EIO, "Input/output error"},
    {EBADF, "Bad file descriptor"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EFAULT, "Bad address"},
    {EBUSY, "Device or resource busy"},
    {EEXIST, "File exists"},
    {ENODEV, "No such device"},
    {EINVAL, "Invalid argument"},
    {ENOTTY, "Inappropriate ioctl for device"},
    {ENOSPC, "No space left on device"},
    {ERANGE, "Numerical result out of range"},
    {EDEADLK, "Resource deadlock avoided"},
    {ENOSYS, "Function not implemented (SVSM)"},
    {ENOTSUP, "Operation not supported"},
    {EAFNOSUPPORT, "Address family not supported by protocol"},
};

int *__errno_location(void)
{
	return &libc_cpu_self()->err;
}

static const char *errno_text(int err)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].err == err) {
			return errno_names[i].text;
		}
	}
	return "Unknown error";
}

char *strerror(int err)
{
	return (char *)errno_text(err);
}

int __xpg_strerror_r(int err, char *buf, size_t size);
int __xpg_strerror_r(int err, char *buf, size_t size)
{
	const char *text = errno_text(err);
	size_t n = strlen(text);

	if (size == 0) {
		return ERANGE;
	}
	if (n >= size) {
		memcpy(buf, text, size - 1);
		buf[size - 1] = '\0';
		return ERANGE;
	}
	memcpy(buf, text, n + 1);
	return 0;
}

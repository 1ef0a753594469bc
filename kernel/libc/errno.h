/*
 * errno for the kernel C library: glibc's ABI (__errno_location, Linux errno values).
 * Portable shim code writes klibc_errno; on the host that is the host's errno.
 */
#pragma once

#if defined(SVSM_HOST)
#include <errno.h>
#define klibc_errno errno
#else
int *__errno_location(void);
#define klibc_errno (*__errno_location())

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENFILE 23
#define ENOTTY 25
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define ERANGE 34
#define EDEADLK 35
#define ENOSYS 38
#define ENOTSUP 95
#define EAFNOSUPPORT 97
#endif

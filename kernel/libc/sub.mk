# The kernel's C library and glibc-ABI shim for libtpms.a and libcrypto.a (docs/kernel-libc.md).
kernel-y += cpu.c entropy.c env.c errno.c fortify.c init.c malloc.c pthread.c stdio.c time.c \
	unsupported.c setjmp.S crti.S crtn.S
# Portable: also built, under the klibc_ prefix, into the unit tests (compared with glibc).
portable-y += string.c sort.c strto.c ctype.c

/*
 * The per-CPU area FS base points at while the Debian archives run: the start of glibc's
 * x86-64 tcbhead_t (self pointer at %fs:0, stack-protector canary at %fs:0x28), plus the
 * CPU's errno. The kernel's own per-CPU area stays on GS.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** struct libc_cpu - glibc tcbhead_t prefix (sysdeps/x86_64/nptl/tls.h), then ours. */
struct libc_cpu {
	struct libc_cpu *tcb;	/* 0x00: %fs:0 reads the area's own address */
	void *dtv;		/* 0x08: no TLS in the archives (checked at build time) */
	struct libc_cpu *self;	/* 0x10 */
	int multiple_threads;	/* 0x18 */
	int gscope_flag;	/* 0x1c */
	uint64_t sysinfo;	/* 0x20 */
	uint64_t stack_guard;	/* 0x28: the -fstack-protector canary */
	uint64_t pointer_guard; /* 0x30: glibc PTR_MANGLE key (unused by the archives) */
	int err;		/* errno of this CPU */
	unsigned index;		/* kernel CPU index */
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct libc_cpu, stack_guard) == 0x28, "glibc %fs:0x28 canary");
_Static_assert(offsetof(struct libc_cpu, pointer_guard) == 0x30, "glibc %fs:0x30");

/** libc_cpu_init - point this CPU's FS base at its area (canary chosen on first call). */
void libc_cpu_init(void);
/** libc_cpu_self - this CPU's area (found through the kernel's GS per-CPU index). */
struct libc_cpu *libc_cpu_self(void);
/** libc_cpu_canary - the stack-protector canary every CPU's area carries. */
uint64_t libc_cpu_canary(void);

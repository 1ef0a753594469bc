/* <setjmp.h> for kernel code: the glibc-ABI _setjmp/_longjmp of kernel/libc/setjmp.S. */
#pragma once

/* glibc's jmp_buf is 200 bytes; the first 8 words hold rbx, rbp, r12-r15, rsp, rip. */
typedef struct {
	unsigned long regs[8];
	int mask_was_saved;
	unsigned long saved_mask[16];
} jmp_buf[1];

int _setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void _longjmp(jmp_buf env, int val);
#define setjmp(env) _setjmp(env)
#define longjmp(env, val) _longjmp(env, val)

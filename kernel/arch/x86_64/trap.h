/*
 * Exception and interrupt entry: the frame saved by trap_entry.S and the C handler.
 * Every exception without a registered handler prints a register dump and panics.
 */
#pragma once

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define TRAP_STUB_SIZE 16

#define VEC_DE  0
#define VEC_DB  1
#define VEC_NMI 2
#define VEC_BP  3
#define VEC_UD  6
#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14
#define VEC_MC  18
#define VEC_VC  29

#define VEC_IPI_WAKE 0xee /* Linux 6.1 never uses 0xed/0xee (docs/paravisor.md) */
#define VEC_SPURIOUS 0xff

#ifndef __ASSEMBLY__
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame");

void trap_handle(struct trap_frame *frame);
void trap_dump(const struct trap_frame *frame);
#endif

/*
 * Structure offsets that assembly code uses, taken from the C definitions. This file is not
 * linked: mk/kernel.mk compiles it to assembly and turns each ASM_OFFSET marker into a
 * "#define NAME value" line of build/kernel/gen/asm_offsets.h, so svm_entry.S cannot drift
 * from struct guest_gprs.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/vmcb.h"

#define ASM_OFFSET(name, value) \
	__asm__ volatile(".ascii \"->ASM_OFFSET " #name " %c0\"" ::"i"(value))

void asm_offsets(void);
void asm_offsets(void)
{
	ASM_OFFSET(GPRS_RBX, offsetof(struct guest_gprs, rbx));
	ASM_OFFSET(GPRS_RCX, offsetof(struct guest_gprs, rcx));
	ASM_OFFSET(GPRS_RDX, offsetof(struct guest_gprs, rdx));
	ASM_OFFSET(GPRS_RSI, offsetof(struct guest_gprs, rsi));
	ASM_OFFSET(GPRS_RDI, offsetof(struct guest_gprs, rdi));
	ASM_OFFSET(GPRS_RBP, offsetof(struct guest_gprs, rbp));
	ASM_OFFSET(GPRS_R8, offsetof(struct guest_gprs, r8));
	ASM_OFFSET(GPRS_R9, offsetof(struct guest_gprs, r9));
	ASM_OFFSET(GPRS_R10, offsetof(struct guest_gprs, r10));
	ASM_OFFSET(GPRS_R11, offsetof(struct guest_gprs, r11));
	ASM_OFFSET(GPRS_R12, offsetof(struct guest_gprs, r12));
	ASM_OFFSET(GPRS_R13, offsetof(struct guest_gprs, r13));
	ASM_OFFSET(GPRS_R14, offsetof(struct guest_gprs, r14));
	ASM_OFFSET(GPRS_R15, offsetof(struct guest_gprs, r15));
}

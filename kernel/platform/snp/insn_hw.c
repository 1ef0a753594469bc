/*
 * Real SNP instructions for the kernel build (not built on the host): PVALIDATE, RMPADJUST,
 * VMGEXIT, RDMSR/WRMSR. Encodings from APM vol. 3 as Linux arch/x86/include/asm/sev.h uses
 * them. No state.
 */
#include "kernel/platform/snp/insn.h"

uint32_t snp_insn_pvalidate(uint64_t vaddr, unsigned int size, bool validate, bool *no_change)
{
	uint32_t rc = 0;
	bool cf = false;

	/* PVALIDATE: F2 0F 01 FF; RAX = VA, RCX = size, RDX = validate; EAX, CF out. */
	asm volatile(".byte 0xf2, 0x0f, 0x01, 0xff"
		     : "=a"(rc), "=@ccc"(cf)
		     : "a"(vaddr), "c"((uint64_t)size), "d"((uint64_t)validate)
		     : "memory", "cc");
	*no_change = cf;
	return rc;
}

uint32_t snp_insn_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs)
{
	uint32_t rc = 0;

	/* RMPADJUST: F3 0F 01 FE; RAX = VA, RCX = size, RDX = attributes. */
	asm volatile(".byte 0xf3, 0x0f, 0x01, 0xfe"
		     : "=a"(rc)
		     : "a"(vaddr), "c"((uint64_t)size), "d"(attrs)
		     : "memory", "cc");
	return rc;
}

void snp_insn_vmgexit(void)
{
	asm volatile("rep; vmmcall" ::: "memory");
}

uint64_t snp_insn_rdmsr(uint32_t msr)
{
	uint32_t lo = 0;
	uint32_t hi = 0;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

void snp_insn_wrmsr(uint32_t msr, uint64_t value)
{
	asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
}

void snp_insn_terminated(void)
{
	for (;;) {
		asm volatile("cli; hlt" ::: "memory");
	}
}

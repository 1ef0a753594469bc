/*
 * Real SNP instructions for the kernel build (not built on the host): PVALIDATE, RMPADJUST,
 * VMGEXIT, RDMSR/WRMSR. Encodings from APM vol. 3 as Linux arch/x86/include/asm/sev.h uses
 * them. PVALIDATE and RMPADJUST are guarded by exception fixups (extable.h): a #PF or #GP
 * they raise on a page the host changed returns SNP_INSN_FAULTED, as COCONUT's guarded
 * instructions do. No state.
 */
#include "kernel/platform/snp/insn.h"

#include "kernel/arch/x86_64/extable.h"

uint32_t snp_insn_pvalidate(uint64_t vaddr, unsigned int size, bool validate, bool *no_change)
{
	uint64_t rax = vaddr;
	uint32_t faulted = 0;
	bool cf = false;

	/* PVALIDATE: F2 0F 01 FF; RAX = VA, RCX = size, RDX = validate; EAX, CF out. */
	asm volatile("1:\t.byte 0xf2, 0x0f, 0x01, 0xff\n\t"
		     "jmp 3f\n"
		     "2:\tmovl $1, %[f]\n"
		     "3:\n\t" EXTABLE_ENTRY(1b, 2b)
		     : "+a"(rax), "=@ccc"(cf), [f] "+r"(faulted)
		     : "c"((uint64_t)size), "d"((uint64_t)validate)
		     : "memory");
	if (faulted != 0) {
		*no_change = false;
		return SNP_INSN_FAULTED;
	}
	*no_change = cf;
	return (uint32_t)rax;
}

uint32_t snp_insn_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs)
{
	uint64_t rax = vaddr;
	uint32_t faulted = 0;

	/* RMPADJUST: F3 0F 01 FE; RAX = VA, RCX = size, RDX = attributes. */
	asm volatile("1:\t.byte 0xf3, 0x0f, 0x01, 0xfe\n\t"
		     "jmp 3f\n"
		     "2:\tmovl $1, %[f]\n"
		     "3:\n\t" EXTABLE_ENTRY(1b, 2b)
		     : "+a"(rax), [f] "+r"(faulted)
		     : "c"((uint64_t)size), "d"(attrs)
		     : "memory", "cc");
	return faulted != 0 ? SNP_INSN_FAULTED : (uint32_t)rax;
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

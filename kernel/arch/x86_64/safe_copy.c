/*
 * Fault-tolerant copies (see safe_copy.h): string or exchange instructions, each listed in
 * the exception-fixup table. A fault inside REP MOVS/STOS reports the instruction's own RIP
 * (RCX/RSI/RDI hold the progress), so one table entry covers each instruction; the fixup sets
 * the "faulted" output and falls through to the end. No state.
 */
#include "kernel/arch/x86_64/safe_copy.h"

#include "kernel/arch/x86_64/extable.h"

bool arch_safe_copy(void *dst, const void *src, size_t n)
{
	uint32_t faulted = 0;
	size_t words = n / 8, bytes = n % 8;

	/*
	 * Quadwords, then the tail: REP MOVSB is emulated one byte per step under QEMU TCG,
	 * which made every guest copy several times slower than the kernel's memcpy.
	 */
	__asm__ volatile("1:\trep movsq\n\t"
			 "movq %[b], %%rcx\n"
			 "2:\trep movsb\n\t"
			 "jmp 4f\n"
			 "3:\tmovl $1, %[f]\n"
			 "4:\n\t" EXTABLE_ENTRY(1b, 3b) EXTABLE_ENTRY(2b, 3b)
			 : "+D"(dst), "+S"(src), "+c"(words), [f] "+r"(faulted)
			 : [b] "r"(bytes)
			 : "memory");
	return faulted == 0;
}

bool arch_safe_zero(void *dst, size_t n)
{
	uint32_t faulted = 0;

	__asm__ volatile("1:\trep stosb\n\t"
			 "jmp 3f\n"
			 "2:\tmovl $1, %[f]\n"
			 "3:\n\t" EXTABLE_ENTRY(1b, 2b)
			 : "+D"(dst), "+c"(n), [f] "+r"(faulted)
			 : "a"(0)
			 : "memory");
	return faulted == 0;
}

bool arch_safe_xchg_u8(uint8_t *p, uint8_t val, uint8_t *old)
{
	uint32_t faulted = 0;

	/* XCHG with memory is locked: one atomic access, as __atomic_exchange_n would be. */
	__asm__ volatile("1:\txchgb %[v], (%[p])\n\t"
			 "jmp 3f\n"
			 "2:\tmovl $1, %[f]\n"
			 "3:\n\t" EXTABLE_ENTRY(1b, 2b)
			 : [v] "+q"(val), [f] "+r"(faulted)
			 : [p] "r"(p)
			 : "memory");
	if (faulted != 0) {
		return false;
	}
	*old = val;
	return true;
}

/*
 * Exception fixups (kernel/arch/x86_64/extable.h) on the native platform: instructions
 * guarded by an .svsm_extable entry fault for real (#PF, #GP, #UD) and resume at their
 * fixup, which reports the error; the SNP instruction wrappers of insn_hw.c (linked into
 * the test kernel only) return SNP_INSN_FAULTED where PVALIDATE and RMPADJUST do not exist.
 */
#include <stdint.h>

#include "kernel/arch/x86_64/extable.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/lib/ktest.h"
#include "kernel/platform/snp/insn.h"

/* A fixup-guarded 8-byte load: true and *@out on success, false when it faulted. */
static bool guarded_load(uint64_t addr, uint64_t *out)
{
	uint64_t val = 0;
	uint32_t faulted = 0;

	asm volatile("1:\tmovq (%[a]), %[v]\n\t"
		     "jmp 3f\n"
		     "2:\tmovl $1, %[f]\n"
		     "3:\n\t" EXTABLE_ENTRY(1b, 2b)
		     : [v] "+r"(val), [f] "+r"(faulted)
		     : [a] "r"(addr)
		     : "memory");
	*out = val;
	return faulted == 0;
}

static volatile uint64_t extable_probe = 0x5eb5eb5eb5eb5eb5ull;

KTEST(extable, guarded_load_succeeds)
{
	uint64_t v = 0;

	KEXPECT(guarded_load((uint64_t)(uintptr_t)&extable_probe, &v));
	KEXPECT_EQ(v, 0x5eb5eb5eb5eb5eb5ull);
}

KTEST(extable, page_fault_takes_fixup)
{
	uint64_t v = 0;

	/* Nothing is mapped at 0 (or in the guard page under a stack) after mm_init(). */
	KEXPECT(!guarded_load(0, &v));
	KEXPECT(!guarded_load(STACK_AREA_BASE, &v));
	KEXPECT_EQ(v, 0);
}

KTEST(extable, general_protection_takes_fixup)
{
	uint64_t v = 0;

	KEXPECT(!guarded_load(0x8000000000000000ull, &v)); /* non-canonical: #GP */
	KEXPECT(guarded_load((uint64_t)(uintptr_t)&extable_probe, &v)); /* still works after */
}

KTEST(extable, unlisted_rip_has_no_fixup)
{
	KEXPECT_EQ(extable_search(0), 0);
	KEXPECT_EQ(extable_search((uint64_t)(uintptr_t)&extable_probe), 0);
}

/* No SNP here: PVALIDATE and RMPADJUST raise #UD, which their fixups turn into an error. */
KTEST(extable, snp_insn_fault_returns_error)
{
	bool no_change = true;

	KEXPECT_EQ(snp_insn_pvalidate((uint64_t)(uintptr_t)&extable_probe, 0, true, &no_change),
		   SNP_INSN_FAULTED);
	KEXPECT(!no_change);
	KEXPECT_EQ(snp_insn_rmpadjust((uint64_t)(uintptr_t)&extable_probe, 0, 0),
		   SNP_INSN_FAULTED);
}

/*
 * Exception-fixup lookup (see extable.h): a linear search of the linker-built table, which
 * holds a handful of entries. No state besides the read-only table.
 */
#include "kernel/arch/x86_64/extable.h"

#include "kernel/arch/x86_64/trap.h"

extern const struct extable_entry __start_svsm_extable[], __stop_svsm_extable[];

uint64_t extable_search(uint64_t rip)
{
	for (const struct extable_entry *e = __start_svsm_extable; e < __stop_svsm_extable; e++) {
		if (e->insn == rip) {
			return e->fixup;
		}
	}
	return 0;
}

bool extable_fixup(struct trap_frame *f)
{
	uint64_t fixup = 0;

	if (f->vector >= 32 || f->vector == VEC_NMI || f->vector == VEC_DF ||
	    f->vector == VEC_MC) {
		return false;
	}
	fixup = extable_search(f->rip);
	if (fixup == 0) {
		return false;
	}
	f->rip = fixup;
	return true;
}

/*
 * Exception fixups: an instruction that may fault for reasons outside the SVSM's control
 * (SNP: PVALIDATE and RMPADJUST on a page the host changed) is listed in the .svsm_extable
 * section with the address to resume at. trap_handle() looks the faulting RIP up before it
 * treats an exception as fatal. The table is read-only and built by the linker (kernel.ld).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** struct extable_entry - @insn may fault; continue at @fixup instead of panicking. */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};
_Static_assert(sizeof(struct extable_entry) == 16, "extable entry");

/*
 * In inline assembly: EXTABLE_ENTRY(1b, 3f) declares that the instruction at local label 1
 * resumes at label 3 when it faults. The fixup code must then signal the fault (e.g. set a
 * "faulted" output register) itself.
 */
#define EXTABLE_ENTRY(insn, fixup)                                                   \
	".pushsection .svsm_extable, \"a\"\n\t.balign 8\n\t.quad " #insn ", " #fixup \
	"\n\t.popsection\n\t"

struct trap_frame;

/** extable_search - the fixup address for a fault at @rip, or 0. */
uint64_t extable_search(uint64_t rip);

/**
 * extable_fixup - for an exception (not NMI, #DF or #MC) at a listed instruction, resume
 * @f at its fixup and return true; false otherwise (the exception stays fatal).
 */
bool extable_fixup(struct trap_frame *f);

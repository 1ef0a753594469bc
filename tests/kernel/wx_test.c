/*
 * Kernel tests that W^X and guard pages are enforced by the MMU: each forbidden access
 * really faults (caught by the test fault hook) with the page-fault error code and CR2
 * the hardware reports.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/lib/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/stack.h"
#include "tests/kernel/fault.h"

#define PF_P     (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

void kmain(uint32_t start_info_pa);
extern char _rodata_start[];

static uint8_t data_code[16] __attribute__((aligned(16))) = {0xc3}; /* ret */

KTEST(wx, write_to_kernel_text_faults)
{
	struct fault_record r;
	uint8_t *text = (uint8_t *)(uintptr_t)kmain;

	fault_arm(&r);
	KEXPECT_EQ(probe_write8(text, 0xcc), 1);
	fault_disarm();
	KEXPECT(r.hit);
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.error_code & (PF_P | PF_WRITE), PF_P | PF_WRITE);
	KEXPECT_EQ(r.cr2, (uint64_t)(uintptr_t)text);
}

KTEST(wx, write_to_rodata_faults)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_write8(_rodata_start, 1), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.cr2, (uint64_t)(uintptr_t)_rodata_start);
}

KTEST(wx, execute_from_data_faults)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_exec(data_code), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.error_code & PF_FETCH, PF_FETCH);
	KEXPECT_EQ(r.cr2, (uint64_t)(uintptr_t)data_code);
}

KTEST(wx, execute_from_stack_faults)
{
	uint8_t code[16] __attribute__((aligned(16))) = {0xc3};
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_exec(code), 1);
	fault_disarm();
	KEXPECT_EQ(r.error_code & PF_FETCH, PF_FETCH);
}

KTEST(wx, direct_map_alias_of_text_is_read_only)
{
	struct fault_record r;
	uint64_t pa = (uint64_t)(uintptr_t)kmain - KERNEL_VBASE;
	uint8_t *alias = (uint8_t *)(uintptr_t)(DIRECT_MAP_BASE + pa);

	fault_arm(&r);
	KEXPECT_EQ(probe_read8(alias), 0); /* readable */
	KEXPECT_EQ(probe_write8(alias, 0xcc), 1);
	fault_disarm();
	KEXPECT_EQ(r.error_code & PF_WRITE, PF_WRITE);
}

KTEST(wx, text_is_executable_and_readable)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_read8((const void *)(uintptr_t)kmain), 0);
	fault_disarm();
	KEXPECT(!r.hit);
}

KTEST(stack, guard_page_below_stack_faults)
{
	struct fault_record r;
	uint64_t top = this_cpu()->kstack_top;
	uint64_t guard = stack_guard_of(top, KSTACK_PAGES);

	fault_arm(&r);
	KEXPECT_EQ(probe_write8((void *)(uintptr_t)(guard + 0xff8), 1), 1);
	fault_disarm();
	KEXPECT_EQ(r.vector, 14);
	KEXPECT_EQ(r.error_code & PF_P, 0); /* not present */
	KEXPECT_EQ(r.cr2, guard + 0xff8);
	/* The stack's own lowest byte is mapped. */
	fault_arm(&r);
	KEXPECT_EQ(probe_read8((void *)(uintptr_t)(guard + MM_PAGE_SIZE)), 0);
	fault_disarm();
}

KTEST(stack, ist_stacks_have_guards)
{
	struct fault_record r;
	const struct percpu *pc = this_cpu();

	for (unsigned i = 0; i < 3; i++) {
		uint64_t guard = stack_guard_of(pc->ist_top[i], ISTACK_PAGES);

		fault_arm(&r);
		KEXPECT_EQ(probe_read8((void *)(uintptr_t)guard), 1);
		fault_disarm();
	}
}

KTEST(wx, null_page_unmapped)
{
	struct fault_record r;

	fault_arm(&r);
	KEXPECT_EQ(probe_read8((const void *)0x10), 1);
	fault_disarm();
	KEXPECT_EQ(r.cr2, 0x10);
}

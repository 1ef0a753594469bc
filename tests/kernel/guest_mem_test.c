/*
 * guest_mem's fault-tolerant copies on the native platform (QEMU TCG): guest RAM that the
 * SVSM cannot reach (here: outside its direct map, so every access is a real #PF) makes each
 * gateway call return SVSM_E_INVALID_ADDRESS through the exception fixup, and the kernel
 * goes on. Without the fixups (memcpy/memset on the direct map) the first access panicked.
 * The same fixup serves SNP's #VC for a page the guest rescinded (snp_vc_not_validated()).
 */
#include <stdint.h>

#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"

#define UNREACHABLE_GPA 0x8000000000ull /* 512 GiB: far beyond the test VM's RAM */

static const struct guest_mem_range no_ram; /* each test leaves guest_mem without RAM */

/* A guest RAM map that the direct map does not cover; guest_mem only checks the map. */
static void unreachable_ram(void)
{
	struct guest_mem_range ram = {gpa_init(UNREACHABLE_GPA),
				      gpa_init(UNREACHABLE_GPA + 4 * MM_PAGE_SIZE)};

	KASSERT(guest_mem_init(&ram, 1, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
}

KTEST(guest_mem, faulting_copies_return_an_address_error)
{
	uint64_t v = 0x5eb5eb5eb5eb5eb5ull;
	bool pending = true;

	unreachable_ram();
	KEXPECT_EQ(guest_mem_read(gpa_init(UNREACHABLE_GPA), &v, sizeof(v)),
		   SVSM_E_INVALID_ADDRESS);
	KEXPECT_EQ(guest_mem_write(gpa_init(UNREACHABLE_GPA + 8), &v, sizeof(v)),
		   SVSM_E_INVALID_ADDRESS);
	/* Copies are quadwords then bytes: a fault in the byte tail alone is caught too. */
	KEXPECT_EQ(guest_mem_read(gpa_init(UNREACHABLE_GPA), &v, 3), SVSM_E_INVALID_ADDRESS);
	KEXPECT_EQ(guest_mem_write(gpa_init(UNREACHABLE_GPA + 5), &v, 7), SVSM_E_INVALID_ADDRESS);
	KEXPECT_EQ(guest_mem_zero(gpa_init(UNREACHABLE_GPA), MM_PAGE_SIZE), SVSM_E_INVALID_ADDRESS);
	KEXPECT_EQ(guest_mem_take_call_pending(gpa_init(UNREACHABLE_GPA), &pending),
		   SVSM_E_INVALID_ADDRESS);
	KEXPECT(pending); /* untouched */
	KEXPECT_EQ(v, 0x5eb5eb5eb5eb5eb5ull);
	KASSERT(guest_mem_init(&no_ram, 0, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
}

KTEST(guest_mem, faulting_window_and_claim_return_an_address_error)
{
	struct guest_mem_window w;
	struct guest_mem_claim c;
	uint8_t buf[64] = {0};

	unreachable_ram();
	KASSERT(guest_mem_window_open(&w, gpa_init(UNREACHABLE_GPA), 2 * MM_PAGE_SIZE) == SVSM_OK);
	KEXPECT_EQ(guest_mem_window_read(&w, 0x10, buf, sizeof(buf)), SVSM_E_INVALID_ADDRESS);
	KEXPECT_EQ(guest_mem_window_write(&w, MM_PAGE_SIZE - 8, buf, sizeof(buf)),
		   SVSM_E_INVALID_ADDRESS);
	KASSERT(guest_mem_claim_unprotected(&c, gpa_init(UNREACHABLE_GPA), MM_PAGE_SIZE) ==
		SVSM_OK);
	KEXPECT_EQ(guest_mem_claim_zero(&c), SVSM_E_INVALID_ADDRESS);
	guest_mem_claim_release(&c);
	KASSERT(guest_mem_init(&no_ram, 0, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
}

/* Reachable guest RAM still copies through the same routines, byte for byte. */
KTEST(guest_mem, reachable_copies_still_work)
{
	struct guest_mem_range ram = {gpa_init(boot_info.svsm_end),
				      gpa_init(boot_info.svsm_end + 0x10000)};
	uint8_t in[100], out[100];
	bool pending = false;

	for (unsigned i = 0; i < sizeof(in); i++) {
		in[i] = (uint8_t)(i * 7 + 1);
	}
	KASSERT(guest_mem_init(&ram, 1, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
	KEXPECT_EQ(guest_mem_write(gpa_add(ram.start, 4093), in, sizeof(in)),
		   SVSM_OK); /* two pages */
	KEXPECT_EQ(guest_mem_read(gpa_add(ram.start, 4093), out, sizeof(out)), SVSM_OK);
	KEXPECT_EQ(__builtin_memcmp(in, out, sizeof(in)), 0);
	KEXPECT_EQ(guest_mem_write(ram.start, in, 1), SVSM_OK);
	KEXPECT_EQ(guest_mem_take_call_pending(ram.start, &pending), SVSM_OK);
	KEXPECT(pending);
	KEXPECT_EQ(guest_mem_take_call_pending(ram.start, &pending), SVSM_OK);
	KEXPECT(!pending);
	KEXPECT_EQ(guest_mem_zero(ram.start, MM_PAGE_SIZE), SVSM_OK);
	KEXPECT_EQ(guest_mem_read(gpa_add(ram.start, 4093), out, 3), SVSM_OK);
	KEXPECT_EQ(out[0] | out[1] | out[2], 0);
	KASSERT(guest_mem_init(&no_ram, 0, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
}

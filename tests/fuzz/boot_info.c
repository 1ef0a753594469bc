/*
 * libFuzzer target for the boot-data parsers: the fuzzer's bytes become host-provided
 * memory at physical 0x1000 (a PVH start_info or an IGVM boot parameter page, with
 * whatever memory maps, command lines and ACPI tables its pointers reach), and
 * boot_info_from_entry() must either fill a sane boot_info or stop with a panic (caught
 * here), never read outside the fake memory (ASan) or loop forever.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/init/boot_info.h"
#include "kernel/init/boot_map_host.h"

#define INPUT_BASE 0x1000u

static jmp_buf panic_jmp;

void fuzz_panic(const char *fmt, ...)
{
	(void)fmt;
	longjmp(panic_jmp, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > BOOT_FAKE_SIZE - INPUT_BASE) {
		size = BOOT_FAKE_SIZE - INPUT_BASE;
	}
	memset(&boot_info, 0, sizeof(boot_info));
	memcpy(boot_fake_mem + INPUT_BASE, data, size);
	if (setjmp(panic_jmp) == 0) {
		boot_info_from_entry(INPUT_BASE);
		/* Accepted boot data must be consistent. */
		if (boot_info.mem_count > BOOT_MAX_MEM_REGIONS || boot_info.cpu_count > MAX_CPUS ||
		    boot_info.svsm_end <= boot_info.svsm_start ||
		    strnlen(boot_info.cmdline, BOOT_CMDLINE_MAX) == BOOT_CMDLINE_MAX) {
			__builtin_trap();
		}
	}
	memset(boot_fake_mem + INPUT_BASE, 0, size);
	return 0;
}

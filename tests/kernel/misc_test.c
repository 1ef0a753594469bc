/* Kernel tests of time, ACPI-derived boot facts, logging and formatting. */
#include <string.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "lib/format.h"

KTEST(tsc, frequency_plausible)
{
	KEXPECT(tsc_hz() > 100000000ull);
	KEXPECT(tsc_hz() < 10000000000ull);
}

KTEST(tsc, delay_agrees_with_pm_timer)
{
	uint16_t port = boot_info.pm_timer_port;
	uint32_t t0, t1, ticks;

	KASSERT(port != 0);
	t0 = inl(port) & 0xffffff;
	tsc_delay_us(20000);
	t1 = inl(port) & 0xffffff;
	ticks = (t1 - t0) & 0xffffff;
	/* 20 ms is 71591 PM-timer ticks; TCG scheduling noise allows a wide margin. */
	KEXPECT(ticks > 60000);
	KEXPECT(ticks < 200000);
}

KTEST(boot_info, memory_map_sane)
{
	uint64_t ram = 0;

	KEXPECT(boot_info.source == BOOT_PVH);
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		KEXPECT(boot_info.mem[i].size != 0);
		if (boot_info.mem[i].type == MEM_RAM) {
			ram += boot_info.mem[i].size;
		}
	}
	KEXPECT(ram >= 200ull << 20); /* the runner gives 256 MiB */
	KEXPECT(boot_info_ram_top() <= 0x100000000ull);
}

KTEST(boot_info, cmdline_copied)
{
	KEXPECT(strstr(boot_info.cmdline, "log=") != NULL);
}

KTEST(log, level_names)
{
	enum log_level old = log_get_level();

	KEXPECT(log_parse_level("debug"));
	KEXPECT_EQ(log_get_level(), LOG_DEBUG);
	KEXPECT(!log_parse_level("verbose"));
	KEXPECT_EQ(log_get_level(), LOG_DEBUG);
	log_set_level(old);
}

KTEST(format, kernel_snprintf)
{
	char buf[64];

	format_snprintf(buf, sizeof(buf), "%s=%#lx %5d|%-3u|", "v", 0xabcUL, -12, 7u);
	KEXPECT(strcmp(buf, "v=0xabc   -12|7  |") == 0);
}

/*
 * Boot sequence of the SVSM on the BSP: console, boot_info, descriptor tables, memory,
 * time, APIC, APs; then the kernel tests (test kernel) or the boot summary. Until a
 * guest exists, the production kernel ends after the summary (isa-debug-exit success).
 */
#include <stdint.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/debug/debug.h"
#include "kernel/devices/guest_done.h"
#include "kernel/drivers/uart16550.h"
#include "kernel/guest/guest.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/platform.h"
#include "kernel/services/persist.h"
#include "kernel/services/services.h"
#include "kernel/vcpu/lifecycle.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/exit_stats.h"
#include "kernel/vcpu/vcpu.h"
#include "lib/cmdline.h"

void kmain(uint32_t start_info_pa);
void arch_call_on_stack(uint64_t top, void (*fn)(void)) __attribute__((noreturn));

static uint64_t boot_tsc;

static __attribute__((noreturn)) void run_guest(void);

static __attribute__((noreturn)) void kmain_late(void)
{
	char filter[64] = "";
	unsigned cpus;
	uint64_t idle_us;

	tsc_init();
	apic_init();
	cpus = smp_init();
	if (!smp_wait_idle(5000)) {
		panic("smp: APs did not reach idle");
	}
	idle_us = tsc_ticks_to_us(rdtsc() - boot_tsc);
	debug_init(); /* debug image: the GDB stub (gdb=wait stops here); release: refuses gdb= */
	pr_host_info("boot: entered through %s\n", boot_info.source == BOOT_IGVM ? "IGVM" : "PVH");
	pr_host_info("boot: %u CPUs online (%s APIC), %lu MiB RAM, TSC %lu MHz (%s)\n", cpus,
		apic_is_x2apic() ? "x2" : "x", boot_info_ram_top() >> 20,
		tsc_hz() / 1000000, tsc_source());
	pr_host_info("boot: kernel idle %lu.%03lu ms after entry\n", idle_us / 1000,
		     idle_us % 1000);
	if (services_init() != SVSM_OK) {
		/* The line before says why (a state or attestation failure, a vTPM that did not
		 * start); no guest has run and nothing was written to the state disk. */
		pr_host_err("boot: stopped before the guest: the SVSM's services did not start\n");
		exit_qemu(EXIT_QEMU_FAILURE);
	}

	if (ktest_count() > 0) {
		cmdline_get(boot_info.cmdline, "ktest", filter, sizeof(filter));
		exit_qemu(ktest_run_all(filter) == 0 ? EXIT_QEMU_SUCCESS : EXIT_QEMU_FAILURE);
	}
	run_guest();
}

/*
 * Launches the guest and runs its boot vCPU on this CPU. The run ends when the guest
 * reports completion (test guests) or is stopped; the SVSM then stops the other vCPUs,
 * checks its own state and reports through isa-debug-exit.
 */
static __attribute__((noreturn)) void run_guest(void)
{
	struct vcpu *bsp = NULL;
	enum svsm_err err = plat_init();
	int result;
	bool healthy;

	if (err == SVSM_OK) {
		err = guest_launch(&bsp);
	}
	if (err == SVSM_E_NOT_FOUND) {
		pr_host_info("boot: no guest configured; SVSM done\n");
		exit_qemu(EXIT_QEMU_SUCCESS);
	}
	if (err != SVSM_OK) {
		panic("cannot launch the guest on the %s platform: error %d", plat_name(), err);
	}
	pr_host_info("guest: starting on the %s platform\n", plat_name());
	vcpu_loop(bsp);
	healthy = vcpu_stop_all(bsp, 100000000) && page_alloc_check();
	result = guest_done_result();
	if (!guest_stopped()) {
		exit_stats_print(); /* guest_stop() printed them already */
	}
	pr_host_info("guest: finished: %s; %lu SVSM calls served; %lu INVD/WBINVD run as WBINVD; "
		"SVSM %s\n", result < 0 ? "stopped without reporting" :
		result == 0 ? "reported all checks passed" : "reported failures",
		vcpu_calls_total(), vcpu_exit_invd_count(), healthy ? "healthy" : "NOT healthy");
	(void)persist_log_sync(); /* this boot's last lines into the persistent log */
	exit_qemu(result == 0 && healthy ? EXIT_QEMU_SUCCESS : EXIT_QEMU_FAILURE);
}

void kmain(uint32_t start_info_pa)
{
	char level[16];

	boot_tsc = rdtsc();
	smp_bsp_setup_early();
	uart_init();
	log_raw("SVSM: booting\n");
	boot_info_from_entry(start_info_pa);
	if (cmdline_get(boot_info.cmdline, "log", level, sizeof(level)) && !log_parse_level(level)) {
		pr_host_warn("unknown log level '%s' (host, error, warn, info, debug)\n", level);
	}
	pr_debug("cmdline: '%s'\n", boot_info.cmdline);
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		pr_debug("mem %016lx-%016lx type %u\n", boot_info.mem[i].base,
			 boot_info.mem[i].base + boot_info.mem[i].size, boot_info.mem[i].type);
	}
	if (plat_early_init() != SVSM_OK) {
		panic("the %s platform is not available on this machine", plat_name());
	}
	mm_init();
	smp_bsp_setup_stacks();
	/* Leave the static boot stack for a guarded one. */
	arch_call_on_stack(this_cpu()->kstack_top, kmain_late);
}

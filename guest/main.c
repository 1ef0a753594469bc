/*
 * The native test guest: runs at lower privilege under the SVSM, finds its calling
 * area, calls every core-protocol call with valid arguments, then with hostile ones,
 * and reports one line per check and a summary. The failure count goes to the SVSM
 * through the completion port. guest_args selects other modes: "bench" measures an SVSM
 * call against a bare VMMCALL; "uefi_mm", "uefi_persist1"/"uefi_persist2" and
 * "uefi_bench" run the UEFI MM protocol's tier, persistence halves and bench; "touch_svsm"
 * reads SVSM memory and "touch_apic" writes the local APIC's ICR (the SVSM must stop us in
 * both); "spin" makes SVSM calls until QEMU ends (the GDB stub's test, docs/gdb.md);
 * "log" and "log_debug" check the log protocol (guest/log_tests.c).
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"

extern unsigned guest_passed, guest_failed;
extern char __load_start[], __guest_mem_size[];
void guest_entry32(void);
void guest_main(const struct native_boot_info *bi);

__attribute__((section(".header"), used)) static const struct native_guest_header header = {
	.magic = NATIVE_GUEST_MAGIC,
	.header_size = sizeof(struct native_guest_header),
	.load_gpa = (uint64_t)__load_start,
	.entry_gpa = (uint64_t)guest_entry32,
	.mem_size = (uint64_t)__guest_mem_size,
};

const struct native_boot_info *boot;
volatile struct svsm_ca *ca;
uint64_t scratch; /* 2 MiB-aligned scratch area in guest RAM above the SVSM */

/*
 * Alternates blocks of SVSM calls and bare VMMCALLs and reports the median of the
 * per-round ratios, which is robust against the host's scheduling noise.
 */
static void bench(void)
{
	enum { ROUNDS = 21, N = 100 };
	uint64_t ratio[ROUNDS];
	uint64_t svsm_sum = 0, bare_sum = 0;
	struct call c;

	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0 = guest_rdtsc(), svsm, bare;

		for (unsigned i = 0; i < N; i++) {
			c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
			svsm_call(ca, &c);
		}
		svsm = guest_rdtsc() - t0;
		t0 = guest_rdtsc();
		for (unsigned i = 0; i < N; i++) {
			bare_vmmcall(SVSM_CALL(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL));
		}
		bare = guest_rdtsc() - t0;
		ratio[r] = svsm * 1000 / bare;
		svsm_sum += svsm;
		bare_sum += bare;
		for (unsigned k = r; k > 0 && ratio[k - 1] > ratio[k]; k--) {
			uint64_t t = ratio[k];

			ratio[k] = ratio[k - 1];
			ratio[k - 1] = t;
		}
	}
	gprintf("[guest] query_protocol %lu cycles, bare vmmcall %lu cycles per round trip\n",
		svsm_sum / (ROUNDS * N), bare_sum / (ROUNDS * N));
	gprintf("bench svsm_call_vs_vmmcall_ratio %lu.%03lu ratio\n", ratio[ROUNDS / 2] / 1000,
		ratio[ROUNDS / 2] % 1000);
}

static bool args_are(const char *want)
{
	return strcmp(boot->args, want) == 0;
}

/* "touch_mmio=<hex>": the address, or 0 when the arguments are something else. */
static uint64_t touch_mmio_arg(void)
{
	static const char prefix[] = "touch_mmio=";
	const char *p = boot->args + sizeof(prefix) - 1;
	uint64_t a = 0;

	if (strncmp(boot->args, prefix, sizeof(prefix) - 1) != 0) {
		return 0;
	}
	if (p[0] == '0' && p[1] == 'x') {
		p += 2;
	}
	for (; *p != '\0'; p++) {
		unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0') :
			     *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10) : 16;

		if (d == 16) {
			break;
		}
		a = a * 16 + d;
	}
	return a;
}

void guest_main(const struct native_boot_info *bi)
{
	boot = bi;
	if (bi->magic != NATIVE_BOOT_MAGIC) {
		gprintf("[guest] bad boot information\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xff);
		return;
	}
	ca = (volatile struct svsm_ca *)bi->ca_gpa;
	scratch = 0;
	for (unsigned i = 0; i < bi->mem_count && scratch == 0; i++) {
		uint64_t base = (bi->mem[i].base + MB2 - 1) & ~(MB2 - 1);

		if (base >= bi->svsm_base + bi->svsm_size && base + 4 * MB2 <= bi->mem[i].base + bi->mem[i].size) {
			scratch = base;
		}
	}
	gprintf("[guest] test guest: CA %#lx, SVSM %#lx+%#lx, %u CPUs, scratch %#lx, args '%s'\n",
		bi->ca_gpa, bi->svsm_base, bi->svsm_size, bi->cpu_count, scratch, bi->args);
	if (args_are("touch_svsm")) {
		gprintf("[guest] reading SVSM memory at %#lx\n", bi->svsm_base + 0x1000);
		gprintf("[guest] read %#lx: the SVSM did not stop us\n",
			*(volatile uint64_t *)(bi->svsm_base + 0x1000));
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfe);
		return;
	}
	if (touch_mmio_arg() != 0) {
		/* An MMIO range the SVSM keeps for itself (its disk's BAR): must stop us. */
		gprintf("[guest] reading MMIO at %#lx\n", touch_mmio_arg());
		gprintf("[guest] read %#x: the SVSM did not stop us\n",
			*(volatile uint32_t *)(uintptr_t)touch_mmio_arg());
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfc);
		return;
	}
	if (args_are("touch_apic")) {
		/* INIT to the CPU the SVSM runs its other work on: must never reach it. */
		gprintf("[guest] writing the local APIC ICR at %#x\n", 0xfee00300u);
		*(volatile uint32_t *)0xfee00310ul = bi->apic_ids[bi->cpu_count > 1 ? 1 : 0] << 24;
		*(volatile uint32_t *)0xfee00300ul = 0x4500;
		gprintf("[guest] the SVSM did not stop us\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfd);
		return;
	}
	if (scratch == 0) {
		check("scratch_memory_found", false);
	} else if (args_are("bench")) {
		bench();
	} else if (args_are("uefi_mm")) {
		guest_uefi_mm_tests(bi, S_UEFI, S_UEFI_ATT, true);
	} else if (args_are("uefi_persist1") || args_are("uefi_persist2")) {
		guest_uefi_mm_persist(bi, S_UEFI, S_UEFI_ATT, args_are("uefi_persist1") ? 1 : 2);
	} else if (args_are("uefi_bench")) {
		guest_uefi_mm_bench(S_UEFI);
	} else if (args_are("uefi_commit_wait")) {
		guest_uefi_mm_commit_wait(S_UEFI);
	} else if (args_are("spin")) {
		/* make test-gdb: a running SVSM to break into; never returns. */
		struct call c;

		for (;;) {
			c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
			svsm_call(ca, &c);
		}
	} else if (args_are("commit_wait")) {
		commit_wait_test();
	} else if (args_are("commit_loop")) {
		/* make test-state's fault runs: the TPM's permanent state changes until QEMU is
		 * killed somewhere in a commit. */
		uint32_t rc;

		(void)guest_tpm_startup(S_TPM);
		for (unsigned n = 0;; n++) {
			rc = guest_tpm_nv_churn(S_TPM, 0x01500030u);
			if (rc != 0) {
				gprintf("[guest] commit_loop: NV churn %u failed: rc %#x\n", n, rc);
				check("commit_loop_nv_churn", false);
				break;
			}
		}
	} else if (args_are("log") || args_are("log_debug")) {
		test_log_protocol(args_are("log_debug"));
	} else if (args_are("vmsa_tlb")) {
		vmsa_tlb_test();
		return;
	} else {
		test_discovery_and_queries();
		test_remap_ca();
		test_fw_cfg_dma_blocked();
		test_pci_config_hidden();
		test_svm_msrs_hidden();
		test_legacy_ports_refused();
		test_invd();
		test_mmio_emulated();
		test_pvalidate_valid();
		test_pvalidate_hostile();
		test_vcpus();
		test_delete_race();
		guest_tpm_tests(S_TPM, bi);
		guest_uefi_mm_tests(bi, S_UEFI, S_UEFI_ATT, false);
		check("svsm_still_answers", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS &&
					    pval1(S_PAGES + 20 * PAGE, 0, true, false) == SVSM_SUCCESS);
	}
	gprintf("[guest] %u passed, %u failed\n", guest_passed, guest_failed);
	guest_outb(NATIVE_GUEST_DONE_PORT, guest_failed > 255 ? 255 : (uint8_t)guest_failed);
}

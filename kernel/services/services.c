/*
 * Owns service start-up (services.h) and the library context: the library stack, the lock
 * that lets one CPU at a time run archive code on it, and the boot-time EK timing.
 * services_init() runs on the BSP after smp_init(), while the APs idle; its state is
 * written once there and read-only after. lib_lock guards lib_stack and everything the
 * archives keep (libtpms is single-instance; the vTPM service has no lock of its own).
 */
#include "kernel/services/services.h"

#include <stddef.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/arch/x86_64/xsave.h"

#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/libc/cpu.h"
#include "kernel/libc/entropy.h"
#include "kernel/libc/libc.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/stack.h"
#include "kernel/platform/platform.h"
#include "kernel/services/attest/kbs_boot.h"
#include "kernel/services/attest/manifest.h"
#include "kernel/services/persist.h"
#include "kernel/services/uefi_vars_service.h"
#include "kernel/services/vtpm/exec.h"
#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/vtpm.h"
#include "lib/cmdline.h"
#include <string.h>

#define LIB_STACK_PAGES 16 /* 64 KiB; libtpms + OpenSSL peak at about 13 KiB */
#define LIB_STACK_PAINT 0x5a5a5a5a5a5a5a5aull

/* void services_stack_call(uint64_t top, void (*fn)(void *), void *arg): run fn on @top. */
void services_stack_call(uint64_t top, void (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl services_stack_call\n"
	".type services_stack_call, @function\n"
	"services_stack_call:\n"
	"	pushq %rbp\n"
	"	movq %rsp, %rbp\n"
	"	andq $-16, %rdi\n"
	"	movq %rdi, %rsp\n" /* 16-byte aligned at the call: the SysV rule */
	"	movq %rdx, %rdi\n"
	"	call *%rsi\n"
	"	movq %rbp, %rsp\n"
	"	popq %rbp\n"
	"	ret\n"
	".size services_stack_call, . - services_stack_call\n");

static struct spinlock lib_lock = SPINLOCK_INIT;
static uint64_t lib_stack_top;
static volatile uint32_t lib_owner; /* CPU index + 1 running on the library stack */
static bool ready;
static uint64_t ek_us;

void services_run(void (*fn)(void *arg), void *arg)
{
	uint32_t me = smp_cpu_index() + 1;
	uint64_t flags;

	CHECK(lib_stack_top != 0);
	if (__atomic_load_n(&lib_owner, __ATOMIC_ACQUIRE) == me) {
		fn(arg); /* nested: already on the library stack with the lock held */
		return;
	}
	flags = spin_lock_irqsave(&lib_lock); /* also keeps interrupts off for the call */
	plat_vector_state_release(); /* a guest's vector state may still be live */
	__atomic_store_n(&lib_owner, me, __ATOMIC_RELEASE);
	services_stack_call(lib_stack_top, fn, arg);
	CHECK((read_rflags() & RFLAGS_IF) == 0); /* library code must not enable interrupts */
	__atomic_store_n(&lib_owner, 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&lib_lock, flags);
}

bool services_try_run(void (*fn)(void *arg), void *arg)
{
	uint32_t me = smp_cpu_index() + 1;
	uint64_t flags;

	if (lib_stack_top == 0 || __atomic_load_n(&lib_owner, __ATOMIC_ACQUIRE) != 0 ||
	    __atomic_exchange_n(&lib_lock.locked, 1, __ATOMIC_ACQUIRE) != 0) {
		return false; /* never set up, or library code was running (maybe on this CPU) */
	}
	flags = read_rflags();
	irq_disable();
	plat_vector_state_release();
	__atomic_store_n(&lib_owner, me, __ATOMIC_RELEASE);
	services_stack_call(lib_stack_top, fn, arg);
	__atomic_store_n(&lib_owner, 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&lib_lock, flags);
	return true;
}

uint64_t services_lib_stack_in_use(void)
{
	const uint64_t *p =
	    (const uint64_t *)(uintptr_t)(lib_stack_top - LIB_STACK_PAGES * 4096ull);
	const uint64_t *end = (const uint64_t *)(uintptr_t)lib_stack_top;

	while (p < end && *p == LIB_STACK_PAINT) {
		p++;
	}
	return (uint64_t)(uintptr_t)end - (uint64_t)(uintptr_t)p;
}

static void cpu_prepare(void *arg)
{
	(void)arg;
	xsave_cpu_init();
	libc_cpu_init();
}

struct boot_work {
	enum vtpm_ek_type ek_type;
	enum svsm_err err;
	uint64_t ek_us;
	uint8_t ek_sha256[32];
};

static void boot_work_fn(void *arg)
{
	struct boot_work *w = arg;
	uint64_t t0;

	libc_init();
	w->err = persist_boot(kbs_boot_unlock);
	if (w->err != SVSM_OK) {
		return;
	}
	w->err = uefi_vars_service_boot();
	if (w->err != SVSM_OK) {
		return;
	}
	w->err = vtpm_power_on();
	if (w->err != SVSM_OK) {
		return;
	}
	t0 = rdtsc();
	w->err = vtpm_ek_create(w->ek_type);
	w->ek_us = tsc_ticks_to_us(rdtsc() - t0);
	if (w->err == SVSM_OK) {
		w->err = manifest_vtpm_ek_sha256(w->ek_sha256);
	}
}

static enum vtpm_ek_type ek_type_from_cmdline(void)
{
	char val[16] = "";

	if (!cmdline_get(boot_info.cmdline, "vtpm_ek", val, sizeof(val)) ||
	    strcmp(val, "ecc") == 0) {
		return VTPM_EK_ECC_P256;
	}
	if (strcmp(val, "rsa") == 0) {
		return VTPM_EK_RSA_2048;
	}
	pr_warn("services: unknown vtpm_ek=%s (ecc, rsa); using ecc\n", val);
	return VTPM_EK_ECC_P256;
}

enum svsm_err services_init(void)
{
	struct boot_work w = {.ek_type = ek_type_from_cmdline(), .err = SVSM_OK};
	char ek_hex[2 * sizeof(w.ek_sha256) + 1] = "";
	uint64_t t0 = rdtsc();

	if (ready) {
		return SVSM_OK;
	}
	CHECK(smp_cpu_index() == 0);
	CHECK((read_rflags() & RFLAGS_IF) == 0);
	/* Vector state and FS base on every CPU before OpenSSL's CPU detection runs. */
	cpu_prepare(NULL);
	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		CHECK(smp_run_on(cpu, cpu_prepare, NULL));
	}
	if (lib_stack_top == 0) {
		lib_stack_top = stack_alloc(LIB_STACK_PAGES);
		for (uint64_t *p =
			 (uint64_t *)(uintptr_t)(lib_stack_top - LIB_STACK_PAGES * 4096ull);
		     p < (uint64_t *)(uintptr_t)lib_stack_top; p++) {
			*p = LIB_STACK_PAINT;
		}
	}
	pr_info("services: XCR0 %#lx, save area %zu bytes, entropy %s\n", xsave_features(),
		xsave_area_size(), entropy_source());
	services_run(boot_work_fn, &w);
	if (w.err != SVSM_OK) {
		pr_host_err("services: vTPM start failed (error %d)\n", (int)w.err);
		return w.err;
	}
	ek_us = w.ek_us;
	if (persist_enabled()) {
		/* A first boot manufactured the TPM: its state goes to disk before any guest. */
		vtpm_exec_set_sync(persist_sync);
		if (persist_sync() != SVSM_OK) {
			return SVSM_E_IO;
		}
	}
	ready = true;
	pr_host_info("services: vTPM up, EK %s created in %lu.%03lu ms (init %lu ms, heap %zu KiB, "
		"library stack %lu KiB used, %lu calls to failing libc stubs)\n",
		w.ek_type == VTPM_EK_RSA_2048 ? "RSA-2048" : "ECC P-256", ek_us / 1000,
		ek_us % 1000, tsc_ticks_to_us(rdtsc() - t0) / 1000, heap_in_use() / 1024,
		services_lib_stack_in_use() / 1024, libc_unsupported_calls());
	/* What a guest compares with the EK it reads from the TPM (make test-linux-tpm). */
	for (unsigned i = 0; i < sizeof(w.ek_sha256); i++) {
		ek_hex[2 * i] = "0123456789abcdef"[w.ek_sha256[i] >> 4];
		ek_hex[2 * i + 1] = "0123456789abcdef"[w.ek_sha256[i] & 15];
	}
	log_raw("svsm-vtpm ek-sha256 %s\n", ek_hex);
	return SVSM_OK;
}

bool services_ready(void)
{
	return ready;
}

uint64_t services_ek_create_us(void)
{
	return ek_us;
}

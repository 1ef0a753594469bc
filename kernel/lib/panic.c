/*
 * panic() and the backtrace printer. The first CPU to panic wins; others that panic
 * meanwhile just halt. Other CPUs are stopped with an NMI IPI (smp_stop_others()).
 */
#include "kernel/lib/panic.h"

#include <stdarg.h>

#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/mm/mm.h"
#include "kernel/platform/platform.h"
#include "lib/format.h"

static volatile uint32_t panicking;
static void (*save_hook)(void);

void panic_set_save_hook(void (*fn)(void))
{
	__atomic_store_n(&save_hook, fn, __ATOMIC_RELEASE);
}

_Bool panic_in_progress(void)
{
	return panicking != 0;
}

/* A frame is followed only if both of its words are mapped (stacks end at a guard). */
static int frame_ok(uint64_t rbp)
{
	if ((rbp & 7) != 0 || rbp < STACK_AREA_BASE) {
		return 0;
	}
	if (rbp >= STACK_AREA_BASE + STACK_AREA_SIZE && rbp < KERNEL_VBASE) {
		return 0;
	}
	if (pa_is_null(kernel_pt.root)) {
		return 1; /* before mm_init: only the boot stack exists, in the kernel image */
	}
	return pgtable_lookup(&kernel_pt, va_init(rbp), NULL, NULL, NULL) &&
	       pgtable_lookup(&kernel_pt, va_init(rbp + 15), NULL, NULL, NULL);
}

void panic_backtrace(uint64_t rbp)
{
	log_raw("backtrace:\n");
	for (unsigned depth = 0; depth < 32 && frame_ok(rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
		uint64_t ret = frame[1];

		if (ret < KERNEL_VBASE) {
			break;
		}
		log_raw("  #%u %#lx\n", depth, ret);
		if (frame[0] <= rbp) {
			break;
		}
		rbp = frame[0];
	}
}

void exit_qemu(uint8_t code)
{
	outb(0xf4, code);
	for (;;) {
		irq_disable();
		halt();
	}
}

/*
 * The panic path: claim it (the first CPU wins; any other, or this one faulting inside the
 * path, halts), wipe the platform's secrets (SNP: the VMPCKs) and stop the other CPUs
 * *before* anything is printed - console output can take as long as the host likes, and
 * nothing may keep running meanwhile - then @dump (an exception's registers), the message,
 * the backtrace and the save hook.
 */
__attribute__((noreturn)) static void vpanic(void (*dump)(const void *), const void *arg,
					     const char *fmt, va_list ap)
{
	char msg[256];

	irq_disable();
	plat_panic_hook(); /* SNP: VMPCKs wiped before anything is printed */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST) != 0) {
		for (;;) {
			halt();
		}
	}
	smp_stop_others();
	log_force_unlock();
	if (dump != NULL) {
		dump(arg);
	}
	format_vsnprintf(msg, sizeof(msg), fmt, ap);
	log_raw("\nPANIC on CPU %u: %s\n", smp_cpu_index(), msg);
	panic_backtrace(read_rbp());
	if (save_hook != NULL) {
		save_hook(); /* the persistent log, best effort and bounded */
	}
	log_raw("system halted\n");
	exit_qemu(EXIT_QEMU_FAILURE);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, NULL, fmt, ap);
}

void panic_dump(void (*dump)(const void *), const void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(dump, arg, fmt, ap);
}

/*
 * Per-CPU state and descriptor tables: each CPU has its own struct percpu (reached via
 * GS base), its GDT, TSS with IST stacks for #DF, NMI and #MC, and a shared IDT.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/intc_filter.h"

#include "kernel/init/boot_info.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS   0x18

#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_VC  4 /* #VC on SNP: never on the stack it interrupted */
#define IST_COUNT 4

struct trap_frame;

/** fault_hook_fn - test-mode hook; returns true when it handled the exception. */
typedef bool (*fault_hook_fn)(struct trap_frame *frame);

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS size");

struct percpu {
	struct percpu *self;         /* at offset 0: this_cpu() reads %gs:0 */
	unsigned index;              /* 0 = BSP */
	uint32_t apic_id;
	uint64_t kstack_top;
	uint64_t ist_top[IST_COUNT];
	fault_hook_fn fault_hook;
	volatile bool online;
	volatile bool idle;
	uint64_t nmi_count;          /* NMIs taken outside panic and tests */
	uint64_t stray_irq_count;    /* interrupts nobody asked for */
	uint64_t gdt[5] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	void *platform;              /* platform-private per-CPU state */
	/* Guest interrupts (docs/paravisor.md "Interrupts and SMP"): */
	volatile bool guest_irqs;    /* a guest vCPU that owns this CPU's interrupts exists */
	volatile bool in_irq_window; /* inside the sti;nop;cli window after an INTR exit */
	struct intc_pending guest_pending; /* vectors taken for the guest, not yet injected */
	uint64_t dropped_irq_count;  /* guest-range vectors with no guest vCPU here */
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/** cpu_set_percpu - point GS base at @pc (first thing on every CPU). */
void cpu_set_percpu(struct percpu *pc);
/** cpu_init_tables - load this CPU's GDT, TSS and the IDT; IST stacks must be set. */
void cpu_init_tables(struct percpu *pc);
/** cpu_idt_init - build the shared IDT once on the BSP. */
void cpu_idt_init(void);

/*
 * GDT, TSS and IDT setup, and the per-CPU areas. percpu_area[] is indexed by CPU index;
 * each entry is written by its own CPU during bring-up and read-only to others after.
 */
#include "kernel/arch/x86_64/cpu.h"

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"

struct percpu percpu_area[MAX_CPUS];

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));

extern const char trap_stubs[]; /* 256 stubs of TRAP_STUB_SIZE bytes, trap_entry.S */

void cpu_set_percpu(struct percpu *pc)
{
	pc->self = pc;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
}

void cpu_idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t addr = (uint64_t)(uintptr_t)(trap_stubs + v * TRAP_STUB_SIZE);
		uint8_t ist = 0;

		if (v == VEC_DF) {
			ist = IST_DF;
		} else if (v == VEC_NMI) {
			ist = IST_NMI;
		} else if (v == VEC_MC) {
			ist = IST_MC;
		} else if (v == VEC_VC) {
			ist = IST_VC;
		}
		idt[v] = (struct idt_entry){
			.offset_lo = (uint16_t)addr,
			.selector = SEL_KCODE,
			.ist = ist,
			.type_attr = 0x8e, /* present, DPL0, 64-bit interrupt gate */
			.offset_mid = (uint16_t)(addr >> 16),
			.offset_hi = (uint32_t)(addr >> 32),
		};
	}
}

void cpu_init_tables(struct percpu *pc)
{
	uint64_t tss = (uint64_t)(uintptr_t)&pc->tss;
	struct desc_ptr gdtr = {sizeof(pc->gdt) - 1, (uint64_t)(uintptr_t)pc->gdt};
	struct desc_ptr idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00af9a000000ffffull; /* kernel code, 64-bit */
	pc->gdt[2] = 0x00cf92000000ffffull; /* kernel data */
	pc->gdt[3] = (sizeof(pc->tss) - 1) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		     ((tss >> 24) & 0xff) << 56;
	pc->gdt[4] = tss >> 32;
	pc->tss.iomap_base = sizeof(pc->tss);
	for (unsigned i = 0; i < IST_COUNT; i++) {
		pc->tss.ist[i] = pc->ist_top[i];
	}
	pc->tss.rsp[0] = pc->kstack_top;

	__asm__ volatile("lgdt %0" ::"m"(gdtr));
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w[ds], %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 :
			 : [cs] "i"(SEL_KCODE), [ds] "r"((uint32_t)SEL_KDATA)
			 : "rax", "memory");
	/* Reloading %gs would clear GS base; it keeps selector 0 and its MSR value. */
	__asm__ volatile("ltr %w0" ::"r"((uint16_t)SEL_TSS));
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

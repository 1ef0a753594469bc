/*
 * Pure decisions of the interrupt-controller emulation (docs/paravisor.md "Interrupts and
 * SMP"): which vectors a guest may program, the local APIC LVT and ICR filters, the IOAPIC
 * redirection-entry filter, the 8259 ICW state machine, the guest-view LAPIC register
 * state, and the 256-bit pending-vector set. No hardware access and no global state: the
 * devices in kernel/devices/ (lapic.c, ioapic.c, pic.c) do the physical accesses.
 * Freestanding; host-tested in tests/unit/intc_filter_test.c and tests/fuzz/intc_filter.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The SVSM's own vectors (kernel/arch/x86_64/trap.h must agree; it static_asserts so). */
#define INTC_VEC_SVSM_WAKE     0xee
#define INTC_VEC_SVSM_SPURIOUS 0xff
/* The 8259 bases the SVSM substitutes for an illegal ICW2, and programs at launch. */
#define INTC_PIC_MASTER_BASE 0x20
#define INTC_PIC_SLAVE_BASE  0x28

/* APIC delivery modes (ICR, LVT and IOAPIC redirection entry bits 8-10). */
#define INTC_DM_FIXED   0
#define INTC_DM_LOWEST  1
#define INTC_DM_SMI     2
#define INTC_DM_NMI     4
#define INTC_DM_INIT    5
#define INTC_DM_STARTUP 6
#define INTC_DM_EXTINT  7

#define INTC_MASKED (1u << 16)

/* Local APIC register offsets in the xAPIC page. */
#define LAPIC_REG_ID       0x020
#define LAPIC_REG_VERSION  0x030
#define LAPIC_REG_TPR      0x080
#define LAPIC_REG_PPR      0x0a0
#define LAPIC_REG_EOI      0x0b0
#define LAPIC_REG_LDR      0x0d0
#define LAPIC_REG_DFR      0x0e0
#define LAPIC_REG_SVR      0x0f0
#define LAPIC_REG_ISR0     0x100
#define LAPIC_REG_IRR7     0x270
#define LAPIC_REG_ESR      0x280
#define LAPIC_REG_LVT_CMCI 0x2f0
#define LAPIC_REG_ICR_LO   0x300
#define LAPIC_REG_ICR_HI   0x310
#define LAPIC_REG_LVT_TIMER   0x320
#define LAPIC_REG_LVT_THERMAL 0x330
#define LAPIC_REG_LVT_PERF    0x340
#define LAPIC_REG_LVT_LINT0   0x350
#define LAPIC_REG_LVT_LINT1   0x360
#define LAPIC_REG_LVT_ERROR   0x370
#define LAPIC_REG_TIMER_INIT  0x380
#define LAPIC_REG_TIMER_CUR   0x390
#define LAPIC_REG_TIMER_DIV   0x3e0

/** enum intc_refusal - why a filter changed what the guest wrote (for rate-limited logs). */
enum intc_refusal {
	INTC_ACCEPTED = 0,
	INTC_REFUSED_VECTOR,	/* a vector < 0x20 or an SVSM vector */
	INTC_REFUSED_NMI,
	INTC_REFUSED_SMI,
	INTC_REFUSED_INIT,
	INTC_REFUSED_MODE,	/* another delivery mode not allowed here (ExtINT off LINT0, ...) */
	INTC_REFUSED_DEST,	/* INIT/SIPI with a logical destination */
	INTC_REFUSAL_KINDS,
};

/** intc_vector_legal - @vector may deliver physically: >= 0x20 and not an SVSM vector. */
bool intc_vector_legal(uint32_t vector);

/**
 * intc_lvt_filter - the value to write to the physical LVT register at @offset (one of
 * LAPIC_REG_LVT_*) for the guest's @value. Masked entries pass; Fixed with a legal vector
 * passes; ExtINT passes on LINT0 only; anything else is written masked and *@why says why.
 */
uint32_t intc_lvt_filter(uint32_t offset, uint32_t value, enum intc_refusal *why);

/** intc_rte_filter - the same for the low dword of an IOAPIC redirection entry. */
uint32_t intc_rte_filter(uint32_t low, enum intc_refusal *why);

/* ICR destination shorthands (bits 18-19). */
#define INTC_SH_NONE     0
#define INTC_SH_SELF     1
#define INTC_SH_ALL      2
#define INTC_SH_ALL_BUT_SELF 3

/** enum intc_icr_action - what a guest ICR write asks for. */
enum intc_icr_action {
	INTC_ICR_SEND,		/* Fixed/LowestPriority, legal vector: write the physical ICR */
	INTC_ICR_REFUSE,	/* dropped; @why in the decode says why */
	INTC_ICR_INIT,		/* INIT level assert: targets wait for SIPI */
	INTC_ICR_INIT_DEASSERT,	/* ignored */
	INTC_ICR_SIPI,		/* start targets waiting for SIPI at @vector << 12 */
};

/**
 * struct intc_icr - a decoded ICR.
 * @vector:    bits 0-7.   @mode: delivery mode, bits 8-10.   @logical: bit 11.
 * @assert:    level bit 14. @shorthand: bits 18-19. @dest: high dword bits 24-31.
 * @why:       for INTC_ICR_REFUSE.
 */
struct intc_icr {
	uint8_t vector;
	uint8_t mode;
	bool logical;
	bool assert;
	uint8_t shorthand;
	uint8_t dest;
	enum intc_refusal why;
};

/** intc_icr_decode - decode the guest's ICR (@low just written, @high as it holds). */
enum intc_icr_action intc_icr_decode(uint32_t low, uint32_t high, struct intc_icr *icr);

/**
 * intc_icr_targets - an INIT or SIPI decoded into @icr, sent by APIC ID @self, is for APIC
 * ID @apic_id (physical destination or shorthand; physical 0xff is a broadcast).
 */
bool intc_icr_targets(const struct intc_icr *icr, uint32_t self, uint32_t apic_id);

/**
 * struct intc_lapic - the guest's view of one local APIC where it differs from hardware.
 * @svr:     the spurious-vector register the guest wrote (the physical one stays enabled
 *           with vector 0xff).
 * @icr_high: the ICR destination dword; written to hardware only with the ICR low write.
 * @icr_low: the guest's last ICR low dword (hardware's may hold the SVSM's own IPI).
 */
struct intc_lapic {
	uint32_t svr;
	uint32_t icr_high;
	uint32_t icr_low;
};

/** enum intc_lapic_op - what a guest LAPIC write does to hardware. */
enum intc_lapic_op {
	INTC_LAPIC_IGNORE,	/* nothing (read-only, unknown, or refused) */
	INTC_LAPIC_WRITE,	/* write @value to the physical register at the same offset */
	INTC_LAPIC_ICR,		/* an ICR write: act on @action / @icr */
};

/**
 * struct intc_lapic_write - the decision for one guest write.
 * @op:     see enum intc_lapic_op.   @value: for INTC_LAPIC_WRITE.
 * @action: for INTC_LAPIC_ICR.       @icr: the decoded ICR (high from the state).
 * @why:    INTC_ACCEPTED, or why the write was refused or altered.
 */
struct intc_lapic_write {
	enum intc_lapic_op op;
	uint32_t value;
	enum intc_icr_action action;
	struct intc_icr icr;
	enum intc_refusal why;
};

/** intc_lapic_reset - the state at power-on (SVR 0xff, disabled). */
void intc_lapic_reset(struct intc_lapic *s);
/** intc_lapic_do_write - decide the guest's 32-bit write of @value at @offset. */
void intc_lapic_do_write(struct intc_lapic *s, uint32_t offset, uint32_t value,
			 struct intc_lapic_write *out);
/**
 * intc_lapic_passes_read - reads at @offset come from hardware (else from the state or 0).
 * intc_lapic_read_value - what the guest reads at @offset, given @phys from hardware.
 */
bool intc_lapic_passes_read(uint32_t offset);
uint32_t intc_lapic_read_value(const struct intc_lapic *s, uint32_t offset, uint32_t phys);

/** struct intc_pic - one 8259's initialisation progress (0 ready, else next ICW 2..4). */
struct intc_pic {
	uint8_t next_icw;
	bool icw4;
	bool single;
};

/**
 * intc_pic_write - the byte to forward to hardware for the guest's write of @value to
 * the PIC's command (@data false) or data port, advancing the ICW sequence. @slave picks
 * the substitute base. *@substituted is set when an ICW2 base was illegal.
 */
uint8_t intc_pic_write(struct intc_pic *p, bool slave, bool data, uint8_t value,
		       bool *substituted);

/** struct intc_pending - a set of 256 vectors (bit n = vector n pending). */
struct intc_pending {
	uint64_t bits[4];
};

/* Atomic (the SVSM's interrupt handler sets bits that the exit path takes). */
void intc_pending_set(struct intc_pending *p, uint32_t vector);
void intc_pending_clear(struct intc_pending *p, uint32_t vector);
bool intc_pending_any(const struct intc_pending *p);
/** intc_pending_highest - the highest pending vector, or -1 when none. */
int intc_pending_highest(const struct intc_pending *p);

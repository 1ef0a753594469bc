/*
 * Tests of lib/intc_filter.c: the vector rule, the LVT, IOAPIC redirection-entry and ICR
 * filters (with shorthands), the guest-view LAPIC registers, the 8259 ICW state machine
 * and the pending-vector set.
 */
#include "lib/intc_filter.h"
#include "tests/unit/harness.h"

TEST(intc_filter, vector_rule)
{
	EXPECT_FALSE(intc_vector_legal(0x00));
	EXPECT_FALSE(intc_vector_legal(0x1f));
	EXPECT_TRUE(intc_vector_legal(0x20));
	EXPECT_TRUE(intc_vector_legal(0xec));
	EXPECT_TRUE(intc_vector_legal(0xed));
	EXPECT_FALSE(intc_vector_legal(0xee));
	EXPECT_TRUE(intc_vector_legal(0xfe));
	EXPECT_FALSE(intc_vector_legal(0xff));
	EXPECT_FALSE(intc_vector_legal(0x100));
}

TEST(intc_filter, lvt_fixed_extint_and_refusals)
{
	enum intc_refusal why = INTC_ACCEPTED;

	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_TIMER, 0x200ec, &why), 0x200ecu); /* periodic */
	EXPECT_EQ(why, INTC_ACCEPTED);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_LINT0, 0x700, &why), 0x700u);
	EXPECT_EQ(why, INTC_ACCEPTED);
	/* Linux's BSP LINT1 = NMI becomes masked. */
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_LINT1, 0x400, &why), 0x10400u);
	EXPECT_EQ(why, INTC_REFUSED_NMI);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_LINT1, 0x700, &why), 0x10700u);
	EXPECT_EQ(why, INTC_REFUSED_MODE);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_PERF, 0x200, &why), 0x10200u);
	EXPECT_EQ(why, INTC_REFUSED_SMI);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_THERMAL, 0x500, &why), 0x10500u);
	EXPECT_EQ(why, INTC_REFUSED_INIT);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_ERROR, 0x08, &why), 0x10008u);
	EXPECT_EQ(why, INTC_REFUSED_VECTOR);
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_CMCI, 0xee, &why), 0x100eeu);
	EXPECT_EQ(why, INTC_REFUSED_VECTOR);
	/* Already masked: passes whatever it says. */
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_LINT1, 0x10400, &why), 0x10400u);
	EXPECT_EQ(why, INTC_ACCEPTED);
	/* Timer has no delivery mode: reserved bits cleared, vector checked. */
	EXPECT_EQ(intc_lvt_filter(LAPIC_REG_LVT_TIMER, 0x4ec, &why), 0xecu);
	EXPECT_EQ(why, INTC_ACCEPTED);
}

TEST(intc_filter, rte_filter)
{
	enum intc_refusal why = INTC_ACCEPTED;

	EXPECT_EQ(intc_rte_filter(0x30, &why), 0x30u);
	EXPECT_EQ(why, INTC_ACCEPTED);
	EXPECT_EQ(intc_rte_filter(0x8131, &why), 0x8131u); /* lowest, level */
	EXPECT_EQ(intc_rte_filter(0x700, &why), 0x700u);
	EXPECT_EQ(intc_rte_filter(0x08, &why), 0x10008u);
	EXPECT_EQ(why, INTC_REFUSED_VECTOR);
	EXPECT_EQ(intc_rte_filter(0x4ff, &why), 0x104ffu);
	EXPECT_EQ(why, INTC_REFUSED_NMI);
	EXPECT_EQ(intc_rte_filter(0x530, &why), 0x10530u);
	EXPECT_EQ(why, INTC_REFUSED_INIT);
	EXPECT_EQ(intc_rte_filter(0x10008, &why), 0x10008u);
	EXPECT_EQ(why, INTC_ACCEPTED);
}

TEST(intc_filter, icr_decode_and_shorthands)
{
	struct intc_icr icr;

	EXPECT_EQ(intc_icr_decode(0x40fb, 0x03000000, &icr), INTC_ICR_SEND);
	EXPECT_EQ(icr.dest, 3);
	EXPECT_EQ(intc_icr_decode(0x01f0, 0, &icr), INTC_ICR_SEND); /* lowest priority */
	EXPECT_EQ(intc_icr_decode(0x00ee, 0, &icr), INTC_ICR_REFUSE);
	EXPECT_EQ(icr.why, INTC_REFUSED_VECTOR);
	EXPECT_EQ(intc_icr_decode(0x0400, 0, &icr), INTC_ICR_REFUSE);
	EXPECT_EQ(icr.why, INTC_REFUSED_NMI);
	EXPECT_EQ(intc_icr_decode(0x0200, 0, &icr), INTC_ICR_REFUSE);
	EXPECT_EQ(icr.why, INTC_REFUSED_SMI);
	EXPECT_EQ(intc_icr_decode(0x0700, 0, &icr), INTC_ICR_REFUSE);
	/* Linux: INIT assert to APIC ID 1, de-assert, then SIPI vector 0x9a. */
	EXPECT_EQ(intc_icr_decode(0xc500, 0x01000000, &icr), INTC_ICR_INIT);
	EXPECT_TRUE(intc_icr_targets(&icr, 0, 1));
	EXPECT_FALSE(intc_icr_targets(&icr, 0, 2));
	EXPECT_EQ(intc_icr_decode(0x8500, 0x01000000, &icr), INTC_ICR_INIT_DEASSERT);
	EXPECT_EQ(intc_icr_decode(0x069a, 0x01000000, &icr), INTC_ICR_SIPI);
	EXPECT_EQ(icr.vector, 0x9a);
	/* OVMF MpInitLib: all-excluding-self INIT and SIPI. */
	EXPECT_EQ(intc_icr_decode(0xc4500, 0, &icr), INTC_ICR_INIT);
	EXPECT_FALSE(intc_icr_targets(&icr, 0, 0));
	EXPECT_TRUE(intc_icr_targets(&icr, 0, 1));
	EXPECT_TRUE(intc_icr_targets(&icr, 0, 7));
	EXPECT_EQ(intc_icr_decode(0xc4610, 0, &icr), INTC_ICR_SIPI);
	EXPECT_TRUE(intc_icr_targets(&icr, 2, 0));
	EXPECT_FALSE(intc_icr_targets(&icr, 2, 2));
	EXPECT_EQ(intc_icr_decode(0x44610, 0, &icr), INTC_ICR_SIPI); /* self */
	EXPECT_TRUE(intc_icr_targets(&icr, 2, 2));
	EXPECT_FALSE(intc_icr_targets(&icr, 2, 0));
	EXPECT_EQ(intc_icr_decode(0x84610, 0, &icr), INTC_ICR_SIPI); /* all */
	EXPECT_TRUE(intc_icr_targets(&icr, 2, 2));
	EXPECT_EQ(intc_icr_decode(0x4610, 0xff000000, &icr), INTC_ICR_SIPI); /* broadcast */
	EXPECT_TRUE(intc_icr_targets(&icr, 2, 5));
	/* Logical INIT without a shorthand is refused. */
	EXPECT_EQ(intc_icr_decode(0x4d00, 0x01000000, &icr), INTC_ICR_REFUSE);
	EXPECT_EQ(icr.why, INTC_REFUSED_DEST);
}

TEST(intc_filter, lapic_registers)
{
	struct intc_lapic s;
	struct intc_lapic_write w;

	intc_lapic_reset(&s);
	EXPECT_EQ(intc_lapic_read_value(&s, LAPIC_REG_SVR, 0x1ff), 0xffu);
	intc_lapic_do_write(&s, LAPIC_REG_SVR, 0x1f7, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_IGNORE);
	EXPECT_EQ(intc_lapic_read_value(&s, LAPIC_REG_SVR, 0x1ff), 0x1f7u);
	intc_lapic_do_write(&s, LAPIC_REG_EOI, 0, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_WRITE);
	intc_lapic_do_write(&s, LAPIC_REG_ID, 5 << 24, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_IGNORE);
	intc_lapic_do_write(&s, LAPIC_REG_LVT_LINT1, 0x400, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_WRITE);
	EXPECT_EQ(w.value, 0x10400u);
	EXPECT_EQ(w.why, INTC_REFUSED_NMI);
	intc_lapic_do_write(&s, LAPIC_REG_ICR_HI, 0x02000000, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_IGNORE);
	EXPECT_EQ(intc_lapic_read_value(&s, LAPIC_REG_ICR_HI, 0), 0x02000000u);
	intc_lapic_do_write(&s, LAPIC_REG_ICR_LO, 0xc500, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_ICR);
	EXPECT_EQ(w.action, INTC_ICR_INIT);
	EXPECT_EQ(w.icr.dest, 2);
	/* The guest's own ICR, not the SVSM's last IPI; delivery status idle. */
	EXPECT_FALSE(intc_lapic_passes_read(LAPIC_REG_ICR_LO));
	intc_lapic_do_write(&s, LAPIC_REG_ICR_LO, 0x10c500, &w);
	EXPECT_EQ(intc_lapic_read_value(&s, LAPIC_REG_ICR_LO, 0x10ee), 0x10c500u & ~0x1000u);
	EXPECT_TRUE(intc_lapic_passes_read(LAPIC_REG_TIMER_CUR));
	EXPECT_EQ(intc_lapic_read_value(&s, 0x400, 0x1234), 0u);
}

/* In x2APIC mode a read of a reserved register is an RDMSR #GP in the SVSM: never passed. */
TEST(intc_filter, lapic_reads_only_registers_in_both_modes)
{
	static const uint32_t reserved[] = {0x000, 0x010, 0x040, 0x050, 0x060, 0x070, 0x090,
					    0x0c0, 0x0e0, 0x290, 0x2a0, 0x2e0, 0x3a0, 0x3d0,
					    0x3f0, 0x3f8, 0x104, 0x0a4};
	static const uint32_t passed[] = {0x020, 0x030, 0x080, 0x0a0, 0x0d0, 0x100, 0x170,
					  0x180, 0x200, 0x270, 0x280, 0x2f0, 0x320, 0x370,
					  0x380, 0x390, 0x3e0};
	struct intc_lapic s;
	struct intc_lapic_write w;

	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		EXPECT_FALSE(intc_lapic_passes_read(reserved[i]));
	}
	for (unsigned i = 0; i < sizeof(passed) / sizeof(passed[0]); i++) {
		EXPECT_TRUE(intc_lapic_passes_read(passed[i]));
	}
	intc_lapic_reset(&s);
	EXPECT_EQ(intc_lapic_read_value(&s, LAPIC_REG_DFR, 0), 0xffffffffu);
	/* ESR writes reach hardware as 0 (x2APIC: a non-zero write is a #GP). */
	intc_lapic_do_write(&s, LAPIC_REG_ESR, 0x1234, &w);
	EXPECT_EQ(w.op, INTC_LAPIC_WRITE);
	EXPECT_EQ(w.value, 0u);
	/* TPR and LVT writes keep only their defined bits. */
	intc_lapic_do_write(&s, LAPIC_REG_TPR, 0xffffff10u, &w);
	EXPECT_EQ(w.value, 0x10u);
	intc_lapic_do_write(&s, LAPIC_REG_LVT_LINT1, 0xfff10030u, &w);
	EXPECT_EQ(w.value, 0x10030u);
}

TEST(intc_filter, pic_icw_sequence)
{
	struct intc_pic p = {0};
	bool sub = false;

	/* SeaBIOS-style base 0x08 on the master: substituted. */
	EXPECT_EQ(intc_pic_write(&p, false, false, 0x11, &sub), 0x11);
	EXPECT_EQ(intc_pic_write(&p, false, true, 0x08, &sub), INTC_PIC_MASTER_BASE);
	EXPECT_TRUE(sub);
	EXPECT_EQ(intc_pic_write(&p, false, true, 0x04, &sub), 0x04); /* ICW3 */
	EXPECT_FALSE(sub);
	EXPECT_EQ(intc_pic_write(&p, false, true, 0x08, &sub), 0x08); /* ICW4, not a base */
	EXPECT_FALSE(sub);
	EXPECT_EQ(p.next_icw, 0);
	EXPECT_EQ(intc_pic_write(&p, false, true, 0x08, &sub), 0x08); /* OCW1 mask */
	EXPECT_FALSE(sub);
	/* Linux on the slave: 0x28 passes; a base covering 0xee does not. */
	EXPECT_EQ(intc_pic_write(&p, true, false, 0x11, &sub), 0x11);
	EXPECT_EQ(intc_pic_write(&p, true, true, 0x28, &sub), 0x28);
	EXPECT_FALSE(sub);
	EXPECT_EQ(intc_pic_write(&p, true, false, 0x13, &sub), 0x13); /* single, ICW4 */
	EXPECT_EQ(intc_pic_write(&p, true, true, 0xe8, &sub), INTC_PIC_SLAVE_BASE);
	EXPECT_TRUE(sub);
	EXPECT_EQ(p.next_icw, 4);
	EXPECT_EQ(intc_pic_write(&p, true, true, 0x01, &sub), 0x01);
	EXPECT_EQ(p.next_icw, 0);
	EXPECT_EQ(intc_pic_write(&p, true, false, 0x12, &sub), 0x12); /* single, no ICW4 */
	EXPECT_EQ(intc_pic_write(&p, true, true, 0xf8, &sub), INTC_PIC_SLAVE_BASE);
	EXPECT_EQ(p.next_icw, 0);
	EXPECT_EQ(intc_pic_write(&p, false, false, 0x20, &sub), 0x20); /* OCW2 EOI */
}

TEST(intc_filter, pending_set)
{
	struct intc_pending p = {0};

	EXPECT_FALSE(intc_pending_any(&p));
	EXPECT_EQ(intc_pending_highest(&p), -1);
	intc_pending_set(&p, 0x30);
	intc_pending_set(&p, 0xec);
	intc_pending_set(&p, 0x08);
	EXPECT_EQ(intc_pending_highest(&p), 0xec);
	intc_pending_clear(&p, 0xec);
	EXPECT_EQ(intc_pending_highest(&p), 0x30);
	intc_pending_clear(&p, 0x30);
	EXPECT_EQ(intc_pending_highest(&p), 0x08);
	intc_pending_set(&p, 0xff);
	intc_pending_set(&p, 0x00);
	EXPECT_EQ(intc_pending_highest(&p), 0xff);
	intc_pending_clear(&p, 0xff);
	intc_pending_clear(&p, 0x08);
	EXPECT_EQ(intc_pending_highest(&p), 0);
	EXPECT_TRUE(intc_pending_any(&p));
	intc_pending_clear(&p, 0);
	EXPECT_FALSE(intc_pending_any(&p));
}

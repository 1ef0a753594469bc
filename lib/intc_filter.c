/*
 * Pure interrupt-controller filters and state machines (intc_filter.h). Owns no state:
 * every state struct belongs to its caller, which serialises access to it.
 */
#include "lib/intc_filter.h"

#define DM_SHIFT 8
#define DM_MASK  0x7u
#define VEC_MASK 0xffu

static uint32_t dm_of(uint32_t v)
{
	return (v >> DM_SHIFT) & DM_MASK;
}

bool intc_vector_legal(uint32_t vector)
{
	return vector >= 0x20 && vector <= 0xff && vector != INTC_VEC_SVSM_WAKE &&
	       vector != INTC_VEC_SVSM_SPURIOUS;
}

static enum intc_refusal mode_refusal(uint32_t dm)
{
	switch (dm) {
	case INTC_DM_NMI:
		return INTC_REFUSED_NMI;
	case INTC_DM_SMI:
		return INTC_REFUSED_SMI;
	case INTC_DM_INIT:
		return INTC_REFUSED_INIT;
	default:
		return INTC_REFUSED_MODE;
	}
}

uint32_t intc_lvt_filter(uint32_t offset, uint32_t value, enum intc_refusal *why)
{
	uint32_t dm = dm_of(value);

	*why = INTC_ACCEPTED;
	if (offset == LAPIC_REG_LVT_TIMER || offset == LAPIC_REG_LVT_ERROR) {
		/* No delivery-mode field: bits 8-10 are reserved and always Fixed. */
		value &= ~(DM_MASK << DM_SHIFT);
		dm = INTC_DM_FIXED;
	}
	if (value & INTC_MASKED) {
		return value;
	}
	if (dm == INTC_DM_FIXED) {
		if (intc_vector_legal(value & VEC_MASK)) {
			return value;
		}
		*why = INTC_REFUSED_VECTOR;
	} else if (dm == INTC_DM_EXTINT && offset == LAPIC_REG_LVT_LINT0) {
		return value;
	} else {
		*why = mode_refusal(dm);
	}
	return value | INTC_MASKED;
}

uint32_t intc_rte_filter(uint32_t low, enum intc_refusal *why)
{
	uint32_t dm = dm_of(low);

	*why = INTC_ACCEPTED;
	if (low & INTC_MASKED) {
		return low;
	}
	if (dm == INTC_DM_EXTINT) {
		return low; /* the vector comes from the 8259, whose ICW2 is filtered */
	}
	if (dm == INTC_DM_FIXED || dm == INTC_DM_LOWEST) {
		if (intc_vector_legal(low & VEC_MASK)) {
			return low;
		}
		*why = INTC_REFUSED_VECTOR;
	} else {
		*why = mode_refusal(dm);
	}
	return low | INTC_MASKED;
}

enum intc_icr_action intc_icr_decode(uint32_t low, uint32_t high, struct intc_icr *icr)
{
	icr->vector = (uint8_t)(low & VEC_MASK);
	icr->mode = (uint8_t)dm_of(low);
	icr->logical = (low >> 11) & 1;
	icr->assert = (low >> 14) & 1;
	icr->shorthand = (uint8_t)((low >> 18) & 3);
	icr->dest = (uint8_t)(high >> 24);
	icr->why = INTC_ACCEPTED;

	switch (icr->mode) {
	case INTC_DM_FIXED:
	case INTC_DM_LOWEST:
		if (intc_vector_legal(icr->vector)) {
			return INTC_ICR_SEND;
		}
		icr->why = INTC_REFUSED_VECTOR;
		return INTC_ICR_REFUSE;
	case INTC_DM_INIT:
	case INTC_DM_STARTUP:
		if (icr->logical && icr->shorthand == INTC_SH_NONE) {
			icr->why = INTC_REFUSED_DEST;
			return INTC_ICR_REFUSE;
		}
		if (icr->mode == INTC_DM_STARTUP) {
			return INTC_ICR_SIPI;
		}
		return icr->assert ? INTC_ICR_INIT : INTC_ICR_INIT_DEASSERT;
	default:
		icr->why = mode_refusal(icr->mode);
		return INTC_ICR_REFUSE;
	}
}

bool intc_icr_targets(const struct intc_icr *icr, uint32_t self, uint32_t apic_id)
{
	switch (icr->shorthand) {
	case INTC_SH_SELF:
		return apic_id == self;
	case INTC_SH_ALL:
		return true;
	case INTC_SH_ALL_BUT_SELF:
		return apic_id != self;
	default:
		return icr->dest == 0xff || icr->dest == apic_id;
	}
}

void intc_lapic_reset(struct intc_lapic *s)
{
	s->svr = 0xff;
	s->icr_high = 0;
	s->icr_low = 0;
}

static bool is_lvt(uint32_t offset)
{
	return offset == LAPIC_REG_LVT_CMCI ||
	       (offset >= LAPIC_REG_LVT_TIMER && offset <= LAPIC_REG_LVT_ERROR);
}

void intc_lapic_do_write(struct intc_lapic *s, uint32_t offset, uint32_t value,
			 struct intc_lapic_write *out)
{
	*out = (struct intc_lapic_write){.op = INTC_LAPIC_IGNORE};
	if (is_lvt(offset)) {
		out->op = INTC_LAPIC_WRITE;
		/* Defined bits only (x2APIC: reserved bits set may be a #GP on WRMSR). */
		out->value = intc_lvt_filter(offset, value & 0x7ffffu, &out->why);
		return;
	}
	switch (offset) {
	case LAPIC_REG_ESR:
		/* Any write arms the ESR; in x2APIC mode a non-zero one is a #GP. */
		out->op = INTC_LAPIC_WRITE;
		out->value = 0;
		return;
	case LAPIC_REG_TPR:
		out->op = INTC_LAPIC_WRITE;
		out->value = value & 0xffu;
		return;
	case LAPIC_REG_EOI:
	case LAPIC_REG_LDR:
	case LAPIC_REG_DFR:
	case LAPIC_REG_TIMER_INIT:
	case LAPIC_REG_TIMER_DIV:
		out->op = INTC_LAPIC_WRITE;
		out->value = value;
		return;
	case LAPIC_REG_SVR:
		s->svr = value;
		return; /* the physical APIC stays enabled with vector 0xff */
	case LAPIC_REG_ICR_HI:
		s->icr_high = value;
		return;
	case LAPIC_REG_ICR_LO:
		s->icr_low = value & ~(1u << 12);
		out->op = INTC_LAPIC_ICR;
		out->action = intc_icr_decode(value, s->icr_high, &out->icr);
		out->why = out->icr.why;
		return;
	default:
		return; /* ID, version and the rest are read-only or unknown */
	}
}

/*
 * Only registers that exist in both xAPIC and x2APIC mode are read from hardware: in x2APIC
 * mode a read of any other offset is an RDMSR of a reserved MSR (0x800, 0x801, 0x804-0x807,
 * APR 0x809, RRD 0x80c, DFR 0x80e, 0x829-0x82e, 0x83a-0x83d, 0x83f), a #GP in the SVSM.
 */
bool intc_lapic_passes_read(uint32_t offset)
{
	if ((offset & 0xf) != 0) {
		return false;
	}
	switch (offset) {
	case LAPIC_REG_ID:
	case LAPIC_REG_VERSION:
	case LAPIC_REG_TPR:
	case LAPIC_REG_PPR:
	case LAPIC_REG_LDR:
	case LAPIC_REG_ESR:
	case LAPIC_REG_LVT_CMCI:
	case LAPIC_REG_TIMER_INIT:
	case LAPIC_REG_TIMER_CUR:
	case LAPIC_REG_TIMER_DIV:
		return true;
	default:
		/* ISR, TMR, IRR (0x100-0x270) and the LVTs (0x320-0x370). */
		return (offset >= LAPIC_REG_ISR0 && offset <= LAPIC_REG_IRR7) ||
		       (offset >= LAPIC_REG_LVT_TIMER && offset <= LAPIC_REG_LVT_ERROR);
	}
}

uint32_t intc_lapic_read_value(const struct intc_lapic *s, uint32_t offset, uint32_t phys)
{
	switch (offset) {
	case LAPIC_REG_SVR:
		return s->svr;
	case LAPIC_REG_ICR_HI:
		return s->icr_high;
	case LAPIC_REG_ICR_LO:
		return s->icr_low; /* delivery status: always idle */
	case LAPIC_REG_EOI:
		return 0;
	case LAPIC_REG_DFR:
		return 0xffffffffu; /* flat model (not readable from hardware in x2APIC mode) */
	default:
		return offset < 0x400 ? phys : 0;
	}
}

/* Every one of the eight vectors from @base (a multiple of 8) is legal. */
static bool pic_base_legal(uint32_t base)
{
	uint32_t v;

	for (v = base; v < base + 8; v++) {
		if (!intc_vector_legal(v)) {
			return false;
		}
	}
	return true;
}

uint8_t intc_pic_write(struct intc_pic *p, bool slave, bool data, uint8_t value,
		       bool *substituted)
{
	*substituted = false;
	if (!data) {
		if (value & 0x10) { /* ICW1 restarts the sequence */
			p->next_icw = 2;
			p->icw4 = value & 0x01;
			p->single = value & 0x02;
		}
		return value; /* OCW2/OCW3 pass */
	}
	switch (p->next_icw) {
	case 2:
		if (!pic_base_legal(value & 0xf8u)) {
			*substituted = true;
			value = slave ? INTC_PIC_SLAVE_BASE : INTC_PIC_MASTER_BASE;
		}
		p->next_icw = p->single ? (p->icw4 ? 4 : 0) : 3;
		return value;
	case 3:
		p->next_icw = p->icw4 ? 4 : 0;
		return value;
	case 4:
		p->next_icw = 0;
		return value;
	default:
		return value; /* OCW1: the mask */
	}
}

void intc_pending_set(struct intc_pending *p, uint32_t vector)
{
	__atomic_fetch_or(&p->bits[(vector >> 6) & 3], 1ull << (vector & 63), __ATOMIC_SEQ_CST);
}

void intc_pending_clear(struct intc_pending *p, uint32_t vector)
{
	__atomic_fetch_and(&p->bits[(vector >> 6) & 3], ~(1ull << (vector & 63)),
			   __ATOMIC_SEQ_CST);
}

bool intc_pending_any(const struct intc_pending *p)
{
	return intc_pending_highest(p) >= 0;
}

int intc_pending_highest(const struct intc_pending *p)
{
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t w = __atomic_load_n(&p->bits[i], __ATOMIC_SEQ_CST);

		if (w != 0) {
			return i * 64 + 63 - __builtin_clzll(w);
		}
	}
	return -1;
}

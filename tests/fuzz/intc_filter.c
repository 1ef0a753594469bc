/*
 * libFuzzer target for lib/intc_filter.c: drives the LAPIC register state machine, the
 * IOAPIC redirection filter and both 8259 ICW state machines with arbitrary register
 * writes. Checks the invariants the SVSM relies on: nothing that reaches hardware unmasked
 * can deliver an illegal vector or an NMI/SMI/INIT, and the ICW state stays in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intc_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_delivers_legally(uint32_t v, bool lint0, bool rte)
{
	uint32_t dm = (v >> 8) & 7;

	if (v & INTC_MASKED) {
		return;
	}
	if (dm == INTC_DM_EXTINT && (lint0 || rte)) {
		return;
	}
	if ((dm != INTC_DM_FIXED && !(rte && dm == INTC_DM_LOWEST)) ||
	    !intc_vector_legal(v & 0xff)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct intc_lapic lapic;
	struct intc_pic pic[2] = {{0}, {0}};
	struct intc_lapic_write w;
	enum intc_refusal why = INTC_ACCEPTED;
	bool sub = false;
	size_t i = 0;

	intc_lapic_reset(&lapic);
	while (i + 6 <= size) {
		uint8_t kind = data[i];
		uint16_t off = (uint16_t)(data[i + 1] << 4);
		uint32_t val = 0;

		memcpy(&val, data + i + 2, 4);
		i += 6;
		switch (kind % 3) {
		case 0:
			intc_lapic_do_write(&lapic, off, val, &w);
			if (w.op == INTC_LAPIC_WRITE && ((off >= LAPIC_REG_LVT_TIMER &&
							  off <= LAPIC_REG_LVT_ERROR) ||
							 off == LAPIC_REG_LVT_CMCI)) {
				check_delivers_legally(w.value, off == LAPIC_REG_LVT_LINT0,
						       false);
			}
			if (w.op == INTC_LAPIC_ICR && w.action == INTC_ICR_SEND &&
			    ((w.icr.mode != INTC_DM_FIXED && w.icr.mode != INTC_DM_LOWEST) ||
			     !intc_vector_legal(w.icr.vector))) {
				abort();
			}
			(void)intc_lapic_read_value(&lapic, off, val);
			break;
		case 1:
			check_delivers_legally(intc_rte_filter(val, &why), false, true);
			break;
		default: {
			bool slave = kind & 0x10;
			bool data_port = kind & 0x20;
			struct intc_pic *p = &pic[slave];
			uint8_t before = p->next_icw;
			uint8_t out = intc_pic_write(p, slave, data_port, (uint8_t)val, &sub);

			if (data_port && before == 2) {
				uint32_t base = out & 0xf8u;

				for (uint32_t v = base; v < base + 8; v++) {
					if (!intc_vector_legal(v)) {
						abort();
					}
				}
			}
			if (p->next_icw > 4 || p->next_icw == 1) {
				abort();
			}
			break;
		}
		}
	}
	return 0;
}

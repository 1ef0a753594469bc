/*
 * Local APIC driver (see apic.h). The mode is chosen once on the BSP; APs follow it.
 * ICR writes are not locked: each CPU programs only its own APIC.
 */
#include "kernel/arch/x86_64/apic.h"

#include <stddef.h>

#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/init/boot_info.h"
#include "kernel/mm/mm.h"

#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

#define XAPIC_ID     0x020
#define XAPIC_EOI    0x0b0
#define XAPIC_SVR    0x0f0
#define XAPIC_LVT_LINT0 0x350
#define APIC_LVT_MASKED (1u << 16)
#define XAPIC_ICR_LO 0x300
#define XAPIC_ICR_HI 0x310
#define X2APIC_MSR(off) (0x800 + ((off) >> 4))

#define ICR_FIXED   (0u << 8)
#define ICR_NMI     (4u << 8)
#define ICR_INIT    (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT  (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)

static bool x2apic;
static volatile uint32_t *xapic_mmio;

static void apic_write(uint32_t off, uint32_t v)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR(off), v);
	} else {
		xapic_mmio[off / 4] = v;
	}
}

static uint32_t apic_read(uint32_t off)
{
	return x2apic ? (uint32_t)rdmsr(X2APIC_MSR(off)) : xapic_mmio[off / 4];
}

void apic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (xapic_mmio == NULL && !x2apic) { /* first call, on the BSP */
		/* The SVSM uses no legacy PIC: mask it so that its vectors (0x08 after the
		 * BIOS) can never be mistaken for exceptions. */
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
		x2apic = (cpuid(1, 0).ecx & (1u << 21)) != 0;
		if (!x2apic) {
			uint64_t pa = boot_info.lapic_mmio != 0 ? boot_info.lapic_mmio : 0xfee00000;

			xapic_mmio = mm_map_mmio(pa_init(pa), 0x1000);
		}
	}
	base |= APIC_BASE_ENABLE;
	if (x2apic) {
		base |= APIC_BASE_X2APIC;
	}
	wrmsr(MSR_APIC_BASE, base);
	apic_write(XAPIC_SVR, 0x100 | VEC_SPURIOUS);
	/* No ExtINT from the legacy PIC (the BIOS leaves LINT0 so on the BSP): its vectors
	 * below 32 would arrive as exceptions. */
	apic_write(XAPIC_LVT_LINT0, APIC_LVT_MASKED);
}

bool apic_is_x2apic(void)
{
	return x2apic;
}

uint32_t apic_id(void)
{
	return x2apic ? apic_read(XAPIC_ID) : apic_read(XAPIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(XAPIC_EOI, 0);
}

static void send_icr(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR(XAPIC_ICR_LO), ((uint64_t)dest << 32) | low);
		return;
	}
	apic_write(XAPIC_ICR_HI, dest << 24);
	apic_write(XAPIC_ICR_LO, low);
	for (unsigned i = 0; i < 1000000 && (apic_read(XAPIC_ICR_LO) & ICR_PENDING) != 0; i++) {
		cpu_relax();
	}
}

void apic_send_init(uint32_t id)
{
	send_icr(id, ICR_INIT | ICR_ASSERT);
}

void apic_send_sipi(uint32_t id, uint8_t vector_page)
{
	send_icr(id, ICR_STARTUP | ICR_ASSERT | vector_page);
}

void apic_send_fixed(uint32_t id, uint8_t vector)
{
	send_icr(id, ICR_FIXED | ICR_ASSERT | vector);
}

void apic_send_nmi(uint32_t id)
{
	send_icr(id, ICR_NMI | ICR_ASSERT);
}

void apic_send_raw(uint32_t dest, uint32_t low)
{
	send_icr(dest, low);
}

uint32_t apic_reg_read(uint32_t off)
{
	return apic_read(off);
}

void apic_reg_write(uint32_t off, uint32_t v)
{
	if (x2apic && (off == 0x0d0 || off == 0x0e0)) {
		return; /* LDR and DFR are read-only in x2APIC mode */
	}
	apic_write(off, v);
}

void apic_send_nmi_all_but_self(void)
{
	send_icr(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

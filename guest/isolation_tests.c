/*
 * Test-guest checks that the SVSM keeps the machine to itself: fw_cfg DMA, the SVM MSRs,
 * shared legacy ports, PCI configuration space and INVD are refused or contained.
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"

/*
 * fw_cfg DMA would let a guest make QEMU write anywhere in physical memory: the SVSM must
 * not let it through. Ask for the 4-byte signature ("QEMU") by DMA into our own memory:
 * the buffer and the request must stay untouched.
 */
void test_fw_cfg_dma_blocked(void)
{
	struct {
		uint32_t control, length;
		uint64_t address;
	} __attribute__((aligned(16))) req;
	volatile uint32_t buf = 0x11223344;
	uint64_t a = (uint64_t)&req;

	req.control = __builtin_bswap32((0u << 16) | 0x08 | 0x02); /* select 0, read */
	req.length = __builtin_bswap32(4);
	req.address = __builtin_bswap64((uint64_t)&buf);
	__asm__ volatile("outl %0, %1" ::"a"(__builtin_bswap32((uint32_t)(a >> 32))), "Nd"(0x514));
	__asm__ volatile("outl %0, %1" ::"a"(__builtin_bswap32((uint32_t)a)), "Nd"(0x518)
			 : "memory");
	check("fw_cfg_dma_blocked", buf == 0x11223344 && req.control != 0);
}

/*
 * The MSRs that hold the SVSM's SVM set-up are intercepted: VM_HSAVE_PA reads as 0 and a
 * write is dropped (were it not, the SVSM's next VMRUN would save its state at our address).
 */
void test_svm_msrs_hidden(void)
{
	uint64_t hsave = guest_rdmsr(0xc0010117u);

	__asm__ volatile("wrmsr" ::"c"(0xc0010117u), "a"(0x1000u), "d"(0u));
	__asm__ volatile("wrmsr" ::"c"(0xc0010114u), "a"(0x10u), "d"(0u)); /* VM_CR.SVMDIS */
	check("svm_msrs_hidden", hsave == 0 && guest_rdmsr(0xc0010117u) == 0 &&
					 core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
}

static uint8_t port_in8(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * Shared machine state behind I/O ports is refused (reads all-ones, writes dropped): the
 * A20 gate (clearing it hung the whole machine), the legacy PIC and PIT (an unmasked timer
 * at the BIOS vector base 0x08 reached the SVSM as a "double fault"), and isa-debug-exit
 * beyond its first port (a write there would end the run with the SVSM's success status).
 */
void test_legacy_ports_refused(void)
{
	check("a20_port_refused", port_in8(0x92) == 0xff);
	guest_outb(0x92, 0x00);                     /* A20 off */
	guest_outb(0x20, 0x11), guest_outb(0x21, 0x08); /* PIC ICW1/ICW2: vector base 0x08 */
	guest_outb(0x21, 0x04), guest_outb(0x21, 0x01), guest_outb(0x21, 0xfe); /* IRQ0 on */
	guest_outb(0x43, 0x34), guest_outb(0x40, 0x00), guest_outb(0x40, 0x01); /* PIT running */
	guest_outb(0xf5, 0x10);                     /* isa-debug-exit's second port */
	for (volatile unsigned i = 0; i < 2000000; i++) {
	}
	check("legacy_ports_harmless", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
}

/* The guest gets no PCI configuration space: reads through 0xCF8/0xCFC find no device. */
void test_pci_config_hidden(void)
{
	uint32_t id;

	__asm__ volatile("outl %0, %1" ::"a"(0x80000000u), "Nd"(0xcf8));
	__asm__ volatile("inl %1, %0" : "=a"(id) : "Nd"(0xcfc));
	check("pci_config_space_hidden", id == 0xffffffffu);
}

/*
 * INVD must not discard data (the SVSM intercepts it and runs WBINVD; QEMU TCG would treat
 * an unintercepted INVD as a no-op too, so test-e2e also checks the SVSM counted the exits:
 * QEMU up to 8.0 reports a guest INVD as a WBINVD exit, which the SVSM intercepts as well).
 */
void test_invd(void)
{
	volatile uint64_t value = 0;
	bool ok = true;

	for (uint64_t i = 1; i <= 3; i++) {
		value = 0x1234567800000000ull | i;
		__asm__ volatile("invd" ::: "memory");
		ok = ok && value == (0x1234567800000000ull | i);
	}
	check("invd_keeps_data", ok);
}

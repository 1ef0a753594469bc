/*
 * Minimal ACPI reader used once at boot, through boot_map() (the early map in the kernel):
 * finds the RSDP (from PVH or by scanning the BIOS area), walks the RSDT/XSDT, and reads
 * the MADT (enabled local APIC and x2APIC entries), the FADT (PM timer port) and the MCFG
 * (PCI configuration space window). Tables
 * come from the host, so every length is checked against its container and a sane cap.
 */
#include "kernel/arch/x86_64/acpi.h"

#include <stddef.h>
#include <stdint.h>

#include "kernel/init/boot_info.h"
#include "kernel/init/boot_map.h"
#include "kernel/lib/log.h"

#define ACPI_TABLE_MAX (1u << 20)

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");

static const uint8_t *acpi_map(uint64_t pa, uint64_t len)
{
	return pa == 0 ? NULL : boot_map(pa, len);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool sig_eq(const char *a, const char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			return false;
		}
	}
	return true;
}

static const struct acpi_header *acpi_table(uint64_t pa)
{
	const uint8_t *p = acpi_map(pa, sizeof(struct acpi_header));
	const struct acpi_header *h = (const struct acpi_header *)p;

	if (p == NULL || h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX ||
	    acpi_map(pa, h->length) == NULL) {
		return NULL;
	}
	return h;
}

static uint64_t rsdp_find(uint64_t hint)
{
	if (hint != 0) {
		return hint;
	}
	for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16) {
		const char *p = (const char *)acpi_map(pa, 8);

		if (p != NULL && sig_eq(p, "RSD PTR ", 8)) {
			return pa;
		}
	}
	return 0;
}

static void madt_parse(struct boot_info *bi, const struct acpi_header *h)
{
	const uint8_t *base = (const uint8_t *)h;
	const uint8_t *p = base + sizeof(*h) + 8;
	const uint8_t *end = base + h->length;

	bi->lapic_mmio = rd32(base + sizeof(*h));
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint32_t apic_id = 0;
		bool enabled = false;

		if (p[0] == 0 && p[1] >= 8) { /* processor local APIC */
			apic_id = p[3];
			enabled = (rd32(p + 4) & 1) != 0;
		} else if (p[0] == 9 && p[1] >= 16) { /* processor local x2APIC */
			apic_id = rd32(p + 4);
			enabled = (rd32(p + 8) & 1) != 0;
		} else if (p[0] == 5 && p[1] >= 12) { /* LAPIC address override */
			bi->lapic_mmio = rd64(p + 4);
		}
		if (enabled && bi->cpu_count < MAX_CPUS) {
			bi->cpu_apic_ids[bi->cpu_count++] = apic_id;
		}
		p += p[1];
	}
}

void acpi_parse(struct boot_info *bi)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *sdt;
	bool xsdt = false;
	uint64_t sdt_pa;
	unsigned entry_size;

	bi->rsdp = rsdp_find(bi->rsdp);
	rsdp = (const struct acpi_rsdp *)acpi_map(bi->rsdp, sizeof(*rsdp));
	if (rsdp == NULL || !sig_eq(rsdp->signature, "RSD PTR ", 8)) {
		pr_warn("acpi: no RSDP; assuming one CPU\n");
		return;
	}
	sdt_pa = rsdp->rsdt;
	if (rsdp->revision >= 2 && rsdp->xsdt != 0) {
		sdt_pa = rsdp->xsdt;
		xsdt = true;
	}
	entry_size = xsdt ? 8 : 4;
	sdt = acpi_table(sdt_pa);
	if (sdt == NULL) {
		pr_warn("acpi: bad RSDT/XSDT at %#lx\n", sdt_pa);
		return;
	}
	for (uint32_t off = sizeof(*sdt); off + entry_size <= sdt->length; off += entry_size) {
		const uint8_t *e = (const uint8_t *)sdt + off;
		const struct acpi_header *t = acpi_table(xsdt ? rd64(e) : rd32(e));

		if (t == NULL) {
			continue;
		}
		if (sig_eq(t->signature, "APIC", 4) && t->length >= sizeof(*t) + 8) {
			madt_parse(bi, t);
		} else if (sig_eq(t->signature, "FACP", 4) && t->length >= 80) {
			bi->pm_timer_port = (uint16_t)rd32((const uint8_t *)t + 76);
		} else if (sig_eq(t->signature, "MCFG", 4) && t->length >= 44 + 16) {
			/* First configuration space allocation: base, segment, start/end bus. */
			const uint8_t *a = (const uint8_t *)t + 44;

			bi->ecam_base = rd64(a);
			bi->ecam_size = ((uint64_t)a[11] - a[10] + 1) << 20;
			if (a[11] < a[10] || bi->ecam_base + bi->ecam_size < bi->ecam_base) {
				bi->ecam_base = bi->ecam_size = 0;
			}
		}
	}
}

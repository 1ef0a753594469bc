/* ACPI table discovery for boot: the CPU list from the MADT and the PM timer from the FADT. */
#pragma once

struct boot_info;

/** acpi_parse - fill the CPU list, LAPIC base and PM timer port of @bi (early map live). */
void acpi_parse(struct boot_info *bi);

/*
 * The ACPI description of the TPM CRB device for OS guests (docs/vtpm.md "CRB device"):
 * a TPM2 table (TCG ACPI Specification 1.3, revision 4, start method 7 "Command Response
 * Buffer") and an SSDT with the TPM device \_SB.TPM (_HID "MSFT0101", _CRS one
 * Memory32Fixed range, _STA 0x0f), the two things OVMF hands Linux's tpm_crb through the
 * ACPI tables. Pure byte builders with their checksums set; no global state. Host-tested in
 * tests/unit/acpi_tpm_test.c.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Sizes of the tables acpi_tpm2_table() and acpi_tpm_ssdt() build. */
#define ACPI_TPM2_TABLE_SIZE 64u  /* no LAML/LASA: the event log goes to Linux through EFI */
#define ACPI_TPM_SSDT_SIZE   95u
#define ACPI_HEADER_SIZE     36u

/** ACPI_TPM2_START_CRB - start method 7: the CRB interface, no ACPI start method. */
#define ACPI_TPM2_START_CRB 7u

/**
 * acpi_tpm2_table - the TPM2 table for a CRB whose control area is at @control_area, into
 * @buf. Returns ACPI_TPM2_TABLE_SIZE, or 0 if @cap is smaller.
 */
size_t acpi_tpm2_table(uint8_t *buf, size_t cap, uint64_t control_area);

/**
 * acpi_tpm_ssdt - the SSDT declaring \_SB.TPM with MMIO [@base, @base + @size), into @buf.
 * Returns ACPI_TPM_SSDT_SIZE, or 0 if @cap is smaller.
 */
size_t acpi_tpm_ssdt(uint8_t *buf, size_t cap, uint32_t base, uint32_t size);

/** acpi_table_checksum - set byte 9 of the table at @t (length from its header). */
void acpi_table_checksum(uint8_t *t);

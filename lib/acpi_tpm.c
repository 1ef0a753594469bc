/*
 * Builders of the TPM2 table and the TPM device's SSDT (acpi_tpm.h). The AML is emitted by
 * hand: one scope, one device, three names; every package length fits one byte (< 64), a
 * static_assert-like check in acpi_tpm_ssdt() keeps it so.
 */
#include "lib/acpi_tpm.h"

#include <string.h>

#define AML_NAME      0x08
#define AML_SCOPE     0x10
#define AML_BUFFER    0x11
#define AML_BYTE      0x0a
#define AML_STRING    0x0d
#define AML_EXT       0x5b
#define AML_DEVICE    0x82
#define AML_ROOT      0x5c
#define RES_MEM32_FIX 0x86 /* large item 0x06: Memory32Fixed */
#define RES_END       0x79 /* small item 0x0f, length 1: End Tag */

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The 36-byte description header; length and checksum are the caller's to finish. */
static void header(uint8_t *t, const char sig[4], uint8_t revision, uint32_t length,
		   const char table_id[8])
{
	memcpy(t, sig, 4);
	put32(t + 4, length);
	t[8] = revision;
	t[9] = 0;
	memcpy(t + 10, "SVSMC ", 6);  /* OEM ID */
	memcpy(t + 16, table_id, 8); /* OEM table ID */
	put32(t + 24, 1);            /* OEM revision */
	memcpy(t + 28, "SVSM", 4);   /* creator ID */
	put32(t + 32, 1);            /* creator revision */
}

void acpi_table_checksum(uint8_t *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
		       (uint32_t)t[7] << 24;
	uint8_t sum = 0;

	t[9] = 0;
	for (uint32_t i = 0; i < len; i++) {
		sum = (uint8_t)(sum + t[i]);
	}
	t[9] = (uint8_t)(0x100 - sum);
}

size_t acpi_tpm2_table(uint8_t *buf, size_t cap, uint64_t control_area)
{
	if (cap < ACPI_TPM2_TABLE_SIZE) {
		return 0;
	}
	memset(buf, 0, ACPI_TPM2_TABLE_SIZE);
	header(buf, "TPM2", 4, ACPI_TPM2_TABLE_SIZE, "SVSMTPM2");
	/* 36: platform class 0 (client), 38: reserved, 40: control area, 48: start method,
	 * 52..63: start-method parameters (none for CRB). */
	put64(buf + 40, control_area);
	put32(buf + 48, ACPI_TPM2_START_CRB);
	acpi_table_checksum(buf);
	return ACPI_TPM2_TABLE_SIZE;
}

/* Emit Name(@seg, ...) prefix: NameOp and the 4-character segment. */
static uint8_t *name(uint8_t *p, const char seg[4])
{
	*p++ = AML_NAME;
	memcpy(p, seg, 4);
	return p + 4;
}

size_t acpi_tpm_ssdt(uint8_t *buf, size_t cap, uint32_t base, uint32_t size)
{
	/* Sizes of the parts, each counted as emitted below. */
	const unsigned crs_buf = 2 + 12 + 2;     /* BytePrefix len, Memory32Fixed, End Tag */
	const unsigned crs = 5 + 1 + 1 + crs_buf; /* Name _CRS, BufferOp, PkgLength */
	const unsigned hid = 5 + 1 + 9;           /* Name _HID, StringPrefix, "MSFT0101\0" */
	const unsigned sta = 5 + 2;               /* Name _STA, BytePrefix 0x0f */
	const unsigned dev_pkg = 1 + 4 + hid + sta + crs;  /* PkgLength, "TPM_", the names */
	const unsigned scope_pkg = 1 + 5 + 2 + dev_pkg;    /* PkgLength, \_SB_, DeviceOp */
	uint8_t *p = buf + ACPI_HEADER_SIZE;

	if (cap < ACPI_TPM_SSDT_SIZE || dev_pkg >= 64 || scope_pkg >= 64 ||
	    ACPI_HEADER_SIZE + 1 + scope_pkg != ACPI_TPM_SSDT_SIZE) {
		return 0;
	}
	memset(buf, 0, ACPI_TPM_SSDT_SIZE);
	header(buf, "SSDT", 2, ACPI_TPM_SSDT_SIZE, "SVSMTPM ");
	*p++ = AML_SCOPE;
	*p++ = (uint8_t)scope_pkg;
	*p++ = AML_ROOT;
	memcpy(p, "_SB_", 4);
	p += 4;
	*p++ = AML_EXT;
	*p++ = AML_DEVICE;
	*p++ = (uint8_t)dev_pkg;
	memcpy(p, "TPM_", 4);
	p += 4;
	p = name(p, "_HID");
	*p++ = AML_STRING;
	memcpy(p, "MSFT0101", 9); /* with its NUL */
	p += 9;
	p = name(p, "_STA");
	*p++ = AML_BYTE;
	*p++ = 0x0f; /* present, enabled, shown, functioning */
	p = name(p, "_CRS");
	*p++ = AML_BUFFER;
	*p++ = (uint8_t)(1 + crs_buf);
	*p++ = AML_BYTE;
	*p++ = 12 + 2;
	*p++ = RES_MEM32_FIX;
	*p++ = 9; /* descriptor length, little-endian 16-bit */
	*p++ = 0;
	*p++ = 1; /* read/write */
	put32(p, base);
	put32(p + 4, size);
	p += 8;
	*p++ = RES_END;
	*p++ = 0; /* checksum 0: "treat as correct" */
	if (p != buf + ACPI_TPM_SSDT_SIZE) {
		return 0;
	}
	acpi_table_checksum(buf);
	return ACPI_TPM_SSDT_SIZE;
}

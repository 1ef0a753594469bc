/*
 * A CFI parallel NOR flash with the Intel/Sharp command set (CFI primary command set
 * 0x0001), as QEMU's hw/block/pflash_cfi01.c emulates it for the pc machine's firmware
 * flash (bank width 1, no device width: QEMU's "legacy" mode; identification bytes 0) and as
 * EDK2's OvmfPkg/QemuFlashFvbServicesRuntimeDxe/QemuFlash.c drives it. A pure state machine
 * over a caller-owned array: no MMIO, no lock, no disk. The device (kernel/devices/flash.c)
 * owns those. Freestanding; host-tested in tests/unit/cfi_flash_test.c and
 * tests/fuzz/cfi_flash.c.
 *
 * Commands, written as the low byte of any access at any offset (first bus cycle):
 *   0x00, 0xf0, 0xff  read array (0x00 is QEMU's own reset value, 0xf0 an AMD probe)
 *   0x10, 0x40        program: the next write stores its bytes (1, 2 or 4, little-endian)
 *                     at its offset; the device stays in status mode afterwards
 *   0x20              block erase: QEMU erases the block (fills 0xff) on this cycle already;
 *                     the next write must be 0xd0 (confirm) or 0xff (read array)
 *   0x50              clear status, then read array
 *   0x60              block lock/unlock set-up: 0xd0 or 0x01 completes (no locks exist)
 *   0x70              read status; 0x90 read identifier; 0x98 CFI query
 *   0xe8              write to buffer: a count N-1 (low byte), N data writes, then 0xd0
 * Reads answer by mode: the array (read-array mode); the status register (after 0x10, 0x20,
 * 0x40, 0x50, 0x60, 0x70, 0xe8; a read wider than 2 bytes sees it in bytes 0 and 2, as
 * QEMU's legacy mode); the identifier (0x90: offset 0 manufacturer << 8 | device, 1 the
 * second pair, else 0); the CFI table (0x98: the byte at the offset's low 8 bits).
 * 8-byte accesses are two 4-byte ones, low half first (QEMU splits them the same way).
 *
 * Malformed sequences never fault: an unknown command or a bad second cycle goes back to
 * read array, as QEMU does, and additionally sets the status register's command-sequence
 * error bits (SR.4 | SR.5, "improper command sequence" in Intel's 28F datasheets), which
 * QEMU leaves clear. Offsets beyond the array read 0xff and ignore program data.
 *
 * The device's contract: cfi_flash_write() says when the flash leaves read-array mode
 * (reads must now come through cfi_flash_read()) and when it returns to it (the array may
 * be mapped for direct reads again); cfi_flash_changes() counts modifying operations, so
 * the device knows when the contents differ from the last copy it saved.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CFI_FLASH_CFI_TABLE_SIZE 0x52u

/* Status register bits (Intel's SR.7 .. SR.4). */
#define CFI_FLASH_SR_READY 0x80u
#define CFI_FLASH_SR_ERASE_ERR 0x20u
#define CFI_FLASH_SR_PROGRAM_ERR 0x10u

/* Commands, with EDK2's names where QemuFlash.h has one. */
#define CFI_FLASH_CMD_READ_ARRAY_QEMU 0x00u
#define CFI_FLASH_CMD_WRITE_BYTE 0x10u	/* WRITE_BYTE_CMD */
#define CFI_FLASH_CMD_BLOCK_ERASE 0x20u /* BLOCK_ERASE_CMD */
#define CFI_FLASH_CMD_PROGRAM 0x40u
#define CFI_FLASH_CMD_CLEAR_STATUS 0x50u /* CLEAR_STATUS_CMD */
#define CFI_FLASH_CMD_LOCK_SETUP 0x60u
#define CFI_FLASH_CMD_READ_STATUS 0x70u /* READ_STATUS_CMD */
#define CFI_FLASH_CMD_READ_ID 0x90u
#define CFI_FLASH_CMD_CFI_QUERY 0x98u
#define CFI_FLASH_CMD_CONFIRM 0xd0u /* BLOCK_ERASE_CONFIRM_CMD */
#define CFI_FLASH_CMD_WRITE_BUFFER 0xe8u
#define CFI_FLASH_CMD_AMD_PROBE 0xf0u
#define CFI_FLASH_CMD_READ_ARRAY 0xffu /* READ_ARRAY_CMD */

/**
 * struct cfi_flash - one flash device. Fields are the state machine's; read them through
 * the functions below.
 */
struct cfi_flash {
	uint8_t *array;	     /* the contents, @size bytes, owned by the caller */
	uint32_t size;	     /* a multiple of @block_size */
	uint32_t block_size; /* erase block (QEMU's sector-length) */
	uint8_t wcycle;	     /* bus cycle of the command under way (QEMU's wcycle) */
	uint8_t cmd;	     /* the command of the current mode; 0: read array */
	uint8_t status;
	uint8_t ident[4];
	bool array_mode;  /* reads return the array (QEMU's romd mode) */
	uint16_t counter; /* write to buffer: data cycles still to come, minus one */
	uint64_t changes; /* program and erase operations since init */
	uint8_t cfi[CFI_FLASH_CFI_TABLE_SIZE];
};

/**
 * enum cfi_flash_event - mode changes a write made (bits; an 8-byte write is two cycles and
 * may report both). cfi_flash_array_mode() says where the write left the flash.
 */
enum cfi_flash_event {
	CFI_FLASH_EV_NONE = 0,
	CFI_FLASH_EV_LEFT_ARRAY = 1u << 0,    /* was in read-array mode, is not any more */
	CFI_FLASH_EV_ENTERED_ARRAY = 1u << 1, /* back in read-array mode */
};

/**
 * cfi_flash_init - a flash over @array (@size bytes, @block_size a power of two dividing
 * @size, at least 256) in read-array mode, status ready (0x80), identifier 0 as QEMU's pc
 * machine. False when the geometry is refused.
 */
bool cfi_flash_init(struct cfi_flash *f, uint8_t *array, uint32_t size, uint32_t block_size);

/** cfi_flash_read - the value a read of @size (1, 2, 4 or 8) bytes at @off sees. */
uint64_t cfi_flash_read(struct cfi_flash *f, uint32_t off, unsigned size);

/**
 * cfi_flash_write - a write of the low @size (1, 2, 4 or 8) bytes of @value at @off;
 * returns the cfi_flash_event bits. Any other size is ignored (CFI_FLASH_EV_NONE).
 */
unsigned cfi_flash_write(struct cfi_flash *f, uint32_t off, unsigned size, uint64_t value);

/** cfi_flash_array_mode - reads return the array: it may be mapped for direct reads. */
bool cfi_flash_array_mode(const struct cfi_flash *f);

/** cfi_flash_changes - program/erase operations so far (a new value: contents changed). */
uint64_t cfi_flash_changes(const struct cfi_flash *f);

/** cfi_flash_status - the status register. */
uint8_t cfi_flash_status(const struct cfi_flash *f);

/**
 * cfi_flash_fail_program - the device could not keep what was programmed (its backing
 * store failed): set SR.4 (program error) until the guest clears the status.
 */
void cfi_flash_fail_program(struct cfi_flash *f);

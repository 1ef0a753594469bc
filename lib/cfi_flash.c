/*
 * The CFI flash state machine (cfi_flash.h): QEMU pflash_cfi01's legacy-mode behaviour for
 * the commands EDK2's QemuFlash.c and Linux's cfi_cmdset_0001 use, over a caller's array.
 */
#include "lib/cfi_flash.h"

#include <stddef.h>

#include <string.h>

#define SR_SEQUENCE_ERR (CFI_FLASH_SR_ERASE_ERR | CFI_FLASH_SR_PROGRAM_ERR)

static void cfi_table(struct cfi_flash *f)
{
	uint32_t blocks = f->size / f->block_size;
	uint8_t *t = f->cfi;

	memset(t, 0, sizeof(f->cfi));
	t[0x10] = 'Q';
	t[0x11] = 'R';
	t[0x12] = 'Y';
	t[0x13] = 0x01; /* primary command set: Intel/Sharp extended */
	t[0x15] = 0x31; /* primary extended table at 0x31 */
	t[0x1b] = 0x45; /* Vcc min 4.5 V */
	t[0x1c] = 0x55; /* Vcc max 5.5 V */
	t[0x1f] = 0x07; /* typical byte program 2^7 us */
	t[0x20] = 0x07; /* typical buffer write 2^7 us */
	t[0x21] = 0x0a; /* typical block erase 2^10 ms */
	t[0x23] = 0x04;
	t[0x24] = 0x04;
	t[0x25] = 0x04;
	t[0x27] = (uint8_t)__builtin_ctz(f->size); /* device size 2^n: QEMU's ctz32(len) */
	t[0x28] = 0x02;				   /* x8 and x16 interface */
	t[0x2a] = 0x08;				   /* write buffer 2^8 bytes (counter byte) */
	t[0x2c] = 0x01;				   /* one erase block region */
	t[0x2d] = (uint8_t)(blocks - 1);
	t[0x2e] = (uint8_t)((blocks - 1) >> 8);
	t[0x2f] = (uint8_t)(f->block_size >> 8);
	t[0x30] = (uint8_t)(f->block_size >> 16);
	t[0x31] = 'P';
	t[0x32] = 'R';
	t[0x33] = 'I';
	t[0x34] = '1';
	t[0x35] = '0';
	t[0x3f] = 0x01; /* protection fields */
}

bool cfi_flash_init(struct cfi_flash *f, uint8_t *array, uint32_t size, uint32_t block_size)
{
	if (array == NULL || block_size < 256 || (block_size & (block_size - 1)) != 0 ||
	    size == 0 || size % block_size != 0 || size / block_size > 0x10000u) {
		return false;
	}
	memset(f, 0, sizeof(*f));
	f->array = array;
	f->size = size;
	f->block_size = block_size;
	f->status = CFI_FLASH_SR_READY;
	f->array_mode = true;
	cfi_table(f);
	return true;
}

static uint64_t data_read(const struct cfi_flash *f, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		uint64_t at = off + i;
		uint8_t b = at < f->size ? f->array[at] : 0xff;

		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void data_write(struct cfi_flash *f, uint64_t off, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		uint64_t at = off + i;

		if (at < f->size) {
			f->array[at] = (uint8_t)(value >> (8 * i));
		}
	}
	f->changes++;
}

static uint32_t read4(struct cfi_flash *f, uint64_t off, unsigned size)
{
	uint32_t ret;
	uint32_t boff;

	switch (f->cmd) {
	default:
		/* A mode with no read behaviour: back to read array (QEMU does the same). */
		f->wcycle = 0;
		f->cmd = 0;
		f->array_mode = true;
		/* fall through */
	case 0x00:
		return (uint32_t)data_read(f, off, size);
	case CFI_FLASH_CMD_WRITE_BYTE:
	case CFI_FLASH_CMD_BLOCK_ERASE:
	case 0x28:
	case CFI_FLASH_CMD_PROGRAM:
	case CFI_FLASH_CMD_CLEAR_STATUS:
	case CFI_FLASH_CMD_LOCK_SETUP:
	case CFI_FLASH_CMD_READ_STATUS:
	case CFI_FLASH_CMD_WRITE_BUFFER:
		ret = f->status;
		if (size > 2) {
			ret |= (uint32_t)f->status << 16; /* QEMU's legacy 32-bit reads */
		}
		return ret;
	case CFI_FLASH_CMD_READ_ID:
		boff = (uint32_t)off & 0xff;
		if (boff == 0) {
			return (uint32_t)f->ident[0] << 8 | f->ident[1];
		}
		if (boff == 1) {
			return (uint32_t)f->ident[2] << 8 | f->ident[3];
		}
		return 0;
	case CFI_FLASH_CMD_CFI_QUERY:
		boff = (uint32_t)off & 0xff;
		return boff < sizeof(f->cfi) ? f->cfi[boff] : 0;
	}
}

uint64_t cfi_flash_read(struct cfi_flash *f, uint32_t off, unsigned size)
{
	if (size == 8) {
		uint64_t lo = read4(f, off, 4);

		return lo | (uint64_t)read4(f, (uint64_t)off + 4, 4) << 32;
	}
	if (size != 1 && size != 2 && size != 4) {
		return 0;
	}
	return read4(f, off, size);
}

static void enter_array(struct cfi_flash *f)
{
	f->wcycle = 0;
	f->cmd = 0;
	f->array_mode = true;
}

/* A sequence the flash does not implement: read array with SR.4|SR.5 set. */
static void sequence_error(struct cfi_flash *f)
{
	f->status |= SR_SEQUENCE_ERR;
	enter_array(f);
}

static void write4(struct cfi_flash *f, uint64_t off, unsigned size, uint32_t value)
{
	uint8_t cmd = (uint8_t)value;

	if (f->wcycle == 0) {
		f->array_mode = false; /* QEMU: romd off on every first cycle */
	}
	switch (f->wcycle) {
	case 0:
		switch (cmd) {
		case CFI_FLASH_CMD_READ_ARRAY_QEMU:
		case CFI_FLASH_CMD_AMD_PROBE:
		case CFI_FLASH_CMD_READ_ARRAY:
			enter_array(f);
			return;
		case CFI_FLASH_CMD_WRITE_BYTE:
		case CFI_FLASH_CMD_PROGRAM:
		case CFI_FLASH_CMD_LOCK_SETUP:
		case CFI_FLASH_CMD_CFI_QUERY:
			break;
		case CFI_FLASH_CMD_BLOCK_ERASE: {
			uint64_t start = off & ~(uint64_t)(f->block_size - 1);

			if (start < f->size) {
				memset(f->array + start, 0xff, f->block_size);
				f->changes++;
			} else {
				f->status |= CFI_FLASH_SR_ERASE_ERR;
			}
			f->status |= CFI_FLASH_SR_READY;
			break;
		}
		case CFI_FLASH_CMD_CLEAR_STATUS:
			f->status = 0;
			enter_array(f);
			return;
		case CFI_FLASH_CMD_READ_STATUS:
		case CFI_FLASH_CMD_READ_ID:
			f->cmd = cmd;
			return;
		case CFI_FLASH_CMD_WRITE_BUFFER:
			f->status |= CFI_FLASH_SR_READY;
			break;
		default:
			sequence_error(f);
			return;
		}
		f->wcycle = 1;
		f->cmd = cmd;
		return;
	case 1:
		switch (f->cmd) {
		case CFI_FLASH_CMD_WRITE_BYTE:
		case CFI_FLASH_CMD_PROGRAM:
			data_write(f, off, size, value);
			f->status |= CFI_FLASH_SR_READY;
			f->wcycle = 0; /* QEMU's wcycle--: status mode, the next write a command */
			return;
		case CFI_FLASH_CMD_BLOCK_ERASE:
			if (cmd == CFI_FLASH_CMD_CONFIRM) {
				f->wcycle = 0;
				f->status |= CFI_FLASH_SR_READY;
			} else if (cmd == CFI_FLASH_CMD_READ_ARRAY) {
				enter_array(f);
			} else {
				sequence_error(f);
			}
			return;
		case CFI_FLASH_CMD_WRITE_BUFFER:
			f->counter = (uint8_t)value; /* bank width 1: the count is one byte */
			f->wcycle = 2;
			f->status |= CFI_FLASH_SR_READY;
			return;
		case CFI_FLASH_CMD_LOCK_SETUP:
			if (cmd == CFI_FLASH_CMD_CONFIRM || cmd == 0x01) {
				f->wcycle = 0;
				f->status |= CFI_FLASH_SR_READY;
			} else if (cmd == CFI_FLASH_CMD_READ_ARRAY) {
				enter_array(f);
			} else {
				sequence_error(f);
			}
			return;
		case CFI_FLASH_CMD_CFI_QUERY:
			if (cmd == CFI_FLASH_CMD_READ_ARRAY) {
				enter_array(f);
			}
			return; /* QEMU stays in query mode on anything else */
		default:
			sequence_error(f);
			return;
		}
	case 2:
		if (f->cmd != CFI_FLASH_CMD_WRITE_BUFFER) {
			sequence_error(f);
			return;
		}
		data_write(f, off, size, value);
		f->status |= CFI_FLASH_SR_READY;
		if (f->counter == 0) {
			f->wcycle = 3;
		} else {
			f->counter--;
		}
		return;
	case 3:
		if (f->cmd == CFI_FLASH_CMD_WRITE_BUFFER && cmd == CFI_FLASH_CMD_CONFIRM) {
			f->wcycle = 0;
			f->status |= CFI_FLASH_SR_READY;
		} else {
			sequence_error(f);
		}
		return;
	default:
		sequence_error(f);
		return;
	}
}

/* One bus cycle, and the mode change it made. */
static unsigned cycle(struct cfi_flash *f, uint64_t off, unsigned size, uint32_t value)
{
	bool was = f->array_mode;

	write4(f, off, size, value);
	if (was && !f->array_mode) {
		return CFI_FLASH_EV_LEFT_ARRAY;
	}
	return !was && f->array_mode ? CFI_FLASH_EV_ENTERED_ARRAY : CFI_FLASH_EV_NONE;
}

unsigned cfi_flash_write(struct cfi_flash *f, uint32_t off, unsigned size, uint64_t value)
{
	if (size == 8) {
		unsigned ev = cycle(f, off, 4, (uint32_t)value);

		return ev | cycle(f, (uint64_t)off + 4, 4, (uint32_t)(value >> 32));
	}
	if (size == 1 || size == 2 || size == 4) {
		return cycle(f, off, size, (uint32_t)value);
	}
	return CFI_FLASH_EV_NONE;
}

bool cfi_flash_array_mode(const struct cfi_flash *f)
{
	return f->array_mode;
}

uint64_t cfi_flash_changes(const struct cfi_flash *f)
{
	return f->changes;
}

uint8_t cfi_flash_status(const struct cfi_flash *f)
{
	return f->status;
}

void cfi_flash_fail_program(struct cfi_flash *f)
{
	f->status |= CFI_FLASH_SR_PROGRAM_ERR;
}

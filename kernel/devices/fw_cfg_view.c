/*
 * The guest's fw_cfg (fw_cfg_view.h): a view of the host's fw_cfg built once at
 * registration (items[], the synthesized buffers) and the port/DMA state machine of QEMU
 * hw/nvram/fw_cfg.c (7.2) on top of it. Guest memory is touched only through guest_mem;
 * the host's fw_cfg is read only by the SVSM (fw_cfg_read_at()) into its own memory, so
 * no host DMA ever targets an address the guest chose. Item data stays on the host and is
 * read on demand; only small synthesized items live here. view_lock guards the selection,
 * the offset, the DMA address and the bounce buffer (one guest access at a time).
 *
 * Tables the SVSM adds to the host's ACPI tables (fw_cfg_view_add_acpi(); the TPM's) go to
 * the guest as one more file, etc/svsm/acpi-tables: a pointer to each table, then the
 * tables. The host's etc/table-loader is copied and three kinds of QEMU linker/loader
 * commands are appended: ALLOCATE the file, and one ADD_POINTER per table whose pointer
 * field is in the file itself. The firmware (OVMF's AcpiPlatformDxe) relocates those
 * pointers and installs every table a pointer leads to, adding it to the RSDT/XSDT itself.
 */
#include "kernel/devices/fw_cfg_view.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kernel/drivers/fw_cfg.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "svsm/abi/e820.h"

/* Selectors (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE    0x00
#define FW_CFG_ID           0x01
#define FW_CFG_KERNEL_SIZE  0x08
#define FW_CFG_INITRD_SIZE  0x0b
#define FW_CFG_KERNEL_DATA  0x11
#define FW_CFG_INITRD_DATA  0x12
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_SIZE   0x17
#define FW_CFG_SETUP_DATA   0x18
#define FW_CFG_FILE_DIR     0x19
#define FW_CFG_FILE_FIRST   0x20
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_INVALID      0xffff

#define VIEW_MAX_FILES   128
#define VIEW_MAX_ITEMS   (VIEW_MAX_FILES + 24)
#define VIEW_MAX_E820    64
#define VIEW_MAX_CMDLINE 4096
#define VIEW_HOST_MAX_FILES 4096
#define VIEW_BOUNCE      16384
#define SVSM_PREFIX      "opt/svsm/"
#define VIEW_MAX_LOADER  16384 /* the host's linker/loader script plus ours (128-byte commands) */
#define VIEW_MAX_ACPI    4
#define VIEW_ACPI_BLOB   1024
#define ACPI_FILE        "etc/svsm/acpi-tables"
#define LOADER_CMD_SIZE  128u
#define LOADER_ALLOCATE  1u
#define LOADER_ADD_POINTER 2u
#define LOADER_ZONE_HIGH 1u
#define LOADER_FNAME     56u

/** struct view_file - a file directory entry (QEMU FWCfgFile): big-endian size, select. */
struct view_file {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[56];
};
_Static_assert(sizeof(struct view_file) == 64, "fw_cfg file entry");

/** struct view_dma - FWCfgDmaAccess as the guest writes it (big-endian). */
struct view_dma {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};
_Static_assert(sizeof(struct view_dma) == 16, "fw_cfg DMA descriptor");

/**
 * struct view_item - one item the guest can select.
 * @select:      the guest's selector (write-channel bit clear).
 * @size:        its length in bytes.
 * @data:        synthesized bytes, or NULL: @host_select from @host_offset.
 */
struct view_item {
	uint16_t select;
	uint32_t size;
	const uint8_t *data;
	uint16_t host_select;
	uint32_t host_offset;
};

/* Numeric items passed through: what OVMF 2022.11 reads (UUID, graphics, CPU counts, machine
 * ID, boot device and menu, NUMA), with the most each may hold; the host zero-pads past its
 * real length, as QEMU's data port and DMA do, so a larger bound changes nothing seen. */
static const struct {
	uint16_t select;
	uint32_t size;
} pass_numeric[] = {
	{0x02, 16}, {0x04, 2}, {0x05, 2}, {0x06, 4}, {0x0c, 2}, {0x0d, 4096}, {0x0e, 2},
	{0x0f, 2},
};

static struct spinlock view_lock = SPINLOCK_INIT;
static struct view_item items[VIEW_MAX_ITEMS];
static unsigned item_count;
static uint8_t sig[4] = {'Q', 'E', 'M', 'U'};
static uint8_t id_le[4];
static uint8_t dir[4 + VIEW_MAX_FILES * sizeof(struct view_file)];
static struct e820_entry e820[VIEW_MAX_E820];
static uint8_t kernel_size_le[4], setup_size_le[4], initrd_size_le[4], cmdline_size_le[4];
static uint8_t cmdline[VIEW_MAX_CMDLINE + 1];
static uint8_t bounce[VIEW_BOUNCE];
static const uint8_t *acpi_extra[VIEW_MAX_ACPI]; /* fw_cfg_view_add_acpi(), in order */
static unsigned acpi_extra_count;
static uint8_t acpi_blob[VIEW_ACPI_BLOB];
static uint32_t acpi_blob_size;
static uint8_t loader[VIEW_MAX_LOADER];
static uint16_t cur_select = FW_CFG_INVALID;
static uint32_t cur_offset;
static uint64_t dma_addr;

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static enum svsm_err add_item(uint16_t select, uint32_t size, const uint8_t *data,
			      uint16_t host_select, uint32_t host_offset)
{
	if (item_count == VIEW_MAX_ITEMS) {
		return SVSM_E_NOMEM;
	}
	items[item_count++] = (struct view_item){select, size, data, host_select, host_offset};
	return SVSM_OK;
}

static enum svsm_err add_data(uint16_t select, const uint8_t *data, uint32_t size)
{
	return add_item(select, size, data, 0, 0);
}

static const struct view_item *find_item(uint16_t select)
{
	for (unsigned i = 0; i < item_count; i++) {
		if (items[i].select == select) {
			return &items[i];
		}
	}
	return NULL;
}

/**
 * struct host_files - what registration found among the host's files.
 */
struct host_files {
	uint16_t kernel, initrd, cmdline; /* FW_CFG_INVALID: absent */
	uint32_t kernel_size, initrd_size, cmdline_size;
	bool e820;
	uint16_t e820_select;
};

static void note_svsm_file(struct host_files *h, const struct view_file *f)
{
	uint16_t sel = __builtin_bswap16(f->select);
	uint32_t size = be32(f->size);

	if (strcmp(f->name, SVSM_PREFIX "kernel") == 0) {
		h->kernel = sel;
		h->kernel_size = size;
	} else if (strcmp(f->name, SVSM_PREFIX "initrd") == 0) {
		h->initrd = sel;
		h->initrd_size = size;
	} else if (strcmp(f->name, SVSM_PREFIX "cmdline") == 0) {
		h->cmdline = sel;
		h->cmdline_size = size;
	}
}

static uint32_t acpi_len(const uint8_t *t)
{
	return (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
}

enum svsm_err fw_cfg_view_add_acpi(const uint8_t *table)
{
	uint32_t used = acpi_extra_count * 8u;

	for (unsigned i = 0; i < acpi_extra_count; i++) {
		used += acpi_len(acpi_extra[i]);
	}
	/* used <= VIEW_ACPI_BLOB always: compare without a subtraction that could wrap. */
	if (acpi_extra_count == VIEW_MAX_ACPI || acpi_len(table) < 36 ||
	    acpi_len(table) > VIEW_ACPI_BLOB || used + 8u + acpi_len(table) > VIEW_ACPI_BLOB) {
		return SVSM_E_NOMEM;
	}
	acpi_extra[acpi_extra_count++] = table;
	return SVSM_OK;
}

void fw_cfg_view_clear_acpi(void)
{
	acpi_extra_count = 0;
}

/* etc/svsm/acpi-tables: a 64-bit pointer to each table (its offset in the file), the tables. */
static void build_acpi_blob(void)
{
	uint32_t off = acpi_extra_count * 8u;

	for (unsigned i = 0; i < acpi_extra_count; i++) {
		uint32_t len = acpi_len(acpi_extra[i]);

		put_le32(acpi_blob + i * 8u, off);
		put_le32(acpi_blob + i * 8u + 4, 0);
		memcpy(acpi_blob + off, acpi_extra[i], len);
		off += len;
	}
	acpi_blob_size = off;
}

static void loader_name(uint8_t *dst, const char *name)
{
	memset(dst, 0, LOADER_FNAME);
	memcpy(dst, name, strlen(name)); /* < 56 bytes: a constant */
}

/*
 * The host's loader script (@size bytes of item @sel) with ALLOCATE and ADD_POINTERs for
 * etc/svsm/acpi-tables appended (QEMU hw/acpi/bios-linker-loader.c layout). Returns the
 * new size, or 0 (the script is served unchanged) if it is malformed or too long.
 */
static uint32_t build_loader(uint16_t sel, uint32_t size)
{
	uint32_t extra = (1 + acpi_extra_count) * LOADER_CMD_SIZE;
	uint8_t *c;

	if (size % LOADER_CMD_SIZE != 0 || size > sizeof(loader) - extra) {
		pr_warn("fw_cfg_view: etc/table-loader (%u bytes) not extended: the SVSM's ACPI "
			"tables are not shown\n", size);
		return 0;
	}
	fw_cfg_read_at(sel, 0, loader, size);
	c = loader + size;
	memset(c, 0, extra);
	put_le32(c, LOADER_ALLOCATE);
	loader_name(c + 4, ACPI_FILE);
	put_le32(c + 4 + LOADER_FNAME, 64); /* alignment */
	c[4 + LOADER_FNAME + 4] = LOADER_ZONE_HIGH;
	for (unsigned i = 0; i < acpi_extra_count; i++) {
		c += LOADER_CMD_SIZE;
		put_le32(c, LOADER_ADD_POINTER);
		loader_name(c + 4, ACPI_FILE);                /* the pointer's file */
		loader_name(c + 4 + LOADER_FNAME, ACPI_FILE); /* the file it points into */
		put_le32(c + 4 + 2 * LOADER_FNAME, i * 8u);   /* pointer offset */
		c[4 + 2 * LOADER_FNAME + 4] = 8;              /* pointer size */
	}
	return size + extra;
}

/* Append etc/svsm/acpi-tables to the directory as entry @count with selector @sel. */
static enum svsm_err add_acpi_file(uint32_t count, uint16_t sel)
{
	struct view_file f = {.size = be32(acpi_blob_size), .select = __builtin_bswap16(sel)};
	enum svsm_err err;

	if (count == VIEW_MAX_FILES || sel >= FW_CFG_WRITE_CHANNEL || find_item(sel) != NULL) {
		return SVSM_E_NOMEM;
	}
	memcpy(f.name, ACPI_FILE, sizeof(ACPI_FILE));
	err = add_data(sel, acpi_blob, acpi_blob_size);
	if (err == SVSM_OK) {
		memcpy(dir + 4 + count * sizeof(f), &f, sizeof(f));
	}
	return err;
}

/* The host's directory minus the opt/svsm/ files, with etc/e820 replaced by guest_e820(). */
static enum svsm_err build_files(struct host_files *h)
{
	uint32_t host_count = 0;
	uint32_t count = 0;
	uint16_t max_sel = FW_CFG_FILE_FIRST;
	bool extended = false;
	struct view_file f;
	unsigned n;

	fw_cfg_read_at(FW_CFG_FILE_DIR, 0, &host_count, sizeof(host_count));
	host_count = be32(host_count);
	if (host_count > VIEW_HOST_MAX_FILES) {
		return SVSM_E_FORMAT;
	}
	for (uint32_t i = 0; i < host_count; i++) {
		uint16_t sel;
		uint32_t size;
		enum svsm_err err;

		fw_cfg_read_at(FW_CFG_FILE_DIR, 4 + i * (uint32_t)sizeof(f), &f, sizeof(f));
		f.name[sizeof(f.name) - 1] = '\0';
		sel = __builtin_bswap16(f.select);
		size = be32(f.size);
		if (strncmp(f.name, SVSM_PREFIX, strlen(SVSM_PREFIX)) == 0) {
			note_svsm_file(h, &f);
			continue;
		}
		if (count == VIEW_MAX_FILES || sel < FW_CFG_FILE_FIRST ||
		    (sel & FW_CFG_WRITE_CHANNEL) != 0 || find_item(sel) != NULL) {
			pr_warn("fw_cfg_view: host file %s (select %#x) not shown\n", f.name, sel);
			continue;
		}
		max_sel = sel > max_sel ? sel : max_sel;
		if (acpi_extra_count > 0 && strcmp(f.name, "etc/table-loader") == 0 &&
		    (n = build_loader(sel, size)) != 0) {
			size = n;
			err = add_data(sel, loader, size);
			f.size = be32(size);
			extended = true;
		} else if (strcmp(f.name, "etc/e820") == 0) {
			n = guest_e820(e820, VIEW_MAX_E820);
			if (n > VIEW_MAX_E820) {
				return SVSM_E_NOMEM;
			}
			size = n * (uint32_t)sizeof(struct e820_entry);
			err = add_data(sel, (const uint8_t *)e820, size);
			f.size = be32(size);
		} else {
			err = add_item(sel, size, NULL, sel, 0);
		}
		if (err != SVSM_OK) {
			return err;
		}
		memcpy(dir + 4 + count * sizeof(f), &f, sizeof(f));
		count++;
	}
	if (extended) {
		build_acpi_blob();
		if (add_acpi_file(count, (uint16_t)(max_sel + 1)) != SVSM_OK) {
			return SVSM_E_NOMEM;
		}
		count++;
	} else if (acpi_extra_count > 0) {
		pr_warn("fw_cfg_view: no etc/table-loader: the SVSM's ACPI tables are not shown\n");
	}
	put_le32(dir, be32(count)); /* stored big-endian */
	return add_data(FW_CFG_FILE_DIR, dir, 4 + count * (uint32_t)sizeof(f));
}

/* QEMU x86_load_linux for OVMF: setup = (setup_sects + 1) * 512 bytes, kernel = the rest. */
static enum svsm_err build_kernel(const struct host_files *h)
{
	uint8_t hdr[4] = {0};
	uint8_t setup_sects = 0;
	uint32_t setup_size;
	uint32_t cmdline_len;
	enum svsm_err err;

	if (h->kernel == FW_CFG_INVALID) {
		return SVSM_OK;
	}
	if (h->kernel_size < 0x202 + sizeof(hdr)) {
		return SVSM_E_FORMAT;
	}
	fw_cfg_read_at(h->kernel, 0x202, hdr, sizeof(hdr));
	fw_cfg_read_at(h->kernel, 0x1f1, &setup_sects, 1);
	if (memcmp(hdr, "HdrS", 4) != 0) {
		return SVSM_E_FORMAT;
	}
	setup_size = ((setup_sects == 0 ? 4u : setup_sects) + 1u) * 512u;
	if (h->kernel_size <= setup_size) {
		return SVSM_E_FORMAT;
	}
	cmdline_len = h->cmdline == FW_CFG_INVALID ? 0 : h->cmdline_size;
	if (cmdline_len > VIEW_MAX_CMDLINE) {
		return SVSM_E_FORMAT;
	}
	memset(cmdline, 0, sizeof(cmdline));
	if (cmdline_len > 0) {
		fw_cfg_read_at(h->cmdline, 0, cmdline, cmdline_len);
	}
	cmdline_len = (uint32_t)strlen((const char *)cmdline) + 1; /* stops at an inner NUL */
	put_le32(setup_size_le, setup_size);
	put_le32(kernel_size_le, h->kernel_size - setup_size);
	put_le32(cmdline_size_le, cmdline_len);
	err = add_data(FW_CFG_SETUP_SIZE, setup_size_le, 4);
	err = err != SVSM_OK ? err : add_item(FW_CFG_SETUP_DATA, setup_size, NULL, h->kernel, 0);
	err = err != SVSM_OK ? err : add_data(FW_CFG_KERNEL_SIZE, kernel_size_le, 4);
	err = err != SVSM_OK ? err
			     : add_item(FW_CFG_KERNEL_DATA, h->kernel_size - setup_size, NULL,
					h->kernel, setup_size);
	err = err != SVSM_OK ? err : add_data(FW_CFG_CMDLINE_SIZE, cmdline_size_le, 4);
	err = err != SVSM_OK ? err : add_data(FW_CFG_CMDLINE_DATA, cmdline, cmdline_len);
	if (err != SVSM_OK || h->initrd == FW_CFG_INVALID) {
		return err;
	}
	put_le32(initrd_size_le, h->initrd_size);
	err = add_data(FW_CFG_INITRD_SIZE, initrd_size_le, 4);
	return err != SVSM_OK ? err
			      : add_item(FW_CFG_INITRD_DATA, h->initrd_size, NULL, h->initrd, 0);
}

void fw_cfg_view_reset(void)
{
	item_count = 0;
	cur_select = FW_CFG_INVALID;
	cur_offset = 0;
	dma_addr = 0;
}

enum svsm_err fw_cfg_view_register(void)
{
	struct host_files h = {.kernel = FW_CFG_INVALID, .initrd = FW_CFG_INVALID,
			       .cmdline = FW_CFG_INVALID};
	uint8_t host_sig[4] = {0};
	enum svsm_err err;

	fw_cfg_view_reset();
	fw_cfg_read_at(FW_CFG_SIGNATURE, 0, host_sig, sizeof(host_sig));
	if (memcmp(host_sig, sig, sizeof(sig)) != 0) {
		return SVSM_E_NOT_FOUND;
	}
	put_le32(id_le, 3); /* traditional interface and DMA */
	err = add_data(FW_CFG_SIGNATURE, sig, 4);
	err = err != SVSM_OK ? err : add_data(FW_CFG_ID, id_le, 4);
	for (size_t i = 0; err == SVSM_OK && i < sizeof(pass_numeric) / sizeof(pass_numeric[0]);
	     i++) {
		err = add_item(pass_numeric[i].select, pass_numeric[i].size, NULL,
			       pass_numeric[i].select, 0);
	}
	err = err != SVSM_OK ? err : build_files(&h);
	err = err != SVSM_OK ? err : build_kernel(&h);
	if (err != SVSM_OK) {
		fw_cfg_view_reset();
		return err;
	}
	err = bus_register_io(FW_CFG_VIEW_PORT_SEL, 2, fw_cfg_view_io, NULL);
	err = err != SVSM_OK ? err
			     : bus_register_io(FW_CFG_VIEW_PORT_DMA,
					       FW_CFG_VIEW_PORT_END - FW_CFG_VIEW_PORT_DMA,
					       fw_cfg_view_io, NULL);
	return err;
}

/* ---- the state machine (view_lock held) ---- */

static void item_read(const struct view_item *it, uint32_t off, void *dst, uint32_t n)
{
	if (it->data != NULL) {
		memcpy(dst, it->data + off, n);
	} else {
		fw_cfg_read_at(it->host_select, it->host_offset + off, dst, n);
	}
}

static void select_item(uint16_t key)
{
	cur_select = key & (uint16_t)~FW_CFG_WRITE_CHANNEL;
	cur_offset = 0;
}

static uint8_t data_read(void)
{
	const struct view_item *it = find_item(cur_select);
	uint8_t b = 0;

	if (it != NULL && cur_offset < it->size) {
		item_read(it, cur_offset, &b, 1);
		cur_offset++;
	}
	return b;
}

/* Copy @n bytes of @it from the current offset to guest @gpa through the bounce buffer. */
static bool dma_read_item(const struct view_item *it, uint64_t gpa, uint32_t n)
{
	while (n > 0) {
		uint32_t chunk = n < VIEW_BOUNCE ? n : VIEW_BOUNCE;

		item_read(it, cur_offset, bounce, chunk);
		if (guest_mem_write(gpa_init(gpa), bounce, chunk) != SVSM_OK) {
			return false;
		}
		cur_offset += chunk;
		gpa += chunk;
		n -= chunk;
	}
	return true;
}

/* Write the descriptor's control word back; a guest that unmapped it sees nothing. */
static void complete(uint64_t desc, uint32_t control)
{
	uint32_t be = be32(control);

	if (guest_mem_write(gpa_init(desc), &be, sizeof(be)) != SVSM_OK) {
		return;
	}
}

/* QEMU fw_cfg_dma_transfer() for the descriptor at @desc, with every guest access checked. */
static void dma_transfer(uint64_t desc)
{
	struct view_dma d;
	uint32_t control, length, result = 0;
	uint64_t address;
	const struct view_item *it;
	bool read;

	if (guest_mem_read(gpa_init(desc), &d, sizeof(d)) != SVSM_OK) {
		result = FW_CFG_VIEW_DMA_ERROR;
		complete(desc, result);
		return;
	}
	control = be32(d.control);
	length = be32(d.length);
	address = __builtin_bswap64(d.address);
	if (control & FW_CFG_VIEW_DMA_SELECT) {
		select_item((uint16_t)(control >> 16));
	}
	read = (control & FW_CFG_VIEW_DMA_READ) != 0;
	if (!read && (control & FW_CFG_VIEW_DMA_WRITE) != 0) {
		result = length > 0 ? FW_CFG_VIEW_DMA_ERROR : 0; /* every item is read-only */
		length = 0;
	} else if (!read && (control & FW_CFG_VIEW_DMA_SKIP) == 0) {
		length = 0;
	}
	it = find_item(cur_select);
	if (length > 0 && it != NULL && cur_offset < it->size) {
		uint32_t n = length < it->size - cur_offset ? length : it->size - cur_offset;

		if (!read) {
			cur_offset += n;
		} else if (!dma_read_item(it, address, n)) {
			result = FW_CFG_VIEW_DMA_ERROR;
		}
		address += n;
		length -= n;
	}
	if (result == 0 && read && length > 0) { /* past the item: QEMU zero-fills */
		if (length > FW_CFG_VIEW_MAX_FILL ||
		    guest_mem_zero(gpa_init(address), length) != SVSM_OK) {
			result = FW_CFG_VIEW_DMA_ERROR;
		}
	}
	complete(desc, result);
}

static bool dma_port(struct bus_access *a)
{
	unsigned off = a->port - FW_CFG_VIEW_PORT_DMA;
	uint32_t v = (uint32_t)a->value;

	if (a->size != 4 || (off != 0 && off != 4)) {
		return false; /* QEMU accepts 4 bytes at 0 or 4 (and 8 at 0: not port I/O) */
	}
	if (!a->write) {
		/* The signature "QEMU CFG", big-endian: the bytes read in memory order. */
		a->value = off == 0 ? 0x554d4551u : 0x47464320u;
		return true;
	}
	if (off == 0) {
		dma_addr = (uint64_t)be32(v) << 32;
	} else {
		dma_addr |= be32(v);
		dma_transfer(dma_addr);
		dma_addr = 0;
	}
	return true;
}

enum bus_result fw_cfg_view_io(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t flags;
	bool ok = false;

	(void)ctx;
	(void)v;
	flags = spin_lock_irqsave(&view_lock);
	if (a->port == FW_CFG_VIEW_PORT_SEL && a->size == 2) {
		/* QEMU's combined port: a 16-bit write selects, a 16-bit read reads data. */
		if (a->write) {
			select_item((uint16_t)a->value);
		} else {
			a->value = data_read();
		}
		ok = true;
	} else if (a->port == FW_CFG_VIEW_PORT_DATA && a->size == 1) {
		if (!a->write) {
			a->value = data_read();
		}
		ok = true; /* data writes are ignored (QEMU 7.2) */
	} else if (a->port >= FW_CFG_VIEW_PORT_DMA && a->port < FW_CFG_VIEW_PORT_END) {
		ok = dma_port(a);
	}
	spin_unlock_irqrestore(&view_lock, flags);
	return ok ? BUS_DONE : BUS_UNOWNED;
}

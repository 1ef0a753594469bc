/*
 * The firmware flash of split OVMF (flash.h, docs/uefi-vars.md). Owns the variable store's
 * pages, its CFI state machine (lib/cfi_flash.c) under flash_lock, the mapping of the store
 * that follows the state machine's mode, and the commits of the store to the state disk.
 *
 * Reads: in read-array mode the store is mapped read-only into the guest (QEMU's "romd"
 * mode), so reads run without an exit; the first command write unmaps it (every CPU's
 * nested TLB flushed before the write completes) and reads exit to the state machine until
 * it is back in read-array mode, when the store is mapped again.
 * Durability: when a write returns the flash to read-array mode and the contents changed
 * since the last commit, the vCPU commits the whole store (persist_commit_record(), the
 * state record "uefi-vars") before its write completes: the guest's next instruction runs
 * after the data is on the disk. A failed commit sets the status register's program-error
 * bit and logs an error; the store in memory keeps the data.
 * The code flash is mapped read-only as well; a write to it exits here and is dropped.
 */
#include "kernel/devices/flash.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/devices/bus.h"
#include "kernel/drivers/fw_cfg.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/platform.h"
#include "kernel/services/persist.h"
#include "kernel/services/services.h"
#include "lib/cfi_flash.h"
#include "lib/format.h"
#include "lib/state_store.h"

#define FLASH_BLOCK_SIZE 4096u /* OVMF's 4M build, QEMU's pc flash sector */
#define CODE_WRITE_LOG_MAX 4u

static struct spinlock flash_lock = SPINLOCK_INIT;  /* the state machine and the mapping */
static struct spinlock commit_lock = SPINLOCK_INIT; /* one commit at a time, in order */
static struct cfi_flash cfi;

static struct {
	gpa_t gpa;
	uint32_t size; /* 0: no variable store */
	paddr_t pa;
	uint8_t *array;
	uint8_t *snapshot; /* what a commit writes (persistent only) */
	bool persistent;
	bool mapped;
	uint64_t committed_changes; /* cfi_flash_changes() at the last commit */
	uint64_t reads, writes;	    /* accesses that reached the device (exits) */
} vars;

static struct {
	gpa_t gpa;
	uint64_t size; /* 0: none */
	paddr_t pa;
	uint64_t writes_dropped;
} code;

/* ---- SHA-256 of the store, for the log lines the tests compare -------------------- */

struct digest_job {
	const void *data;
	size_t len;
	uint8_t md[32];
	bool ok;
};

static void digest_run(void *arg)
{
	struct digest_job *j = arg;

	j->ok = EVP_Digest(j->data, j->len, j->md, NULL, EVP_sha256(), NULL) == 1;
}

/* Hex SHA-256 of @data into @hex (65 bytes); "?" when libcrypto failed. */
static void sha256_hex(const void *data, size_t len, char hex[65])
{
	struct digest_job j = {.data = data, .len = len};

	services_run(digest_run, &j);
	if (!j.ok) {
		format_snprintf(hex, 65, "?");
		return;
	}
	for (unsigned i = 0; i < 32; i++) {
		format_snprintf(hex + 2 * i, 3, "%02x", j.md[i]);
	}
}

static unsigned order_of(uint64_t size)
{
	unsigned order = 0;

	while ((MM_PAGE_SIZE << order) < size) {
		order++;
	}
	return order;
}

/* ---- the variable store ------------------------------------------------------------ */

/* Commit the store if it changed since the last commit; the caller holds no lock. */
static void commit_now(void)
{
	uint64_t flags = spin_lock_irqsave(&commit_lock);
	uint64_t lflags, changes, t0, us;
	enum svsm_err err;
	char hex[65];

	lflags = spin_lock_irqsave(&flash_lock);
	changes = cfi_flash_changes(&cfi);
	if (changes == vars.committed_changes) {
		spin_unlock_irqrestore(&flash_lock, lflags);
		spin_unlock_irqrestore(&commit_lock, flags);
		return; /* another vCPU committed it */
	}
	memcpy(vars.snapshot, vars.array, vars.size);
	spin_unlock_irqrestore(&flash_lock, lflags);
	t0 = tsc_now_us();
	err = persist_commit_record(STATE_REC_UEFI_VARS, vars.snapshot, vars.size);
	us = tsc_now_us() - t0;
	if (err == SVSM_OK) {
		vars.committed_changes = changes;
		sha256_hex(vars.snapshot, vars.size, hex);
		pr_info("uefi-vars: committed generation %lu sha256 %s (%lu us; %lu reads, %lu "
			"writes reached the flash so far)\n",
			(unsigned long)persist_generation(), hex, (unsigned long)us,
			(unsigned long)vars.reads, (unsigned long)vars.writes);
	} else {
		lflags = spin_lock_irqsave(&flash_lock);
		cfi_flash_fail_program(&cfi);
		spin_unlock_irqrestore(&flash_lock, lflags);
		pr_err("uefi-vars: commit failed (error %d): the change is not on the disk\n",
		       (int)err);
	}
	spin_unlock_irqrestore(&commit_lock, flags);
}

/* Make the mapping follow the mode; flash_lock held. */
static void follow_mode(void)
{
	bool array = cfi_flash_array_mode(&cfi);
	enum svsm_err err = SVSM_OK;

	if (vars.mapped && !array) {
		err = plat_guest_unmap(vars.gpa, vars.size);
		vars.mapped = err != SVSM_OK;
	} else if (!vars.mapped && array) {
		err = plat_guest_map_ro(vars.gpa, vars.size, vars.pa);
		vars.mapped = err == SVSM_OK;
	}
	if (err != SVSM_OK) {
		/* Unmapped with the flash in read-array mode only costs exits; the reverse is
		 * impossible (a failed unmap keeps the old mapping and says so). */
		pr_err("uefi-vars: mapping the store failed (error %d)\n", (int)err);
	}
}

static enum bus_result vars_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t off = (uint32_t)gpa_diff(a->gpa, vars.gpa);
	bool commit = false;
	uint64_t flags;

	(void)ctx;
	(void)v;
	if (a->size == 0) {
		return BUS_DONE; /* not decoded: the MMIO path stops the guest */
	}
	flags = spin_lock_irqsave(&flash_lock);
	if (!a->write) {
		vars.reads++;
		a->value = cfi_flash_read(&cfi, off, a->size);
	} else {
		vars.writes++;
		unsigned ev = cfi_flash_write(&cfi, off, a->size, a->value);
		bool was_mapped = vars.mapped;

		follow_mode();
		commit = vars.persistent && (ev & CFI_FLASH_EV_ENTERED_ARRAY) != 0 &&
			 cfi_flash_changes(&cfi) != vars.committed_changes;
		/* A commit or a remap (every CPU's TLB) is the most one exit does: a string
		 * instruction's batch (REP MOVS/STOS into the flash) stops after it. */
		a->end_batch = commit || was_mapped != vars.mapped;
	}
	spin_unlock_irqrestore(&flash_lock, flags);
	if (commit) {
		commit_now();
	}
	return BUS_DONE;
}

enum svsm_err flash_vars_load(gpa_t gpa, uint16_t select, uint32_t size)
{
	const uint8_t *rec = NULL;
	uint32_t rec_size = 0;
	const char *from = "opt/svsm/firmware-vars, volatile: no state disk";
	enum svsm_err err;
	paddr_t pa;
	char hex[65];

	if (size == 0 || size % FLASH_BLOCK_SIZE != 0 || size > STATE_RECORD_MAX) {
		pr_err("uefi-vars: the variable store is %u bytes; it must be a multiple of 4 KiB "
		       "up to %u\n",
		       size, STATE_RECORD_MAX);
		return SVSM_E_FORMAT;
	}
	pa = page_alloc_get(order_of(size), PAGE_OWNER_KERNEL);
	if (pa_is_null(pa)) {
		return SVSM_E_NOMEM;
	}
	vars.gpa = gpa;
	vars.size = size;
	vars.pa = pa;
	vars.array = phys_to_virt(pa);
	err = persist_record_get(STATE_REC_UEFI_VARS, &rec, &rec_size);
	if (err == SVSM_OK && rec_size != size) {
		pr_err("uefi-vars: the state's variable store is %u bytes, the firmware's %u: "
		       "boot stopped\n",
		       rec_size, size);
		return SVSM_E_FORMAT;
	}
	if (err == SVSM_OK) {
		memcpy(vars.array, rec, size);
		from = "state record uefi-vars";
	} else {
		fw_cfg_read_at(select, 0, vars.array, size);
	}
	vars.persistent = err == SVSM_OK || err == SVSM_E_NOT_FOUND;
	if (vars.persistent) {
		pa = page_alloc_get(order_of(size), PAGE_OWNER_KERNEL);
		if (pa_is_null(pa)) {
			return SVSM_E_NOMEM;
		}
		vars.snapshot = phys_to_virt(pa);
	}
	if (!cfi_flash_init(&cfi, vars.array, size, FLASH_BLOCK_SIZE)) {
		return SVSM_E_FORMAT;
	}
	sha256_hex(vars.array, size, hex);
	if (err == SVSM_E_NOT_FOUND) {
		/* First boot with this disk: the firmware's initial store becomes the record. */
		from = "opt/svsm/firmware-vars, first boot of this state";
		memcpy(vars.snapshot, vars.array, size);
		err = persist_commit_record(STATE_REC_UEFI_VARS, vars.snapshot, size);
		if (err != SVSM_OK) {
			pr_err("uefi-vars: storing the initial variable store failed (error %d)\n",
			       (int)err);
			return err;
		}
		pr_info("uefi-vars: committed generation %lu sha256 %s (initial)\n",
			(unsigned long)persist_generation(), hex);
	}
	pr_info("uefi-vars: loaded sha256 %s (%s), %u KiB flash at [%#lx, %#lx)\n", hex, from,
		size >> 10, gpa_addr(gpa), gpa_addr(gpa) + size);
	return bus_register_mmio(gpa, size, vars_access, NULL);
}

/* ---- the code flash ---------------------------------------------------------------- */

static enum bus_result code_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t off = gpa_diff(a->gpa, code.gpa);
	const uint8_t *p = phys_to_virt(code.pa);

	(void)ctx;
	(void)v;
	if (a->size == 0) {
		return BUS_DONE; /* not decoded: the MMIO path stops the guest */
	}
	if (a->write) {
		uint64_t n = __atomic_add_fetch(&code.writes_dropped, 1, __ATOMIC_RELAXED);

		if (n <= CODE_WRITE_LOG_MAX) {
			pr_warn(
			    "flash: guest write of %u bytes to the firmware code at %#lx dropped "
			    "(read-only)\n",
			    a->size, gpa_addr(a->gpa));
		}
		return BUS_DONE;
	}
	a->value = 0;
	for (unsigned i = 0; i < a->size && off + i < code.size; i++) {
		a->value |= (uint64_t)p[off + i] << (8 * i);
	}
	return BUS_DONE;
}

enum svsm_err flash_code_register(gpa_t gpa, uint64_t size, paddr_t pa)
{
	code.gpa = gpa;
	code.size = size;
	code.pa = pa;
	return bus_register_mmio(gpa, size, code_access, NULL);
}

enum svsm_err flash_map(void)
{
	enum svsm_err err = SVSM_OK;
	uint64_t flags;

	if (code.size != 0) {
		err = plat_guest_map_ro(code.gpa, code.size, code.pa);
	}
	if (err == SVSM_OK && vars.size != 0) {
		flags = spin_lock_irqsave(&flash_lock);
		follow_mode();
		err = vars.mapped ? SVSM_OK : SVSM_E_NOMEM;
		spin_unlock_irqrestore(&flash_lock, flags);
	}
	return err;
}

/*
 * Persistent state (persist.h): one struct state for the whole SVSM, its keys, and the
 * virtio-blk disk as a state_dev. Boot runs on the boot CPU in the library context before
 * any vCPU exists. Afterwards persist_lock serialises commits: the encryption runs in the
 * library context (services_run), the disk writes and flushes after it returns, so vCPUs
 * waiting for the library lock are not held up by the disk (docs/design.md "Waiting on the
 * host"). The vTPM store (ram_store.c) stays the working copy; its write counter says when
 * the permanent state changed.
 */
#include "kernel/services/persist.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/services/services.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/store.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/state_store.h"

#define PERMALL "permall"

static struct {
	bool enabled;
	struct state st;
	struct state_keys keys;
	uint64_t synced_writes; /* ram_store_write_count() at the last commit */
	uint64_t commits;
	uint64_t last_commit_us;
} persist;

static struct spinlock persist_lock = SPINLOCK_INIT;

static enum svsm_err dev_read(void *ctx, uint64_t lba, void *buf, uint32_t n)
{
	(void)ctx;
	return virtio_blk_read(lba, buf, n);
}

static enum svsm_err dev_write(void *ctx, uint64_t lba, const void *buf, uint32_t n)
{
	(void)ctx;
	return virtio_blk_write(lba, buf, n);
}

static enum svsm_err dev_flush(void *ctx)
{
	(void)ctx;
	return virtio_blk_flush();
}

static struct state_dev disk(void)
{
	return (struct state_dev){.sectors = virtio_blk_sectors(), .read = dev_read,
				  .write = dev_write, .flush = dev_flush};
}

/* The newest generation a slot header claims (not authenticated yet; the KBS judges it). */
static uint64_t claimed_generation(const struct state_image *img)
{
	uint64_t best = 0;

	for (uint32_t i = 0; i < 2; i++) {
		struct state_header_info info;
		struct state_report rep;

		if (img->slot[i] == NULL || img->sectors_read[i] == 0 ||
		    state_header_peek(img->slot[i], i, img->slot_sectors, &info, &rep) != SVSM_OK ||
		    info.blank) {
			continue;
		}
		best = info.generation > best ? info.generation : best;
	}
	return best;
}

/* The vTPM record into the vTPM store, before the vTPM powers on. */
static enum svsm_err seed_vtpm(void)
{
	const uint8_t *data = NULL;
	uint32_t size = 0;
	enum svsm_err err = state_get(&persist.st, STATE_REC_VTPM, &data, &size);

	if (err == SVSM_E_NOT_FOUND) {
		return SVSM_OK; /* formatted, not yet manufactured: the vTPM manufactures */
	}
	return err == SVSM_OK ? vtpm_store_write(PERMALL, data, size) : err;
}

enum svsm_err persist_boot(persist_unlock_fn unlock)
{
	struct state_dev dev;
	struct state_image img = {0};
	struct state_report rep = {0};
	uint8_t secret[STATE_SECRET_SIZE];
	char msg[160] = "";
	uint64_t claimed;
	enum svsm_err err;

	if (cmdline_get(boot_info.cmdline, "state", msg, sizeof(msg)) && strcmp(msg, "off") == 0) {
		pr_info("state: state=off: the vTPM is ephemeral; a disk is left to others\n");
		return SVSM_OK;
	}
	err = virtio_blk_probe();
	if (err == SVSM_E_NOT_FOUND || err == SVSM_E_UNSUPPORTED) {
		pr_info("state: no state disk: the vTPM is ephemeral (a new EK every boot)\n");
		return SVSM_OK;
	}
	if (err != SVSM_OK) {
		pr_err("state: the state disk does not work (error %d): boot stopped\n", (int)err);
		return err;
	}
	dev = disk();
	err = state_read_slots(&dev, &img, &rep);
	if (err != SVSM_OK) {
		pr_err("state: reading the state disk failed: %s: boot stopped\n", rep.msg);
		state_image_free(&img);
		return err;
	}
	claimed = claimed_generation(&img);
	err = unlock(claimed, secret, msg, sizeof(msg));
	if (err != SVSM_OK) {
		pr_err("state: attestation failed: %s: boot stopped, disk untouched\n", msg);
		state_image_free(&img);
		return err;
	}
	err = state_keys_derive(secret, &persist.keys);
	explicit_bzero(secret, sizeof(secret));
	if (err == SVSM_OK) {
		err = state_open(&persist.keys, &img, &persist.st, &rep);
	}
	state_image_free(&img);
	if (err == SVSM_E_NOT_FOUND) {
		err = state_init(&persist.st, dev.sectors);
		err = err != SVSM_OK ? err : state_format(&dev, &persist.keys, &persist.st, &rep);
		if (err == SVSM_OK) {
			pr_info("state: blank disk formatted (%lu sectors), generation %lu\n",
				(unsigned long)dev.sectors,
				(unsigned long)state_generation(&persist.st));
		}
	} else if (err == SVSM_OK && state_generation(&persist.st) != claimed) {
		/* The headers claimed one generation to the KBS; the authenticated state is
		 * another: the host showed two different slots. Refuse rather than guess. */
		format_snprintf(rep.msg, sizeof(rep.msg), "generation %lu opened, %lu attested",
			 (unsigned long)state_generation(&persist.st), (unsigned long)claimed);
		err = SVSM_E_INVALID_REQUEST;
	} else if (err == SVSM_OK) {
		pr_info("state: unlocked, generation %lu\n",
			(unsigned long)state_generation(&persist.st));
	}
	if (err == SVSM_OK) {
		err = seed_vtpm();
	}
	if (err != SVSM_OK) {
		pr_err("state: %s: boot stopped\n", rep.msg[0] != '\0' ? rep.msg : "state error");
		state_keys_wipe(&persist.keys);
		return err;
	}
	persist.enabled = true;
	persist.synced_writes = ram_store_write_count();
	return SVSM_OK;
}

bool persist_enabled(void)
{
	return persist.enabled;
}

uint64_t persist_generation(void)
{
	return persist.enabled ? state_generation(&persist.st) : 0;
}

uint64_t persist_commits(void)
{
	return persist.commits;
}

uint64_t persist_last_commit_us(void)
{
	return persist.last_commit_us;
}

struct prepare_job {
	struct state_commit *c;
	struct state_report rep;
	uint64_t writes;
	enum svsm_err err;
	uint32_t rec_type; /* persist_commit_record(): another record to set (0: none) */
	const void *rec_data;
	uint32_t rec_size;
};

/* Library context: the current permall into the state, then encrypt the inactive slot. */
static void prepare_run(void *arg)
{
	struct prepare_job *job = arg;
	uint32_t size = 0;
	uint8_t *blob = NULL;

	job->writes = ram_store_write_count();
	if (job->rec_type != 0) {
		job->err = state_set(&persist.st, job->rec_type, job->rec_data, job->rec_size);
		if (job->err != SVSM_OK || job->writes == persist.synced_writes) {
			goto encrypt; /* the vTPM record on hand is current */
		}
	}
	job->err = vtpm_store_size(PERMALL, &size);
	if (job->err == SVSM_OK) {
		blob = malloc(size != 0 ? size : 1);
		job->err = blob == NULL ? SVSM_E_NOMEM : vtpm_store_read(PERMALL, blob, size);
	}
	if (job->err == SVSM_OK) {
		job->err = state_set(&persist.st, STATE_REC_VTPM, blob, size);
	}
	if (blob != NULL) {
		explicit_bzero(blob, size);
		free(blob);
	}
encrypt:
	if (job->err == SVSM_OK) {
		job->err = state_commit_prepare(&persist.keys, &persist.st, job->c, &job->rep);
	}
}

/* Test knob: state_commit_delay_ms=N on the SVSM command line makes each commit wait N ms
 * after its writes, with the library lock free (the test of docs/design.md "Waiting"). */
static uint64_t commit_delay_us(void)
{
	static int64_t delay = -1;
	char val[16] = "";

	if (delay < 0) {
		int64_t ms = 0;

		if (cmdline_get(boot_info.cmdline, "state_commit_delay_ms", val, sizeof(val))) {
			for (const char *p = val; *p >= '0' && *p <= '9' && ms < 60000; p++) {
				ms = ms * 10 + (*p - '0');
			}
		}
		delay = ms * 1000;
	}
	return (uint64_t)delay;
}

static enum svsm_err commit(uint32_t rec_type, const void *rec_data, uint32_t rec_size);

enum svsm_err persist_sync(void)
{
	if (!persist.enabled || ram_store_write_count() == persist.synced_writes) {
		return SVSM_OK;
	}
	return commit(0, NULL, 0);
}

enum svsm_err persist_record_get(uint32_t type, const uint8_t **data, uint32_t *size)
{
	if (!persist.enabled) {
		return SVSM_E_UNSUPPORTED;
	}
	return state_get(&persist.st, type, data, size);
}

enum svsm_err persist_commit_record(uint32_t type, const void *data, uint32_t size)
{
	if (!persist.enabled) {
		return SVSM_E_UNSUPPORTED;
	}
	if (type == STATE_REC_VTPM || type == 0) {
		return SVSM_E_INVALID_PARAM; /* the vTPM's record is persist_sync()'s */
	}
	return commit(type, data, size);
}

/* Commit the vTPM's changes and, with @rec_type, that record too; persist_lock taken here. */
static enum svsm_err commit(uint32_t rec_type, const void *rec_data, uint32_t rec_size)
{
	struct state_commit c;
	struct prepare_job job = {.c = &c, .rec_type = rec_type, .rec_data = rec_data,
				  .rec_size = rec_size};
	struct state_dev dev = disk();
	uint64_t flags, t0;
	enum svsm_err err;

	flags = spin_lock_irqsave(&persist_lock);
	if (rec_type == 0 && ram_store_write_count() == persist.synced_writes) {
		spin_unlock_irqrestore(&persist_lock, flags);
		return SVSM_OK; /* another CPU committed it meanwhile */
	}
	t0 = tsc_now_us();
	memset(&c, 0, sizeof(c));
	services_run(prepare_run, &job);
	err = job.err;
	if (err == SVSM_OK) {
		err = state_commit_write(&dev, &c, &job.rep); /* the disk wait: library lock free */
		if (commit_delay_us() != 0) {
			tsc_delay_us(commit_delay_us());
		}
	}
	if (err == SVSM_OK) {
		state_commit_done(&persist.st, &c);
		persist.synced_writes = job.writes;
		persist.commits++;
		persist.last_commit_us = tsc_now_us() - t0;
		pr_info("state: committed generation %lu (%lu us)\n",
			(unsigned long)state_generation(&persist.st),
			(unsigned long)persist.last_commit_us);
	} else {
		pr_err("state: commit failed: %s\n", job.rep.msg);
	}
	state_commit_free(&c);
	spin_unlock_irqrestore(&persist_lock, flags);
	return err;
}

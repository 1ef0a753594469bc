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
#include "kernel/lib/log_ring.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/heap.h"
#include "kernel/services/services.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/store.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/log_store.h"
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

/*
 * The persistent log (docs/logging.md "Persistence"): state record 4, built by
 * lib/log_store.c from the log ring's records. plog is touched only in the library context
 * with persist_lock held (or at boot, before any vCPU). plog_seq is the next ring record
 * to take; plog_quiet_seq the ring's next seq right after the last commit, so that the
 * commit's own log line does not by itself cause another commit.
 */
#define LOG_COMMIT_INTERVAL_MS_DEFAULT 5000u
#define PANIC_SAVE_BUDGET_US 2000000ull /* the panic path's whole disk budget */

static struct log_store plog;
static bool plog_on;
static uint64_t plog_seq;
static uint64_t plog_quiet_seq;
static uint64_t plog_interval_us; /* log_commit_interval_ms= */
static uint64_t plog_due_us;      /* next time a tick may commit */
static uint64_t panic_after_us;   /* test_panic_after_ms=; 0 off */

static uint64_t cmdline_ms(const char *key, uint64_t def)
{
	char val[16] = "";
	uint64_t ms = 0;
	const char *p = val;

	if (!cmdline_get(boot_info.cmdline, key, val, sizeof(val)) || val[0] == '\0') {
		return def;
	}
	for (; *p >= '0' && *p <= '9' && ms < 86400000u; p++) {
		ms = ms * 10 + (uint64_t)(*p - '0');
	}
	return *p == '\0' ? ms : def;
}

static void persist_panic_save(void);

/* Boot, library context: the previous log verified and kept, a new boot number begun. */
static void log_boot(void)
{
	const uint8_t *data = NULL;
	uint32_t size = 0;
	struct log_store_report rep;
	enum svsm_err err = state_get(&persist.st, STATE_REC_LOG, &data, &size);

	plog_interval_us = cmdline_ms("log_commit_interval_ms", LOG_COMMIT_INTERVAL_MS_DEFAULT) * 1000;
	panic_after_us = cmdline_ms("test_panic_after_ms", 0) * 1000;
	if (err == SVSM_OK) {
		err = log_store_load(&plog, persist.keys.log_chain, data, size, &rep);
		if (err == SVSM_OK) {
			pr_info("state: log kept: %u entries up to boot %lu; this is boot %lu\n",
				plog.count, (unsigned long)plog.boot, (unsigned long)plog.boot + 1);
		} else {
			/* Only a holder of the secret can write a record that decrypts; one that
			 * does not verify is kept out (the owner's copy of the image shows it). */
			pr_err("state: the saved log does not verify (%s); a new log starts\n",
			       rep.msg);
		}
	} else if (log_store_init(&plog, persist.keys.log_chain) != SVSM_OK) {
		return; /* the HMAC failed: no persistent log this boot */
	}
	if (plog.size == 0) {
		return; /* the HMAC failed: no persistent log this boot */
	}
	log_store_begin_boot(&plog);
	plog_seq = 0; /* the ring holds this boot's lines from seq 0 */
	plog_on = true;
	plog_due_us = tsc_now_us() + plog_interval_us;
	panic_set_save_hook(persist_panic_save);
}

/* Library context, persist_lock held: the ring's new records into plog, then the record. */
static void log_update(void)
{
	uint8_t buf[2048];
	const uint8_t *data;
	uint32_t size;

	if (!plog_on) {
		return;
	}
	for (unsigned round = 0; round < 64; round++) {
		uint64_t next = plog_seq;
		size_t n = log_ring_read(plog_seq, buf, sizeof(buf), &next), off = 0;

		while (off < n) {
			struct log_ring_record r;
			size_t used = log_ring_record_decode(buf + off, n - off, &r);

			if (used == 0) {
				break;
			}
			/* r.seq > plog_seq: the ring dropped lines before a commit took them; the
			 * jump in seq is how svsm-state logs shows the gap. */
			if (log_store_append(&plog, r.seq, r.time_us, r.level, r.cpu, r.text, r.len) !=
			    SVSM_OK) {
				return;
			}
			plog_seq = r.seq + 1;
			off += used;
		}
		plog_seq = next > plog_seq ? next : plog_seq;
		if (n == 0) {
			break;
		}
	}
	if (log_store_seal(&plog, &data, &size) == SVSM_OK &&
	    state_set(&persist.st, STATE_REC_LOG, data, size) != SVSM_OK) {
		plog_on = false; /* out of memory: stop rather than commit a stale log forever */
	}
}

struct log_job {
	struct state_commit *c;
	struct state_report rep;
	enum svsm_err err;
};

/* Library context: only the log record changes; the others stay as last committed. */
static void log_prepare_run(void *arg)
{
	struct log_job *job = arg;

	log_update();
	job->err = state_commit_prepare(&persist.keys, &persist.st, job->c, &job->rep);
}

/* persist_lock held: a log commit; @panic: no waiting (the caller checked every lock). */
static enum svsm_err log_commit_locked(bool panic)
{
	struct state_commit c;
	struct log_job job = {.c = &c};
	struct state_dev dev = disk();
	uint64_t t0 = tsc_now_us();
	enum svsm_err err;

	memset(&c, 0, sizeof(c));
	if (panic) {
		if (!services_try_run(log_prepare_run, &job)) {
			return SVSM_E_BUSY;
		}
	} else {
		services_run(log_prepare_run, &job);
	}
	err = job.err;
	if (err == SVSM_OK) {
		err = state_commit_write(&dev, &c, &job.rep);
	}
	if (err == SVSM_OK) {
		state_commit_done(&persist.st, &c);
		persist.commits++;
		persist.last_commit_us = tsc_now_us() - t0;
		pr_info("state: committed generation %lu (%lu us, log to boot %lu seq %lu)\n",
			(unsigned long)state_generation(&persist.st),
			(unsigned long)persist.last_commit_us, (unsigned long)plog.boot,
			(unsigned long)plog_seq);
	} else {
		pr_err("state: log commit failed: %s\n", job.rep.msg);
	}
	state_commit_free(&c);
	plog_quiet_seq = plog_seq + (err == SVSM_OK ? 1 : 0); /* our own line above */
	return err;
}

enum svsm_err persist_log_sync(void)
{
	struct log_ring_stats rs;
	uint64_t flags;
	enum svsm_err err;

	if (!persist.enabled || !plog_on) {
		return SVSM_OK;
	}
	log_ring_stats(&rs);
	if (rs.next_seq == plog_seq) {
		return SVSM_OK;
	}
	flags = spin_lock_irqsave(&persist_lock);
	err = log_commit_locked(false);
	spin_unlock_irqrestore(&persist_lock, flags);
	return err;
}

void persist_tick(void)
{
	struct log_ring_stats rs;
	uint64_t now, due;

	if (!plog_on) {
		return;
	}
	now = tsc_now_us();
	if (panic_after_us != 0 && now >= panic_after_us) {
		panic("test_panic_after_ms=%lu: the panic this test knob asks for",
		      (unsigned long)(panic_after_us / 1000));
	}
	due = __atomic_load_n(&plog_due_us, __ATOMIC_RELAXED);
	if (plog_interval_us == 0 || now < due ||
	    !__atomic_compare_exchange_n(&plog_due_us, &due, now + plog_interval_us, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		return; /* not yet, or another vCPU took this turn */
	}
	log_ring_stats(&rs);
	if (rs.next_seq > __atomic_load_n(&plog_quiet_seq, __ATOMIC_RELAXED)) {
		(void)persist_log_sync(); /* a failure was logged; the next turn retries */
	}
}

/*
 * panic(), every other CPU stopped: commit the log if nothing it needs is held - the
 * state (persist_lock), the library context, the heap, the disk - and within
 * PANIC_SAVE_BUDGET_US of disk time. Says what it did in one line either way.
 */
static void persist_panic_save(void)
{
	const char *why = NULL;
	enum svsm_err err;

	if (!persist.enabled || !plog_on) {
		return;
	}
	tsc_delay_us(1000); /* the stop NMIs land; no CPU takes a lock after this */
	if (__atomic_exchange_n(&persist_lock.locked, 1, __ATOMIC_ACQUIRE) != 0) {
		why = "a state commit was in progress";
	} else if (!heap_lock_free()) {
		why = "the heap was locked";
	} else if (!virtio_blk_panic_claim(tsc_now_us() + PANIC_SAVE_BUDGET_US)) {
		why = "the state disk was busy or failed";
	}
	if (why != NULL) {
		log_raw("panic: log not saved: %s\n", why);
		return;
	}
	err = log_commit_locked(true);
	if (err == SVSM_E_BUSY) {
		log_raw("panic: log not saved: the library context was in use\n");
	} else if (err != SVSM_OK) {
		log_raw("panic: log not saved (error %d)\n", (int)err);
	} else {
		log_raw("panic: log saved in generation %lu\n",
			(unsigned long)state_generation(&persist.st));
	}
	/* persist_lock stays taken: nothing commits after a panic. */
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
		pr_host_info("state: state=off: the vTPM is ephemeral; a disk is left to others\n");
		return SVSM_OK;
	}
	err = virtio_blk_probe();
	if (err == SVSM_E_NOT_FOUND || err == SVSM_E_UNSUPPORTED) {
		pr_host_info("state: no state disk: the vTPM is ephemeral (a new EK every boot)\n");
		return SVSM_OK;
	}
	if (err != SVSM_OK) {
		pr_host_err("state: the state disk does not work (error %d): boot stopped\n",
			    (int)err);
		return err;
	}
	dev = disk();
	err = state_read_slots(&dev, &img, &rep);
	if (err != SVSM_OK) {
		pr_host_err("state: reading the state disk failed: %s: boot stopped\n", rep.msg);
		state_image_free(&img);
		return err;
	}
	claimed = claimed_generation(&img);
	err = unlock(claimed, secret, msg, sizeof(msg));
	if (err != SVSM_OK) {
		pr_host_err("state: attestation failed: %s: boot stopped, disk untouched\n", msg);
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
			pr_host_info("state: blank disk formatted (%lu sectors), generation %lu\n",
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
		pr_host_info("state: unlocked, generation %lu\n",
			(unsigned long)state_generation(&persist.st));
	}
	if (err == SVSM_OK) {
		err = seed_vtpm();
	}
	if (err == SVSM_OK) {
		log_boot(); /* the persistent log: the previous boots' entries kept */
	}
	if (err != SVSM_OK) {
		pr_host_err("state: %s: boot stopped\n",
			    rep.msg[0] != '\0' ? rep.msg : "state error");
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
		log_update(); /* every state commit carries the new log lines */
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
		if (rec_type != 0) {
			pr_info("state: committed generation %lu (%s, %lu us)\n",
				(unsigned long)state_generation(&persist.st),
				state_rec_type_name(rec_type), (unsigned long)persist.last_commit_us);
		} else {
			pr_info("state: committed generation %lu (%lu us)\n",
				(unsigned long)state_generation(&persist.st),
				(unsigned long)persist.last_commit_us);
		}
	} else {
		pr_err("state: commit failed: %s\n", job.rep.msg);
	}
	state_commit_free(&c);
	spin_unlock_irqrestore(&persist_lock, flags);
	return err;
}


/*
 * The SVSM's persistent state store (docs/state.md): two A/B slots on an abstract block
 * device, each a complete image - a 512-byte header (magic, version, generation, record
 * directory, HMAC-SHA256 commit MAC) followed by AES-256-GCM records. Keys come from the
 * 32-byte secret the KBS releases (HKDF-SHA256, one key per purpose).
 *
 * The API separates CPU/crypto work from I/O so that the kernel can run the first inside
 * services_run() and the disk waits outside it (docs/design.md):
 *   load:   state_read_slots() (I/O only)  -> state_open() (crypto only)
 *   commit: state_commit_prepare() (crypto) -> state_commit_write() (I/O only)
 *           -> state_commit_done() (bookkeeping)
 * No global state; callers serialise use of one struct state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define STATE_SECTOR_SIZE 512u
#define STATE_SECRET_SIZE 32u
#define STATE_KEY_ID_SIZE 16u
/* Largest slot the store uses (header + records); a bigger device leaves the rest unused. */
#define STATE_SLOT_SECTORS_MAX 8192u /* 4 MiB */
/* Smallest slot: the header and 15 data sectors. */
#define STATE_SLOT_SECTORS_MIN 16u
/* Largest record (plaintext = ciphertext bytes). */
#define STATE_RECORD_MAX (1024u * 1024u)
/* Directory entries in a header. */
#define STATE_DIR_ENTRIES 8u
#define STATE_MSG_MAX 128u

/** enum state_rec_type - what a record holds; the numbers are on disk. */
enum state_rec_type {
	STATE_REC_VTPM = 1,          /* libtpms "permall" blob (TPM permanent state) */
	STATE_REC_VTPM_VOLATILE = 2, /* libtpms "volatilestate" blob */
	STATE_REC_UEFI_VARS = 3,     /* the UEFI variable store */
	STATE_REC_LOG = 4,           /* the SVSM's persistent log */
	STATE_REC_UEFI_MM = 5,       /* the UEFI MM protocol's variable store (lib/uefi_vars.h) */
};
#define STATE_REC_TYPE_MAX 5u

/**
 * struct state_dev - a block device of @sectors 512-byte sectors. @read/@write move @n
 * sectors at @lba; @flush returns once every completed write is durable.
 */
struct state_dev {
	void *ctx;
	uint64_t sectors;
	enum svsm_err (*read)(void *ctx, uint64_t lba, void *buf, uint32_t n);
	enum svsm_err (*write)(void *ctx, uint64_t lba, const void *buf, uint32_t n);
	enum svsm_err (*flush)(void *ctx);
};

/**
 * struct state_report - why an operation failed, and what each slot held.
 * @err:  the result (SVSM_OK, or SVSM_E_NOT_FOUND for a blank device, SVSM_E_CRYPTO for a
 *        failed MAC/tag or a wrong key, SVSM_E_FORMAT for bad fields, SVSM_E_IO, ...).
 * @msg:  one line naming what failed ("slot B: record 2 tag", "header MAC").
 * @slot: per slot: its result, its generation (0 when unknown) and message ("blank", "ok").
 */
struct state_report {
	enum svsm_err err;
	char msg[STATE_MSG_MAX];
	struct {
		enum svsm_err err;
		uint64_t generation;
		char msg[STATE_MSG_MAX];
	} slot[2];
};

/** struct state_keys - keys derived from the released secret (state_keys_derive()). */
struct state_keys {
	uint8_t key_id[STATE_KEY_ID_SIZE];
	uint8_t header[32];
	uint8_t record[STATE_REC_TYPE_MAX + 1][32]; /* indexed by enum state_rec_type */
	uint8_t log_chain[32]; /* the log's entry chain (lib/log_store.h), label "log-chain" */
};

/** struct state_record - one decrypted record; @data is heap memory owned by the state. */
struct state_record {
	uint8_t *data;
	uint32_t size;
};

/**
 * struct state - the decrypted state in memory.
 * @generation:   of the last commit loaded or written (0: never committed, not formatted).
 * @active_slot:  0 (A) or 1 (B): the slot holding @generation; the next commit writes the other.
 * @slot_sectors: size of each slot on this device.
 */
struct state {
	uint64_t generation;
	uint32_t active_slot;
	uint32_t slot_sectors;
	struct state_record rec[STATE_REC_TYPE_MAX + 1]; /* indexed by type; [0] unused */
};

/** struct state_image - both slots' raw bytes as read by state_read_slots(). */
struct state_image {
	uint32_t slot_sectors;
	uint8_t *slot[2];         /* heap, @sectors_read[i] * 512 bytes, or NULL */
	uint32_t sectors_read[2];
	enum svsm_err read_err[2];
};

/** struct state_write - one write of @sectors sectors from @buf at @lba. */
struct state_write {
	uint64_t lba;
	const uint8_t *buf;
	uint32_t sectors;
};

/**
 * struct state_commit - a prepared commit: @writes in order, one flush, then @header (one
 * sector) and a second flush. @staging owns the bytes the writes point into.
 */
struct state_commit {
	uint8_t *staging;
	size_t staging_size;
	struct state_write writes[2];
	uint32_t write_count;
	struct state_write header;
	uint64_t generation;
	uint32_t slot;
};

/* --- layout and keys (no I/O) --- */

/** state_slot_sectors - slot size on a device of @dev_sectors sectors; 0 if too small. */
uint32_t state_slot_sectors(uint64_t dev_sectors);
/** state_slot_lba - first sector of slot @slot (0 or 1). */
uint64_t state_slot_lba(uint32_t slot_sectors, uint32_t slot);
/** state_rec_type_name - "vtpm", "vtpm-volatile", "uefi-vars", "log", "uefi-mm", or NULL. */
const char *state_rec_type_name(uint32_t type);
/** state_rec_type_parse - inverse of state_rec_type_name(), also accepts "1".."5"; 0 if unknown. */
uint32_t state_rec_type_parse(const char *name);
/** state_rec_type_max_size - largest record of @type (bytes). */
uint32_t state_rec_type_max_size(uint32_t type);

/** state_keys_derive - HKDF-SHA256 every key from @secret (libcrypto: library context). */
enum svsm_err state_keys_derive(const uint8_t secret[STATE_SECRET_SIZE],
				struct state_keys *keys) SVSM_MUST_CHECK;
void state_keys_wipe(struct state_keys *keys);

/* --- the in-memory state --- */

/** state_init - an empty, never-committed state for a device of @dev_sectors sectors. */
enum svsm_err state_init(struct state *st, uint64_t dev_sectors) SVSM_MUST_CHECK;
/** state_free - wipe and free every record; @st becomes empty (generation kept). */
void state_free(struct state *st);
/** state_generation - generation of the last commit loaded or written (0: none). */
uint64_t state_generation(const struct state *st);
/** state_get - record @type: SVSM_E_NOT_FOUND if absent; @data stays owned by @st. */
enum svsm_err state_get(const struct state *st, uint32_t type, const uint8_t **data,
			uint32_t *size) SVSM_MUST_CHECK;
/** state_set - copy @size bytes (1..state_rec_type_max_size()) into record @type. */
enum svsm_err state_set(struct state *st, uint32_t type, const void *data,
			uint32_t size) SVSM_MUST_CHECK;
/** state_delete - remove record @type (absent is fine). */
void state_delete(struct state *st, uint32_t type);

/* --- load --- */

/** state_read_slots - read both slots' header and used sectors (I/O only, no crypto). */
enum svsm_err state_read_slots(const struct state_dev *dev, struct state_image *img,
			       struct state_report *rep) SVSM_MUST_CHECK;
/**
 * state_open - authenticate both slots of @img and decrypt the valid one with the highest
 * generation into @st (crypto only). A blank device gives SVSM_E_NOT_FOUND. A slot whose
 * header MAC verifies but whose records do not stops the load (no fallback: a commit
 * writes its header only after its records are durable).
 */
enum svsm_err state_open(const struct state_keys *keys, const struct state_image *img,
			 struct state *st, struct state_report *rep) SVSM_MUST_CHECK;
void state_image_free(struct state_image *img);
/** state_load - state_read_slots() then state_open(), for callers without the lock split. */
enum svsm_err state_load(const struct state_dev *dev, const struct state_keys *keys,
			 struct state *st, struct state_report *rep) SVSM_MUST_CHECK;
/** state_check_generation - SVSM_E_INVALID_REQUEST "generation N older than M" if N < @min. */
enum svsm_err state_check_generation(const struct state *st, uint64_t min,
				     struct state_report *rep) SVSM_MUST_CHECK;

/* --- commit --- */

/**
 * state_commit_prepare - encrypt @st as generation + 1 into the inactive slot's image in a
 * staging buffer (crypto only). A never-committed @st (state_init()) formats: it targets
 * slot A and first zeroes slot B's header.
 */
enum svsm_err state_commit_prepare(const struct state_keys *keys, const struct state *st,
				   struct state_commit *c, struct state_report *rep) SVSM_MUST_CHECK;
/** state_commit_write - the writes, flush, the header sector, flush (I/O only). */
enum svsm_err state_commit_write(const struct state_dev *dev, const struct state_commit *c,
				 struct state_report *rep) SVSM_MUST_CHECK;
/** state_commit_done - after a successful write: @st takes @c's generation and slot. */
void state_commit_done(struct state *st, const struct state_commit *c);
void state_commit_free(struct state_commit *c);
/** state_commit - prepare, write, done (for callers without the lock split, and tools). */
enum svsm_err state_commit(const struct state_dev *dev, const struct state_keys *keys,
			   struct state *st, struct state_report *rep) SVSM_MUST_CHECK;
/**
 * state_format - first boot: an empty state, generation 1, in slot A; slot B's header
 * zeroed. @st receives the formatted (empty) state.
 */
enum svsm_err state_format(const struct state_dev *dev, const struct state_keys *keys,
			   struct state *st, struct state_report *rep) SVSM_MUST_CHECK;

/* --- inspection without the key (tools) --- */

/**
 * struct state_header_info - a header's fields as read, NOT authenticated.
 */
struct state_header_info {
	bool blank;
	uint16_t version;
	uint32_t slot;
	uint64_t generation;
	uint32_t slot_sectors;
	uint32_t used_sectors;
	uint32_t record_count;
	uint8_t key_id[STATE_KEY_ID_SIZE];
	struct {
		uint32_t type;
		uint32_t offset;
		uint32_t size;
	} rec[STATE_DIR_ENTRIES];
};
/**
 * state_header_peek - parse the header in @sector (512 bytes) of slot @slot without a
 * key; SVSM_E_FORMAT with @rep naming the first bad field. The MAC is not checked.
 */
enum svsm_err state_header_peek(const uint8_t *sector, uint32_t slot, uint32_t slot_sectors,
				struct state_header_info *info,
				struct state_report *rep) SVSM_MUST_CHECK;

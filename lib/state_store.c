/*
 * Owns the state store's on-disk format (docs/state.md): header encoding and checks, the
 * HKDF key schedule, AES-256-GCM records, slot selection and the commit write order.
 * No global state and no lock: the caller serialises use of one struct state (the kernel
 * runs the crypto halves inside services_run(), the I/O halves outside it).
 */
#include "lib/state_store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* Header layout (docs/state.md "Header"); all integers little-endian. */
#define HDR_MAGIC        0x000u /* 8: "SVSMSTAT" */
#define HDR_VERSION      0x008u /* 2 */
#define HDR_SIZE         0x00au /* 2: 512 */
#define HDR_SLOT         0x00cu /* 4: 0 = A, 1 = B */
#define HDR_GENERATION   0x010u /* 8 */
#define HDR_SLOT_SECTORS 0x018u /* 4 */
#define HDR_REC_COUNT    0x01cu /* 4 */
#define HDR_USED         0x020u /* 4: header + data sectors */
#define HDR_RSVD1        0x024u /* 12: zero */
#define HDR_KEY_ID       0x030u /* 16 */
#define HDR_DIR          0x040u /* 8 x 48 */
#define HDR_RSVD2        0x1c0u /* 32: zero */
#define HDR_MAC          0x1e0u /* 32: HMAC-SHA256 of bytes 0x000..0x1df */
#define HDR_RSVD1_LEN    12u
#define HDR_RSVD2_LEN    32u

/* Directory entry layout. */
#define DIR_ENTRY_SIZE   48u
#define DIR_TYPE         0u  /* 4 */
#define DIR_FLAGS        4u  /* 4: zero */
#define DIR_OFFSET       8u  /* 4: first sector, from the slot's start */
#define DIR_LEN          12u /* 4: plaintext = ciphertext bytes */
#define DIR_IV           16u /* 12 */
#define DIR_RSVD         28u /* 4: zero */
#define DIR_TAG          32u /* 16 */

#define STATE_VERSION    1u
#define GCM_IV_SIZE      12u
#define GCM_TAG_SIZE     16u
#define REC_AAD_SIZE     32u

_Static_assert(HDR_DIR + STATE_DIR_ENTRIES * DIR_ENTRY_SIZE == HDR_RSVD2, "directory size");
_Static_assert(HDR_MAC + 32u == STATE_SECTOR_SIZE, "header fills one sector");
_Static_assert(STATE_REC_TYPE_MAX <= STATE_DIR_ENTRIES, "one entry per record type");

static const uint8_t state_magic[8] = {'S', 'V', 'S', 'M', 'S', 'T', 'A', 'T'};
static const uint8_t rec_aad_magic[8] = {'S', 'V', 'S', 'M', 'R', 'E', 'C', '1'};
static const char hkdf_salt[] = "svsm-state/v1";

static const char *const rec_names[STATE_REC_TYPE_MAX + 1] = {
	NULL, "vtpm", "vtpm-volatile", "uefi-vars", "log", "uefi-mm",
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | ((uint32_t)get16(p + 2) << 16);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;
	uint8_t acc = 0;

	for (i = 0; i < n; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

static uint32_t sectors_for(uint32_t bytes)
{
	return (uint32_t)(((uint64_t)bytes + STATE_SECTOR_SIZE - 1) / STATE_SECTOR_SIZE);
}

static char slot_name(uint32_t slot)
{
	return slot == 0 ? 'A' : 'B';
}

__attribute__((format(printf, 3, 4)))
static enum svsm_err fail(struct state_report *rep, enum svsm_err err, const char *fmt, ...)
{
	va_list ap;

	if (rep != NULL) {
		rep->err = err;
		va_start(ap, fmt);
		vsnprintf(rep->msg, sizeof(rep->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

static void report_clear(struct state_report *rep)
{
	if (rep != NULL) {
		memset(rep, 0, sizeof(*rep));
		snprintf(rep->msg, sizeof(rep->msg), "ok");
	}
}

/* --- layout and keys --- */

uint32_t state_slot_sectors(uint64_t dev_sectors)
{
	uint64_t half = dev_sectors / 2;

	if (half < STATE_SLOT_SECTORS_MIN) {
		return 0;
	}
	return half > STATE_SLOT_SECTORS_MAX ? STATE_SLOT_SECTORS_MAX : (uint32_t)half;
}

uint64_t state_slot_lba(uint32_t slot_sectors, uint32_t slot)
{
	return slot == 0 ? 0 : (uint64_t)slot_sectors;
}

const char *state_rec_type_name(uint32_t type)
{
	return type >= 1 && type <= STATE_REC_TYPE_MAX ? rec_names[type] : NULL;
}

uint32_t state_rec_type_parse(const char *name)
{
	uint32_t t;

	for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
		if (strcmp(name, rec_names[t]) == 0 ||
		    (name[0] == (char)('0' + t) && name[1] == '\0')) {
			return t;
		}
	}
	return 0;
}

uint32_t state_rec_type_max_size(uint32_t type)
{
	switch (type) {
	case STATE_REC_VTPM:
	case STATE_REC_VTPM_VOLATILE:
		return 256u * 1024u;
	case STATE_REC_UEFI_VARS:
		return STATE_RECORD_MAX;
	case STATE_REC_LOG:
	case STATE_REC_UEFI_MM:
		return 512u * 1024u;
	default:
		return 0;
	}
}

/* HKDF-SHA256 (RFC 5869) with the fixed salt, @len <= 32 bytes of output for @label. */
static enum svsm_err hkdf(const uint8_t prk[32], const char *label, uint8_t *out, size_t len)
{
	uint8_t info[64];
	uint8_t t[32];
	unsigned int t_len = 0;
	size_t label_len = strlen(label);

	if (label_len + 1 > sizeof(info) || len > sizeof(t)) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(info, label, label_len);
	info[label_len] = 0x01;
	if (HMAC(EVP_sha256(), prk, 32, info, label_len + 1, t, &t_len) == NULL || t_len != 32) {
		return SVSM_E_CRYPTO;
	}
	memcpy(out, t, len);
	OPENSSL_cleanse(t, sizeof(t));
	return SVSM_OK;
}

enum svsm_err state_keys_derive(const uint8_t secret[STATE_SECRET_SIZE], struct state_keys *keys)
{
	uint8_t prk[32];
	unsigned int prk_len = 0;
	char label[48];
	enum svsm_err err = SVSM_E_CRYPTO;
	uint32_t t;

	memset(keys, 0, sizeof(*keys));
	if (HMAC(EVP_sha256(), hkdf_salt, (int)strlen(hkdf_salt), secret, STATE_SECRET_SIZE, prk,
		 &prk_len) == NULL || prk_len != 32) {
		goto out;
	}
	err = hkdf(prk, "svsm-state/v1 key-id", keys->key_id, sizeof(keys->key_id));
	if (err == SVSM_OK) {
		err = hkdf(prk, "svsm-state/v1 header-mac", keys->header, sizeof(keys->header));
	}
	for (t = 1; t <= STATE_REC_TYPE_MAX && err == SVSM_OK; t++) {
		snprintf(label, sizeof(label), "svsm-state/v1 record %s", rec_names[t]);
		err = hkdf(prk, label, keys->record[t], sizeof(keys->record[t]));
	}
	if (err == SVSM_OK) {
		/* The persistent log's entry chain (lib/log_store.h), apart from its record key. */
		err = hkdf(prk, "svsm-state/v1 log-chain", keys->log_chain, sizeof(keys->log_chain));
	}
out:
	OPENSSL_cleanse(prk, sizeof(prk));
	if (err != SVSM_OK) {
		state_keys_wipe(keys);
	}
	return err;
}

void state_keys_wipe(struct state_keys *keys)
{
	OPENSSL_cleanse(keys, sizeof(*keys));
}

/* --- the in-memory state --- */

enum svsm_err state_init(struct state *st, uint64_t dev_sectors)
{
	memset(st, 0, sizeof(*st));
	st->slot_sectors = state_slot_sectors(dev_sectors);
	st->active_slot = 1; /* the first commit (the format) writes slot A */
	return st->slot_sectors == 0 ? SVSM_E_INVALID_PARAM : SVSM_OK;
}

void state_delete(struct state *st, uint32_t type)
{
	struct state_record *r = NULL;

	if (type < 1 || type > STATE_REC_TYPE_MAX) {
		return;
	}
	r = &st->rec[type];
	if (r->data != NULL) {
		OPENSSL_cleanse(r->data, r->size);
		free(r->data);
	}
	r->data = NULL;
	r->size = 0;
}

void state_free(struct state *st)
{
	uint32_t t;

	for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
		state_delete(st, t);
	}
}

uint64_t state_generation(const struct state *st)
{
	return st->generation;
}

enum svsm_err state_get(const struct state *st, uint32_t type, const uint8_t **data,
			uint32_t *size)
{
	if (type < 1 || type > STATE_REC_TYPE_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	if (st->rec[type].data == NULL) {
		return SVSM_E_NOT_FOUND;
	}
	*data = st->rec[type].data;
	*size = st->rec[type].size;
	return SVSM_OK;
}

enum svsm_err state_set(struct state *st, uint32_t type, const void *data, uint32_t size)
{
	uint8_t *copy = NULL;

	if (type < 1 || type > STATE_REC_TYPE_MAX || size == 0 || data == NULL ||
	    size > state_rec_type_max_size(type)) {
		return SVSM_E_INVALID_PARAM;
	}
	copy = malloc(size);
	if (copy == NULL) {
		return SVSM_E_NOMEM;
	}
	memcpy(copy, data, size);
	state_delete(st, type);
	st->rec[type].data = copy;
	st->rec[type].size = size;
	return SVSM_OK;
}

/* --- header checks --- */

enum svsm_err state_header_peek(const uint8_t *h, uint32_t slot, uint32_t slot_sectors,
				struct state_header_info *info, struct state_report *rep)
{
	uint32_t i, next = 1, seen = 0;

	memset(info, 0, sizeof(*info));
	if (all_zero(h, STATE_SECTOR_SIZE)) {
		info->blank = true;
		return fail(rep, SVSM_E_NOT_FOUND, "blank (header sector all zero)");
	}
	if (memcmp(h + HDR_MAGIC, state_magic, sizeof(state_magic)) != 0) {
		return fail(rep, SVSM_E_FORMAT, "header magic");
	}
	info->version = get16(h + HDR_VERSION);
	info->slot = get32(h + HDR_SLOT);
	info->generation = get64(h + HDR_GENERATION);
	info->slot_sectors = get32(h + HDR_SLOT_SECTORS);
	info->record_count = get32(h + HDR_REC_COUNT);
	info->used_sectors = get32(h + HDR_USED);
	memcpy(info->key_id, h + HDR_KEY_ID, sizeof(info->key_id));
	if (info->version != STATE_VERSION) {
		return fail(rep, SVSM_E_FORMAT, "header version %u (this SVSM reads %u)",
			    info->version, STATE_VERSION);
	}
	if (get16(h + HDR_SIZE) != STATE_SECTOR_SIZE) {
		return fail(rep, SVSM_E_FORMAT, "header size %u", get16(h + HDR_SIZE));
	}
	if (info->slot != slot) {
		return fail(rep, SVSM_E_FORMAT, "header slot index %u in slot %c", info->slot,
			    slot_name(slot));
	}
	if (info->slot_sectors != slot_sectors) {
		return fail(rep, SVSM_E_FORMAT, "header slot size %u sectors (device gives %u)",
			    info->slot_sectors, slot_sectors);
	}
	if (info->generation == 0) {
		return fail(rep, SVSM_E_FORMAT, "header generation 0");
	}
	if (info->record_count > STATE_DIR_ENTRIES) {
		return fail(rep, SVSM_E_FORMAT, "header record count %u", info->record_count);
	}
	if (info->used_sectors < 1 || info->used_sectors > slot_sectors) {
		return fail(rep, SVSM_E_FORMAT, "header used sectors %u", info->used_sectors);
	}
	if (!all_zero(h + HDR_RSVD1, HDR_RSVD1_LEN) || !all_zero(h + HDR_RSVD2, HDR_RSVD2_LEN)) {
		return fail(rep, SVSM_E_FORMAT, "header reserved bytes");
	}
	for (i = 0; i < STATE_DIR_ENTRIES; i++) {
		const uint8_t *e = h + HDR_DIR + i * DIR_ENTRY_SIZE;
		uint32_t type = get32(e + DIR_TYPE), off = get32(e + DIR_OFFSET);
		uint32_t len = get32(e + DIR_LEN);

		if (i >= info->record_count) {
			if (!all_zero(e, DIR_ENTRY_SIZE)) {
				return fail(rep, SVSM_E_FORMAT, "directory entry %u not empty", i);
			}
			continue;
		}
		if (type < 1 || type > STATE_REC_TYPE_MAX || (seen & (1u << type)) != 0) {
			return fail(rep, SVSM_E_FORMAT, "record %u type %u", i, type);
		}
		seen |= 1u << type;
		if (get32(e + DIR_FLAGS) != 0 || get32(e + DIR_RSVD) != 0) {
			return fail(rep, SVSM_E_FORMAT, "record %u flags", i);
		}
		if (len == 0 || len > state_rec_type_max_size(type)) {
			return fail(rep, SVSM_E_FORMAT, "record %u size %u", i, len);
		}
		/* Records are contiguous from sector 1 in directory order; next <= slot_sectors. */
		if (off != next) {
			return fail(rep, SVSM_E_FORMAT, "record %u offset %u (expected %u)", i, off,
				    next);
		}
		if (sectors_for(len) > info->used_sectors - next) {
			return fail(rep, SVSM_E_FORMAT, "record %u extent past used sectors", i);
		}
		next += sectors_for(len);
		info->rec[i].type = type;
		info->rec[i].offset = off;
		info->rec[i].size = len;
	}
	if (next != info->used_sectors) {
		return fail(rep, SVSM_E_FORMAT, "header used sectors %u (records end at %u)",
			    info->used_sectors, next);
	}
	return SVSM_OK;
}

static enum svsm_err header_mac(const struct state_keys *keys, const uint8_t *h, uint8_t mac[32])
{
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), keys->header, sizeof(keys->header), h, HDR_MAC, mac, &len) == NULL ||
	    len != 32) {
		return SVSM_E_CRYPTO;
	}
	return SVSM_OK;
}

static void rec_aad(uint8_t aad[REC_AAD_SIZE], uint64_t generation, uint32_t slot, uint32_t type,
		    uint32_t index, uint32_t len)
{
	memcpy(aad, rec_aad_magic, sizeof(rec_aad_magic));
	put64(aad + 8, generation);
	put32(aad + 16, slot);
	put32(aad + 20, type);
	put32(aad + 24, index);
	put32(aad + 28, len);
}

/*
 * AES-256-GCM of @len bytes from @in to @out (may not overlap) with @aad; @tag is written
 * when encrypting and checked when decrypting. Returns SVSM_E_CRYPTO on a bad tag.
 */
static enum svsm_err gcm(bool enc, const uint8_t key[32], const uint8_t iv[GCM_IV_SIZE],
			 const uint8_t *aad, const uint8_t *in, uint8_t *out, uint32_t len,
			 uint8_t tag[GCM_TAG_SIZE])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	enum svsm_err err = SVSM_E_CRYPTO;
	int n = 0;

	if (ctx == NULL || len > (uint32_t)0x7fffffff) {
		goto out;
	}
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc ? 1 : 0) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV_SIZE, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc ? 1 : 0) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, aad, REC_AAD_SIZE) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 || (uint32_t)n != len) {
		goto out;
	}
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_SIZE, tag) != 1) {
		goto out;
	}
	if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1 || n != 0) {
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_SIZE, tag) != 1) {
		goto out;
	}
	err = SVSM_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

/* --- load --- */

void state_image_free(struct state_image *img)
{
	uint32_t i;

	for (i = 0; i < 2; i++) {
		free(img->slot[i]);
		img->slot[i] = NULL;
		img->sectors_read[i] = 0;
	}
}

enum svsm_err state_read_slots(const struct state_dev *dev, struct state_image *img,
			       struct state_report *rep)
{
	struct state_header_info info;
	uint32_t i, used;
	uint8_t *grown = NULL;

	report_clear(rep);
	memset(img, 0, sizeof(*img));
	img->slot_sectors = state_slot_sectors(dev->sectors);
	if (img->slot_sectors == 0) {
		return fail(rep, SVSM_E_FORMAT, "device too small: %llu sectors (need %u)",
			    (unsigned long long)dev->sectors, 2 * STATE_SLOT_SECTORS_MIN);
	}
	for (i = 0; i < 2; i++) {
		uint64_t lba = state_slot_lba(img->slot_sectors, i);

		img->slot[i] = malloc(STATE_SECTOR_SIZE);
		if (img->slot[i] == NULL) {
			state_image_free(img);
			return fail(rep, SVSM_E_NOMEM, "out of memory reading slot %c", slot_name(i));
		}
		img->read_err[i] = dev->read(dev->ctx, lba, img->slot[i], 1);
		if (img->read_err[i] != SVSM_OK) {
			continue;
		}
		img->sectors_read[i] = 1;
		/* Unauthenticated, but bounded by the slot: read what the header says is used. */
		if (state_header_peek(img->slot[i], i, img->slot_sectors, &info, NULL) != SVSM_OK) {
			continue;
		}
		used = info.used_sectors;
		if (used <= 1) {
			continue;
		}
		grown = realloc(img->slot[i], (size_t)used * STATE_SECTOR_SIZE);
		if (grown == NULL) {
			state_image_free(img);
			return fail(rep, SVSM_E_NOMEM, "out of memory reading slot %c", slot_name(i));
		}
		img->slot[i] = grown;
		img->read_err[i] = dev->read(dev->ctx, lba + 1, grown + STATE_SECTOR_SIZE, used - 1);
		if (img->read_err[i] == SVSM_OK) {
			img->sectors_read[i] = used;
		}
	}
	return SVSM_OK;
}

/* Checks slot @i's header (structure, key id, MAC); fills @info. */
static enum svsm_err slot_check_header(const struct state_keys *keys,
				       const struct state_image *img, uint32_t i,
				       struct state_header_info *info, char *msg, size_t msg_size)
{
	struct state_report r;
	uint8_t mac[32];
	enum svsm_err err;

	memset(&r, 0, sizeof(r));
	if (img->slot[i] == NULL || img->sectors_read[i] == 0) {
		snprintf(msg, msg_size, "header read error");
		return SVSM_E_IO;
	}
	err = state_header_peek(img->slot[i], i, img->slot_sectors, info, &r);
	if (err != SVSM_OK) {
		snprintf(msg, msg_size, "%s", r.msg);
		return err;
	}
	if (img->sectors_read[i] < info->used_sectors) {
		snprintf(msg, msg_size, "truncated (read %u of %u sectors)", img->sectors_read[i],
			 info->used_sectors);
		return SVSM_E_IO;
	}
	if (CRYPTO_memcmp(info->key_id, keys->key_id, STATE_KEY_ID_SIZE) != 0) {
		snprintf(msg, msg_size, "key id (wrong key for this image?)");
		return SVSM_E_CRYPTO;
	}
	if (header_mac(keys, img->slot[i], mac) != SVSM_OK) {
		snprintf(msg, msg_size, "header MAC: HMAC failed");
		return SVSM_E_CRYPTO;
	}
	if (CRYPTO_memcmp(mac, img->slot[i] + HDR_MAC, sizeof(mac)) != 0) {
		snprintf(msg, msg_size, "header MAC");
		return SVSM_E_CRYPTO;
	}
	snprintf(msg, msg_size, "ok");
	return SVSM_OK;
}

/* Decrypts slot @i's records into @st (empty on entry). */
static enum svsm_err slot_decrypt(const struct state_keys *keys, const struct state_image *img,
				  uint32_t i, const struct state_header_info *info,
				  struct state *st, char *msg, size_t msg_size)
{
	const uint8_t *h = img->slot[i];
	uint8_t aad[REC_AAD_SIZE];
	uint8_t tag[GCM_TAG_SIZE];
	uint32_t r;

	for (r = 0; r < info->record_count; r++) {
		const uint8_t *e = h + HDR_DIR + r * DIR_ENTRY_SIZE;
		uint32_t type = info->rec[r].type, len = info->rec[r].size;
		uint8_t *plain = malloc(len);

		if (plain == NULL) {
			snprintf(msg, msg_size, "record %u: out of memory", r);
			return SVSM_E_NOMEM;
		}
		/* GCM does not cover the padding to the sector end: it must be zero. */
		if (!all_zero(h + (size_t)info->rec[r].offset * STATE_SECTOR_SIZE + len,
			      (size_t)sectors_for(len) * STATE_SECTOR_SIZE - len)) {
			free(plain);
			snprintf(msg, msg_size, "record %u (%s) padding", r, rec_names[type]);
			return SVSM_E_FORMAT;
		}
		memcpy(tag, e + DIR_TAG, sizeof(tag));
		rec_aad(aad, info->generation, i, type, r, len);
		if (gcm(false, keys->record[type], e + DIR_IV, aad,
			h + (size_t)info->rec[r].offset * STATE_SECTOR_SIZE, plain, len,
			tag) != SVSM_OK) {
			OPENSSL_cleanse(plain, len);
			free(plain);
			snprintf(msg, msg_size, "record %u (%s) tag", r, rec_names[type]);
			return SVSM_E_CRYPTO;
		}
		st->rec[type].data = plain;
		st->rec[type].size = len;
	}
	return SVSM_OK;
}

enum svsm_err state_open(const struct state_keys *keys, const struct state_image *img,
			 struct state *st, struct state_report *rep)
{
	struct state_header_info info[2];
	struct state tmp;
	enum svsm_err err;
	bool ok[2];
	uint32_t i, best;

	report_clear(rep);
	memset(&tmp, 0, sizeof(tmp));
	memset(info, 0, sizeof(info));
	if (img->slot_sectors == 0) {
		return fail(rep, SVSM_E_FORMAT, "device too small");
	}
	for (i = 0; i < 2; i++) {
		char msg[STATE_MSG_MAX];

		err = slot_check_header(keys, img, i, &info[i], msg, sizeof(msg));
		ok[i] = err == SVSM_OK;
		if (rep != NULL) {
			rep->slot[i].err = err;
			rep->slot[i].generation = ok[i] ? info[i].generation : 0;
			snprintf(rep->slot[i].msg, sizeof(rep->slot[i].msg), "%s", msg);
		}
	}
	if (!ok[0] && !ok[1]) {
		if (info[0].blank && info[1].blank) {
			return fail(rep, SVSM_E_NOT_FOUND, "blank device (both slot headers zero)");
		}
		if (rep == NULL) {
			return SVSM_E_CRYPTO;
		}
		/* Name the non-blank slot's failure first; a wrong key fails both alike. */
		return fail(rep, rep->slot[0].err != SVSM_E_NOT_FOUND ? rep->slot[0].err
								    : rep->slot[1].err,
			    "no valid slot: slot A: %.50s; slot B: %.50s", rep->slot[0].msg,
			    rep->slot[1].msg);
	}
	if (ok[0] && ok[1] && info[0].generation == info[1].generation) {
		return fail(rep, SVSM_E_FORMAT, "slots A and B both claim generation %llu",
			    (unsigned long long)info[0].generation);
	}
	best = !ok[0] ? 1 : !ok[1] ? 0 : info[1].generation > info[0].generation ? 1 : 0;
	{
		char msg[STATE_MSG_MAX];

		/*
		 * No fallback past an authenticated header: a commit writes its header only after
		 * its records are durable, so a valid header over bad records is tampering or
		 * media corruption, not a torn write.
		 */
		err = slot_decrypt(keys, img, best, &info[best], &tmp, msg, sizeof(msg));
		if (err != SVSM_OK) {
			state_free(&tmp);
			if (rep != NULL) {
				rep->slot[best].err = err;
				snprintf(rep->slot[best].msg, sizeof(rep->slot[best].msg), "%s", msg);
			}
			return fail(rep, err, "slot %c generation %llu: %.80s", slot_name(best),
				    (unsigned long long)info[best].generation, msg);
		}
	}
	tmp.generation = info[best].generation;
	tmp.active_slot = best;
	tmp.slot_sectors = img->slot_sectors;
	state_free(st);
	*st = tmp;
	if (rep != NULL) {
		snprintf(rep->msg, sizeof(rep->msg), "slot %c generation %llu", slot_name(best),
			 (unsigned long long)tmp.generation);
	}
	return SVSM_OK;
}

enum svsm_err state_load(const struct state_dev *dev, const struct state_keys *keys,
			 struct state *st, struct state_report *rep)
{
	struct state_image img;
	enum svsm_err err;

	err = state_read_slots(dev, &img, rep);
	if (err != SVSM_OK) {
		return err;
	}
	err = state_open(keys, &img, st, rep);
	state_image_free(&img);
	return err;
}

enum svsm_err state_check_generation(const struct state *st, uint64_t min,
				     struct state_report *rep)
{
	if (st->generation < min) {
		return fail(rep, SVSM_E_INVALID_REQUEST, "generation %llu older than %llu",
			    (unsigned long long)st->generation, (unsigned long long)min);
	}
	return SVSM_OK;
}

/* --- commit --- */

void state_commit_free(struct state_commit *c)
{
	if (c->staging != NULL) {
		OPENSSL_cleanse(c->staging, c->staging_size);
		free(c->staging);
	}
	memset(c, 0, sizeof(*c));
}

enum svsm_err state_commit_prepare(const struct state_keys *keys, const struct state *st,
				   struct state_commit *c, struct state_report *rep)
{
	bool format = st->generation == 0;
	uint32_t target = format ? 0 : 1 - st->active_slot;
	uint64_t generation = st->generation + 1;
	uint32_t used = 1, count = 0, t, data_sectors;
	uint8_t aad[REC_AAD_SIZE];
	uint8_t *h = NULL;
	enum svsm_err err;
	size_t size;

	report_clear(rep);
	memset(c, 0, sizeof(*c));
	if (st->slot_sectors < STATE_SLOT_SECTORS_MIN || st->slot_sectors > STATE_SLOT_SECTORS_MAX ||
	    st->active_slot > 1) {
		return fail(rep, SVSM_E_INVALID_PARAM, "state not initialised");
	}
	if (generation == 0) {
		return fail(rep, SVSM_E_INVALID_REQUEST, "generation counter exhausted");
	}
	for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
		if (st->rec[t].data != NULL) {
			used += sectors_for(st->rec[t].size); /* each <= 2048: no overflow */
		}
	}
	if (used > st->slot_sectors) {
		return fail(rep, SVSM_E_NOMEM, "state too large: %u sectors, a slot holds %u", used,
			    st->slot_sectors);
	}
	data_sectors = used - 1;
	size = ((size_t)used + (format ? 1 : 0)) * STATE_SECTOR_SIZE;
	c->staging = calloc(1, size);
	if (c->staging == NULL) {
		return fail(rep, SVSM_E_NOMEM, "out of memory for the commit (%zu bytes)", size);
	}
	c->staging_size = size;
	h = c->staging;
	memcpy(h + HDR_MAGIC, state_magic, sizeof(state_magic));
	put16(h + HDR_VERSION, STATE_VERSION);
	put16(h + HDR_SIZE, STATE_SECTOR_SIZE);
	put32(h + HDR_SLOT, target);
	put64(h + HDR_GENERATION, generation);
	put32(h + HDR_SLOT_SECTORS, st->slot_sectors);
	put32(h + HDR_USED, used);
	memcpy(h + HDR_KEY_ID, keys->key_id, STATE_KEY_ID_SIZE);
	used = 1;
	for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
		const struct state_record *r = &st->rec[t];
		uint8_t *e = h + HDR_DIR + count * DIR_ENTRY_SIZE;

		if (r->data == NULL) {
			continue;
		}
		put32(e + DIR_TYPE, t);
		put32(e + DIR_OFFSET, used);
		put32(e + DIR_LEN, r->size);
		if (RAND_bytes(e + DIR_IV, GCM_IV_SIZE) != 1) {
			err = fail(rep, SVSM_E_CRYPTO, "no randomness for the record IV");
			goto fail;
		}
		rec_aad(aad, generation, target, t, count, r->size);
		if (gcm(true, keys->record[t], e + DIR_IV, aad, r->data,
			c->staging + (size_t)used * STATE_SECTOR_SIZE, r->size,
			e + DIR_TAG) != SVSM_OK) {
			err = fail(rep, SVSM_E_CRYPTO, "record %u encryption failed", count);
			goto fail;
		}
		used += sectors_for(r->size);
		count++;
	}
	put32(h + HDR_REC_COUNT, count);
	if (header_mac(keys, h, h + HDR_MAC) != SVSM_OK) {
		err = fail(rep, SVSM_E_CRYPTO, "header MAC computation failed");
		goto fail;
	}
	if (format) {
		/* Zero slot B's header first, so an earlier state on the device cannot win. */
		c->writes[c->write_count++] = (struct state_write){
			.lba = state_slot_lba(st->slot_sectors, 1),
			.buf = c->staging + (size_t)used * STATE_SECTOR_SIZE,
			.sectors = 1,
		};
	}
	if (data_sectors > 0) {
		c->writes[c->write_count++] = (struct state_write){
			.lba = state_slot_lba(st->slot_sectors, target) + 1,
			.buf = c->staging + STATE_SECTOR_SIZE,
			.sectors = data_sectors,
		};
	}
	c->header = (struct state_write){
		.lba = state_slot_lba(st->slot_sectors, target), .buf = h, .sectors = 1};
	c->generation = generation;
	c->slot = target;
	return SVSM_OK;
fail:
	state_commit_free(c);
	return err;
}

enum svsm_err state_commit_write(const struct state_dev *dev, const struct state_commit *c,
				 struct state_report *rep)
{
	enum svsm_err err;
	uint32_t i;

	report_clear(rep);
	if (c->staging == NULL || c->header.sectors != 1) {
		return fail(rep, SVSM_E_INVALID_PARAM, "no prepared commit");
	}
	for (i = 0; i < c->write_count; i++) {
		const struct state_write *w = &c->writes[i];

		if (w->lba + w->sectors > dev->sectors) {
			return fail(rep, SVSM_E_INVALID_PARAM, "write past the device end");
		}
		err = dev->write(dev->ctx, w->lba, w->buf, w->sectors);
		if (err != SVSM_OK) {
			return fail(rep, err, "write of %u sectors at %llu failed", w->sectors,
				    (unsigned long long)w->lba);
		}
	}
	/* The records must be durable before the header that makes them current. */
	err = dev->flush(dev->ctx);
	if (err != SVSM_OK) {
		return fail(rep, err, "flush before the header failed");
	}
	err = dev->write(dev->ctx, c->header.lba, c->header.buf, 1);
	if (err != SVSM_OK) {
		return fail(rep, err, "header write at %llu failed", (unsigned long long)c->header.lba);
	}
	err = dev->flush(dev->ctx);
	if (err != SVSM_OK) {
		return fail(rep, err, "flush after the header failed");
	}
	return SVSM_OK;
}

void state_commit_done(struct state *st, const struct state_commit *c)
{
	st->generation = c->generation;
	st->active_slot = c->slot;
}

enum svsm_err state_commit(const struct state_dev *dev, const struct state_keys *keys,
			   struct state *st, struct state_report *rep)
{
	struct state_commit c;
	enum svsm_err err;

	err = state_commit_prepare(keys, st, &c, rep);
	if (err != SVSM_OK) {
		return err;
	}
	err = state_commit_write(dev, &c, rep);
	if (err == SVSM_OK) {
		state_commit_done(st, &c);
	}
	state_commit_free(&c);
	return err;
}

enum svsm_err state_format(const struct state_dev *dev, const struct state_keys *keys,
			   struct state *st, struct state_report *rep)
{
	enum svsm_err err;

	report_clear(rep);
	err = state_init(st, dev->sectors);
	if (err != SVSM_OK) {
		return fail(rep, err, "device too small: %llu sectors (need %u)",
			    (unsigned long long)dev->sectors, 2 * STATE_SLOT_SECTORS_MIN);
	}
	return state_commit(dev, keys, st, rep);
}

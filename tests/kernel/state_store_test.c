/*
 * Kernel test of the state store (lib/state_store.c) on Debian's libcrypto.a inside the
 * SVSM, split the way the boot will use it: key derivation, encryption and verification
 * inside services_run() (library stack, interrupts off), the RAM "disk" writes and reads
 * outside it. Shows that HMAC-SHA256, AES-256-GCM and RAND_bytes work in the kernel.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/ktest.h"
#include "kernel/services/services.h"
#include "lib/state_store.h"

#define DISK_SECTORS 64u

struct ramdisk {
	uint8_t *buf;
	uint32_t writes, flushes;
};

static enum svsm_err rd_read(void *ctx, uint64_t lba, void *buf, uint32_t n)
{
	struct ramdisk *r = ctx;

	if (lba > DISK_SECTORS || n > DISK_SECTORS - lba) {
		return SVSM_E_IO;
	}
	memcpy(buf, r->buf + lba * STATE_SECTOR_SIZE, (size_t)n * STATE_SECTOR_SIZE);
	return SVSM_OK;
}

static enum svsm_err rd_write(void *ctx, uint64_t lba, const void *buf, uint32_t n)
{
	struct ramdisk *r = ctx;

	if (lba > DISK_SECTORS || n > DISK_SECTORS - lba) {
		return SVSM_E_IO;
	}
	memcpy(r->buf + lba * STATE_SECTOR_SIZE, buf, (size_t)n * STATE_SECTOR_SIZE);
	r->writes += n;
	return SVSM_OK;
}

static enum svsm_err rd_flush(void *ctx)
{
	struct ramdisk *r = ctx;

	r->flushes++;
	return SVSM_OK;
}

struct job {
	struct state_keys keys;
	struct state st;
	struct state back;
	struct state_commit commit;
	struct state_image img;
	struct state_report rep;
	enum svsm_err err;
};

static void derive_and_prepare(void *arg)
{
	struct job *j = arg;
	uint8_t secret[STATE_SECRET_SIZE];
	uint8_t blob[1500];
	uint32_t i;

	for (i = 0; i < sizeof(secret); i++) {
		secret[i] = (uint8_t)i;
	}
	for (i = 0; i < sizeof(blob); i++) {
		blob[i] = (uint8_t)(i * 7);
	}
	j->err = state_keys_derive(secret, &j->keys);
	if (j->err == SVSM_OK) {
		j->err = state_init(&j->st, DISK_SECTORS);
	}
	if (j->err == SVSM_OK) {
		j->err = state_set(&j->st, STATE_REC_VTPM, blob, sizeof(blob));
	}
	if (j->err == SVSM_OK) {
		j->err = state_commit_prepare(&j->keys, &j->st, &j->commit, &j->rep);
	}
}

static void open_image(void *arg)
{
	struct job *j = arg;

	j->err = state_open(&j->keys, &j->img, &j->back, &j->rep);
}

KTEST(state_store, commit_and_load_split_around_services_run)
{
	static struct job j; /* keeps the 64 KiB library stack free */
	struct ramdisk r = {calloc(DISK_SECTORS, STATE_SECTOR_SIZE), 0, 0};
	struct state_dev dev = {&r, DISK_SECTORS, rd_read, rd_write, rd_flush};
	const uint8_t *data = NULL;
	uint32_t size = 0, i;
	bool same = true;

	KASSERT(r.buf != NULL);
	memset(&j, 0, sizeof(j));
	services_run(derive_and_prepare, &j);
	KEXPECT_EQ(j.err, SVSM_OK);
	KEXPECT_EQ(r.writes, 0); /* the crypto half did no I/O */
	KEXPECT_EQ(state_commit_write(&dev, &j.commit, &j.rep), SVSM_OK); /* I/O, no lock */
	KEXPECT_EQ(r.flushes, 2);
	state_commit_done(&j.st, &j.commit);
	state_commit_free(&j.commit);
	KEXPECT_EQ(state_read_slots(&dev, &j.img, &j.rep), SVSM_OK);
	services_run(open_image, &j);
	KEXPECT_EQ(j.err, SVSM_OK);
	KEXPECT_EQ(state_generation(&j.back), 1);
	KEXPECT_EQ(state_get(&j.back, STATE_REC_VTPM, &data, &size), SVSM_OK);
	KEXPECT_EQ(size, 1500);
	for (i = 0; data != NULL && i < size; i++) {
		same = same && data[i] == (uint8_t)(i * 7);
	}
	KEXPECT(same);
	/* A flipped ciphertext byte is refused inside the kernel too. */
	r.buf[STATE_SECTOR_SIZE + 3] ^= 1;
	state_image_free(&j.img);
	KEXPECT_EQ(state_read_slots(&dev, &j.img, &j.rep), SVSM_OK);
	services_run(open_image, &j);
	KEXPECT_EQ(j.err, SVSM_E_CRYPTO);
	state_image_free(&j.img);
	state_free(&j.st);
	state_free(&j.back);
	state_keys_wipe(&j.keys);
	free(r.buf);
}

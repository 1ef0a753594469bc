/*
 * Owns the RAM-backed vTPM blob store (store.h): a small fixed table of named heap
 * buffers. Single-threaded: the vTPM service runs one command at a time, so no lock.
 */
#include "kernel/services/vtpm/store.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/services/vtpm/ram_store.h"

#define RAM_STORE_SLOTS 4

/** struct ram_blob - one named blob; @data == NULL means the slot is free. */
struct ram_blob {
	char name[VTPM_STORE_NAME_MAX + 1];
	uint8_t *data;
	uint32_t size;
};

static struct ram_blob ram_blobs[RAM_STORE_SLOTS];
static uint64_t ram_writes;

static struct ram_blob *ram_store_find(const char *name)
{
	int i;

	for (i = 0; i < RAM_STORE_SLOTS; i++) {
		if (ram_blobs[i].data != NULL && strcmp(ram_blobs[i].name, name) == 0) {
			return &ram_blobs[i];
		}
	}
	return NULL;
}

static void ram_blob_free(struct ram_blob *b)
{
	if (b->data != NULL) {
		/* State blobs hold TPM seeds: wipe before giving the memory back. */
		explicit_bzero(b->data, b->size);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

enum svsm_err vtpm_store_size(const char *name, uint32_t *size)
{
	struct ram_blob *b = ram_store_find(name);

	if (b == NULL) {
		return SVSM_E_NOT_FOUND;
	}
	*size = b->size;
	return SVSM_OK;
}

enum svsm_err vtpm_store_read(const char *name, uint8_t *buf, uint32_t size)
{
	struct ram_blob *b = ram_store_find(name);

	if (b == NULL) {
		return SVSM_E_NOT_FOUND;
	}
	if (size != b->size) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(buf, b->data, size);
	return SVSM_OK;
}

enum svsm_err vtpm_store_write(const char *name, const uint8_t *data, uint32_t size)
{
	struct ram_blob *b = ram_store_find(name);
	uint8_t *copy = NULL;
	int i;

	if (strlen(name) > VTPM_STORE_NAME_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL) {
		return SVSM_E_NOMEM;
	}
	memcpy(copy, data, size);
	if (b == NULL) {
		for (i = 0; i < RAM_STORE_SLOTS && b == NULL; i++) {
			if (ram_blobs[i].data == NULL) {
				b = &ram_blobs[i];
			}
		}
		if (b == NULL) {
			free(copy);
			return SVSM_E_NOMEM;
		}
		strcpy(b->name, name);
	} else {
		explicit_bzero(b->data, b->size);
		free(b->data);
	}
	b->data = copy;
	b->size = size;
	ram_writes++;
	return SVSM_OK;
}

enum svsm_err vtpm_store_delete(const char *name)
{
	struct ram_blob *b = ram_store_find(name);

	if (b == NULL) {
		return SVSM_E_NOT_FOUND;
	}
	ram_blob_free(b);
	return SVSM_OK;
}

void ram_store_clear(void)
{
	int i;

	for (i = 0; i < RAM_STORE_SLOTS; i++) {
		ram_blob_free(&ram_blobs[i]);
	}
}

uint64_t ram_store_write_count(void)
{
	return ram_writes;
}

/*
 * Storage the vTPM's NV callbacks use for libtpms' state blobs ("permall",
 * "volatilestate", "savestate"). Exactly one implementation is linked: ram_store.c
 * today; the encrypted persistent store (kernel/services/store/) later provides the same
 * four functions. Blobs are opaque here; the store copies them in and out.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/** Longest blob name the store accepts, without the terminating NUL. */
#define VTPM_STORE_NAME_MAX 15u

/** vtpm_store_size - size of blob @name, or SVSM_E_NOT_FOUND if absent. */
enum svsm_err vtpm_store_size(const char *name, uint32_t *size) SVSM_MUST_CHECK;
/** vtpm_store_read - copy blob @name (exactly @size bytes, as vtpm_store_size said). */
enum svsm_err vtpm_store_read(const char *name, uint8_t *buf, uint32_t size) SVSM_MUST_CHECK;
/** vtpm_store_write - replace blob @name with @size bytes from @data. */
enum svsm_err vtpm_store_write(const char *name, const uint8_t *data, uint32_t size)
	SVSM_MUST_CHECK;
/** vtpm_store_delete - remove blob @name; SVSM_E_NOT_FOUND if it was absent. */
enum svsm_err vtpm_store_delete(const char *name) SVSM_MUST_CHECK;

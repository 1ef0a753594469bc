/*
 * swtpm's state-file blob header (swtpm 0.7, src/swtpm/swtpm_nvstore.c "blobheader"): the
 * 10-byte big-endian header swtpm writes before the libtpms blob in tpm2-00.permall and
 * tpm2-00.volatilestate. Used by svsm-state's import-swtpm / export-swtpm.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SWTPM_BLOB_HEADER_SIZE    10u
#define SWTPM_BLOB_HEADER_VERSION 2u

/**
 * swtpm_blob_unwrap - find the libtpms blob in an swtpm state file of @size bytes: after a
 * header (its totlen == @size; then min_version <= 2, 10 <= hdrsize < @size, no flags),
 * or the whole file when there is none (swtpm's rule for pre-header files). Returns NULL
 * and sets *@off and *@len, or a message: encrypted or migration blobs are refused.
 */
const char *swtpm_blob_unwrap(const uint8_t *data, size_t size, size_t *off, size_t *len);
/** swtpm_blob_wrap - a malloc'ed file image: header version 2 then @data; NULL on overflow. */
uint8_t *swtpm_blob_wrap(const uint8_t *data, size_t size, size_t *out_size);

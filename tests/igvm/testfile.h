/*
 * Helpers for the IGVM unit tests (tests/unit/igvm_*_test.c): assemble small IGVM files in memory with
 * lib/igvm_build.c (headers first, data appended, offsets patched at the end).
 */
#pragma once

#include <stdint.h>
#include <string.h>

#include "lib/igvm_build.h"

#define TF_MAX 65536

struct tf {
	uint32_t version;
	uint8_t hdr[8192];
	size_t hdr_len;
	uint8_t data[TF_MAX];
	size_t data_len;
	/* positions in hdr of u32 file_offset fields holding a data-relative offset + 1 */
	size_t fix[64];
	size_t fix_count;
	uint8_t out[TF_MAX + 8192 + 64];
	size_t out_len;
};

static inline void tf_init(struct tf *t, uint32_t version)
{
	memset(t, 0, sizeof(*t));
	t->version = version;
}

static inline void tf_add(struct tf *t, uint32_t type, const void *payload, uint32_t len)
{
	(void)igvm_build_put_header(t->hdr, sizeof(t->hdr), &t->hdr_len, type, payload, len);
}

/* Append data; returns the data-relative offset + 1 (0 stays "no data"). */
static inline uint32_t tf_data(struct tf *t, const void *d, size_t len)
{
	uint32_t off = (uint32_t)t->data_len;

	memcpy(t->data + t->data_len, d, len);
	t->data_len += len;
	return off + 1;
}

/* Remember that the u32 at @field_off of the payload of the last header is a data offset. */
static inline void tf_fix_last(struct tf *t, size_t payload_len, size_t field_off)
{
	size_t space = igvm_build_header_space((uint32_t)payload_len);

	t->fix[t->fix_count++] = t->hdr_len - space + 8 + field_off;
}

static inline void tf_platform(struct tf *t, uint8_t type, uint32_t mask)
{
	struct igvm_vhs_supported_platform sp = {
		.compatibility_mask = mask, .highest_vtl = 0, .platform_type = type,
		.platform_version = 1, .shared_gpa_boundary = 0,
	};

	tf_add(t, IGVM_VHT_SUPPORTED_PLATFORM, &sp, sizeof(sp));
}

static inline void tf_page(struct tf *t, uint64_t gpa, uint32_t mask, const void *data,
			   uint16_t type, uint32_t flags)
{
	struct igvm_vhs_page_data pd = {
		.gpa = gpa, .compatibility_mask = mask, .file_offset = 0, .flags = flags,
		.data_type = type, .reserved = 0,
	};

	if (data != NULL) {
		pd.file_offset = tf_data(t, data, 4096);
	}
	tf_add(t, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd));
	if (data != NULL) {
		tf_fix_last(t, sizeof(pd), offsetof(struct igvm_vhs_page_data, file_offset));
	}
}

static inline const uint8_t *tf_finish(struct tf *t)
{
	size_t fixed = igvm_build_fixed_size(t->version);
	size_t i = 0;
	uint32_t data_base = (uint32_t)(fixed + t->hdr_len);

	for (i = 0; i < t->fix_count; i++) {
		uint32_t v = 0;

		memcpy(&v, t->hdr + t->fix[i], 4);
		v = v - 1 + data_base;
		memcpy(t->hdr + t->fix[i], &v, 4);
	}
	memset(t->out, 0, sizeof(t->out));
	memcpy(t->out + fixed, t->hdr, t->hdr_len);
	if (t->data_len == 0) {
		t->data_len = 8; /* the format wants some file data */
	}
	memcpy(t->out + fixed + t->hdr_len, t->data, t->data_len);
	t->out_len = fixed + t->hdr_len + t->data_len;
	(void)igvm_build_finish(t->out, sizeof(t->out), t->version, (uint32_t)fixed,
				(uint32_t)t->hdr_len, (uint32_t)t->out_len);
	return t->out;
}

/* Recompute the checksum after a test corrupted the headers of t->out. */
static inline void tf_reseal(struct tf *t)
{
	struct igvm_fixed_header fh;

	memcpy(&fh, t->out, sizeof(fh));
	(void)igvm_build_finish(t->out, sizeof(t->out), fh.format_version, fh.variable_header_offset,
				fh.variable_header_size, fh.total_file_size);
}

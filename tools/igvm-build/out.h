/*
 * The IGVM file igvm-build assembles (out.c): headers and file data appended in order,
 * file_offset fields fixed up and the file written at the end. Errors that leave no file
 * to write (out of memory, an image over the format's limits) print and exit(1).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * struct out - the file being built; zero-initialise, release with out_free().
 * @hdr:  variable-header section being built.
 * @data: file data being built.
 * @fix:  positions in @hdr of u32 data-relative offsets (+1) to make file offsets.
 */
struct out {
	uint8_t *hdr;
	size_t hdr_len, hdr_cap;
	uint8_t *data;
	size_t data_len, data_cap;
	size_t *fix;
	size_t fix_count, fix_cap;
};

/** out_put_data() - append @len bytes of file data; returns its data-relative offset + 1. */
uint32_t out_put_data(struct out *o, const void *d, size_t len);

/**
 * out_put_hdr() - append a variable header of @type; @fix_at is the payload offset of a
 * file_offset field holding an out_put_data() result, or -1.
 */
void out_put_hdr(struct out *o, uint32_t type, const void *payload, uint32_t len, long fix_at);

/**
 * out_put_page() - append a PAGE_DATA header for @gpa; @data (4 KiB) is stored unless it is
 * NULL or all zero.
 */
void out_put_page(struct out *o, uint64_t gpa, uint32_t mask, const uint8_t *data, uint16_t type);

/** out_write() - write the file in format @version to @path; 0 on success, 1 after printing why. */
int out_write(const char *path, const struct out *o, uint32_t version);

/** out_free() - release the buffers of @o. */
void out_free(struct out *o);

/*
 * out.c owns the IGVM file igvm-build assembles: the growing variable-header and file-data
 * buffers, the file_offset fields to fix up once the header section's size is known, and
 * writing the finished file (fixed header and checksum encoded by lib/igvm_build.c).
 */
#include "tools/igvm-build/out.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/igvm_build.h"
#include "svsm/abi/igvm.h"

#define PROG "igvm-build"
#define PAGE 4096ull

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap == 0 ? 4096 : *cap;
	void *q = NULL;

	if (need <= *cap) {
		return p;
	}
	while (n < need) {
		n *= 2;
	}
	q = realloc(p, n * elem);
	if (q == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(1);
	}
	*cap = n;
	return q;
}

/* Append data, returning its data-relative offset + 1. */
uint32_t out_put_data(struct out *o, const void *d, size_t len)
{
	size_t off = o->data_len;

	if (off + len > 0xF0000000u) {
		fprintf(stderr, PROG ": image too large for an IGVM file\n");
		exit(1);
	}
	o->data = grow(o->data, &o->data_cap, off + len, 1);
	memcpy(o->data + off, d, len);
	o->data_len += len;
	return (uint32_t)off + 1;
}

/* Append a header; @fix_at is the payload offset of a file_offset field, or -1. */
void out_put_hdr(struct out *o, uint32_t type, const void *payload, uint32_t len, long fix_at)
{
	size_t space = igvm_build_header_space(len);
	size_t pos = o->hdr_len;

	o->hdr = grow(o->hdr, &o->hdr_cap, o->hdr_len + space, 1);
	(void)igvm_build_put_header(o->hdr, o->hdr_cap, &o->hdr_len, type, payload, len);
	if (fix_at >= 0) {
		o->fix = grow(o->fix, &o->fix_cap, o->fix_count + 1, sizeof(size_t));
		o->fix[o->fix_count++] = pos + sizeof(struct igvm_var_header) + (size_t)fix_at;
	}
}

void out_put_page(struct out *o, uint64_t gpa, uint32_t mask, const uint8_t *data, uint16_t type)
{
	struct igvm_vhs_page_data pd = { .gpa = gpa, .compatibility_mask = mask, .data_type = type };
	bool zero = true;
	size_t i = 0;

	for (i = 0; data != NULL && i < PAGE; i++) {
		if (data[i] != 0) {
			zero = false;
			break;
		}
	}
	/* All-zero pages carry no data: QEMU/KVM measure them as NORMAL zero pages anyway. */
	if (data != NULL && !zero) {
		pd.file_offset = out_put_data(o, data, PAGE);
	}
	out_put_hdr(o, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd),
		    pd.file_offset != 0 ? (long)offsetof(struct igvm_vhs_page_data, file_offset) : -1);
}

int out_write(const char *path, const struct out *o, uint32_t version)
{
	size_t fixed = igvm_build_fixed_size(version);
	uint64_t total = fixed + o->hdr_len + o->data_len;
	uint8_t *hdr = NULL;
	size_t i = 0;
	FILE *f = NULL;
	int rc = 1;

	if (total > 0xFFFFFFFFull) {
		fprintf(stderr, PROG ": output would exceed 4 GiB\n");
		return 1;
	}
	/* head + headers contiguous for the checksum. */
	hdr = malloc(fixed + o->hdr_len);
	if (hdr == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	memcpy(hdr + fixed, o->hdr, o->hdr_len);
	for (i = 0; i < o->fix_count; i++) {
		uint32_t v = 0;

		memcpy(&v, hdr + fixed + o->fix[i], 4);
		v = v - 1 + (uint32_t)(fixed + o->hdr_len);
		memcpy(hdr + fixed + o->fix[i], &v, 4);
	}
	(void)igvm_build_finish(hdr, fixed + o->hdr_len, version, (uint32_t)fixed, (uint32_t)o->hdr_len,
				(uint32_t)total);
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fwrite(hdr, 1, fixed + o->hdr_len, f) != fixed + o->hdr_len ||
	    fwrite(o->data, 1, o->data_len, f) != o->data_len) {
		fprintf(stderr, PROG ": %s: write failed: %s\n", path, strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(hdr);
	return rc;
}

void out_free(struct out *o)
{
	free(o->hdr);
	free(o->data);
	free(o->fix);
}

/*
 * Validating IGVM parser: checks the fixed header, the checksum and every variable
 * header, and iterates over the headers. Freestanding, no allocation: all state lives in
 * struct igvm_parser, which the caller owns. Every error carries the file offset of the
 * byte that is wrong.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/igvm.h"

/** enum igvm_err - why an IGVM file was rejected (IGVM_E_END ends an iteration). */
enum igvm_err {
	IGVM_OK = 0,
	IGVM_E_TRUNCATED,     /* a structure runs past the end of the buffer */
	IGVM_E_MAGIC,         /* not "IGVM" */
	IGVM_E_VERSION,       /* format version other than 1 or 2 */
	IGVM_E_ARCH,          /* V2 architecture not X64, or page size not 4096 */
	IGVM_E_FILE_SIZE,     /* total_file_size differs from the real length */
	IGVM_E_VH_RANGE,      /* variable-header section misplaced or leaves no file data */
	IGVM_E_CHECKSUM,      /* CRC-32 mismatch */
	IGVM_E_HEADER_LENGTH, /* entry length wrong for its type, or past the section */
	IGVM_E_HEADER_TYPE,   /* unknown (not optional) or reserved header type */
	IGVM_E_SECTION_ORDER, /* platform, init, directive sections out of order */
	IGVM_E_PADDING,       /* non-zero padding after an entry */
	IGVM_E_FILE_OFFSET,   /* file data outside the file-data region */
	IGVM_E_ALIGNMENT,     /* GPA or size not 4 KiB aligned, or zero size */
	IGVM_E_RESERVED,      /* reserved field non-zero, unknown flag or enum value */
	IGVM_E_COMPAT_MASK,   /* mask zero, undeclared, or not one platform where required */
	IGVM_E_PLATFORM,      /* bad or duplicate SUPPORTED_PLATFORM */
	IGVM_E_PARAM_AREA,    /* parameter area undeclared, redeclared, used after insert */
	IGVM_E_NO_PLATFORM,   /* no SUPPORTED_PLATFORM header at all */
	IGVM_E_LIMIT,         /* more platforms or parameter areas than the parser tracks */
	IGVM_E_VP_ORDER,      /* a platform's VP contexts not in strictly rising vp_index order */
	IGVM_E_END,           /* no more headers (not an error) */
};

#define IGVM_PARSE_MAX_PLATFORMS 8u
#define IGVM_PARSE_MAX_AREAS     16u

/** struct igvm_parse_platform - a declared platform. */
struct igvm_parse_platform {
	uint32_t mask;        /* its compatibility bit */
	uint8_t type;         /* IGVM_PLATFORM_* */
};

/** struct igvm_parse_area - a declared parameter area. */
struct igvm_parse_area {
	uint32_t index;       /* parameter_area_index */
	bool inserted;        /* consumed by PARAMETER_INSERT */
	uint64_t size;        /* number_of_bytes */
};

/**
 * struct igvm_parser - iteration state over one IGVM buffer (copyable: a copy restarts
 * from the same header).
 */
struct igvm_parser {
	const uint8_t *buf;        /* the whole file */
	size_t len;                /* its length */
	uint32_t version;          /* format version */
	size_t vh_start;           /* first byte of the variable-header section */
	size_t vh_end;             /* first byte after it = start of file data */
	size_t pos;                /* next header */
	uint32_t section;          /* 0 platform, 1 init, 2 directive */
	uint32_t platform_count;   /* entries in platforms[] */
	uint32_t all_masks;        /* OR of declared platform bits */
	struct igvm_parse_platform platforms[IGVM_PARSE_MAX_PLATFORMS];
	uint32_t area_count;       /* entries in areas[] */
	struct igvm_parse_area areas[IGVM_PARSE_MAX_AREAS];
	size_t err_offset;         /* file offset of the last error */
};

/**
 * struct igvm_header - one validated variable header, decoded into aligned copies.
 * @type:     type without IGVM_VHT_OPTIONAL_BIT.
 * @raw_type: type as stored.
 * @length:   payload length.
 * @offset:   file offset of the struct igvm_var_header.
 * @payload:  payload bytes in the buffer (unaligned).
 * @data:     file data of PAGE_DATA / VP_CONTEXT / PARAMETER_AREA, NULL when none.
 * @data_len: bytes at @data (4096 for pages, up to 4096 for VP contexts).
 * @platform: for VP_CONTEXT, the platform type of its mask.
 * @u:        decoded payload for the known types.
 */
struct igvm_header {
	uint32_t type;
	uint32_t raw_type;
	uint32_t length;
	size_t offset;
	const uint8_t *payload;
	const uint8_t *data;
	size_t data_len;
	uint8_t platform;
	union {
		struct igvm_vhs_supported_platform platform;
		struct igvm_vhs_guest_policy policy;
		struct igvm_vhs_relocatable_region reloc;
		struct igvm_vhs_page_table_relocation pt_reloc;
		struct igvm_vhs_parameter_area area;
		struct igvm_vhs_page_data page;
		struct igvm_vhs_parameter_insert insert;
		struct igvm_vhs_vp_context vp;
		struct igvm_vhs_required_memory required;
		struct igvm_vhs_parameter param;
		struct igvm_vhs_error_range error_range;
		struct igvm_vhs_snp_id_block id_block;
	} u;
};

/**
 * igvm_parse_open() - check the fixed header, file size, section bounds and checksum.
 * Returns IGVM_OK and a parser positioned at the first variable header, or an error with
 * igvm_parse_error_offset() naming the offending byte.
 */
enum igvm_err igvm_parse_open(struct igvm_parser *p, const void *buf, size_t len);

/**
 * igvm_parse_next() - validate and return the next variable header in @h.
 * Returns IGVM_OK, IGVM_E_END after the last header (once the whole file checked out), or
 * an error.
 */
enum igvm_err igvm_parse_next(struct igvm_parser *p, struct igvm_header *h);

/** igvm_parse_error_offset() - file offset of the byte the last error is about. */
size_t igvm_parse_error_offset(const struct igvm_parser *p);

/** igvm_parse_platform_mask() - mask of the declared platform of @type, 0 if none. */
uint32_t igvm_parse_platform_mask(const struct igvm_parser *p, uint8_t type);

/** igvm_parse_area_size() - declared size of parameter area @index, 0 if undeclared. */
uint64_t igvm_parse_area_size(const struct igvm_parser *p, uint32_t index);

/** igvm_strerror() - short English description of @err. */
const char *igvm_strerror(enum igvm_err err);

/** igvm_header_name() - name of header type @type (without the optional bit), or NULL. */
const char *igvm_header_name(uint32_t type);

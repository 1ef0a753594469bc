/*
 * igvm_parse.c owns the structure of untrusted IGVM bytes: the fixed header, the CRC-32
 * checksum, and the walk over the variable headers (entry length, padding, known type,
 * section order); what each type's payload must hold is lib/igvm_payload.c. Also the
 * parser's queries and error and header-type names. No allocation and no global state:
 * everything is in the caller's struct igvm_parser. Little-endian host assumed (x86-64,
 * as the kernel and the tools are).
 */
#include "lib/igvm_parse.h"

#include "lib/crc32.h"
#include "lib/igvm_payload.h"

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v = 0;

	__builtin_memcpy(&v, b, sizeof(v));
	return v;
}

enum igvm_err igvm_parse_open(struct igvm_parser *p, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	struct igvm_fixed_header_v2 fh;
	size_t fixed_size = sizeof(struct igvm_fixed_header);
	uint64_t vh_off = 0;
	uint64_t vh_end = 0;
	uint32_t crc = 0;

	__builtin_memset(p, 0, sizeof(*p));
	__builtin_memset(&fh, 0, sizeof(fh));
	p->buf = b;
	p->len = len;
	if (b == NULL || len < sizeof(struct igvm_fixed_header)) {
		return igvm_fail(p, IGVM_E_TRUNCATED, len);
	}
	__builtin_memcpy(&fh.v1, b, sizeof(fh.v1));
	if (fh.v1.magic != IGVM_MAGIC) {
		return igvm_fail(p, IGVM_E_MAGIC, 0);
	}
	if (fh.v1.format_version != IGVM_FORMAT_VERSION_1 &&
	    fh.v1.format_version != IGVM_FORMAT_VERSION_2) {
		return igvm_fail(p, IGVM_E_VERSION, offsetof(struct igvm_fixed_header, format_version));
	}
	if (fh.v1.format_version == IGVM_FORMAT_VERSION_2) {
		fixed_size = sizeof(struct igvm_fixed_header_v2);
		if (len < fixed_size) {
			return igvm_fail(p, IGVM_E_TRUNCATED, len);
		}
		__builtin_memcpy(&fh, b, sizeof(fh));
		if (fh.architecture != IGVM_ARCH_X64) {
			return igvm_fail(p, IGVM_E_ARCH, offsetof(struct igvm_fixed_header_v2, architecture));
		}
		if (fh.page_size != IGVM_PAGE_SIZE) {
			return igvm_fail(p, IGVM_E_ARCH, offsetof(struct igvm_fixed_header_v2, page_size));
		}
	}
	if ((uint64_t)fh.v1.total_file_size != (uint64_t)len) {
		return igvm_fail(p, IGVM_E_FILE_SIZE, offsetof(struct igvm_fixed_header, total_file_size));
	}
	vh_off = fh.v1.variable_header_offset;
	vh_end = vh_off + fh.v1.variable_header_size;
	if (vh_off < fixed_size || (vh_off % IGVM_HEADER_ALIGN) != 0 || vh_off >= len) {
		return igvm_fail(p, IGVM_E_VH_RANGE,
				 offsetof(struct igvm_fixed_header, variable_header_offset));
	}
	/* Strict, as the reference parser: the file must carry some file data. */
	if (vh_end >= len) {
		return igvm_fail(p, IGVM_E_VH_RANGE, offsetof(struct igvm_fixed_header, variable_header_size));
	}
	fh.v1.checksum = 0;
	crc = crc32_update(0, &fh, fixed_size);
	crc = crc32_update(crc, b + vh_off, fh.v1.variable_header_size);
	if (crc != rd32(b + offsetof(struct igvm_fixed_header, checksum))) {
		return igvm_fail(p, IGVM_E_CHECKSUM, offsetof(struct igvm_fixed_header, checksum));
	}
	p->version = fh.v1.format_version;
	p->vh_start = (size_t)vh_off;
	p->vh_end = (size_t)vh_end;
	p->pos = p->vh_start;
	return IGVM_OK;
}

enum igvm_err igvm_parse_next(struct igvm_parser *p, struct igvm_header *h)
{
	struct igvm_var_header vh;
	uint64_t payload_end = 0;
	uint64_t next = 0;
	uint32_t want = 0;
	int section = 0;
	size_t copy = 0;
	enum igvm_err err = IGVM_OK;

	__builtin_memset(h, 0, sizeof(*h));
	if (p->buf == NULL) {
		return igvm_fail(p, IGVM_E_TRUNCATED, 0);
	}
	if (p->pos >= p->vh_end) {
		if (p->platform_count == 0) {
			return igvm_fail(p, IGVM_E_NO_PLATFORM, p->vh_start);
		}
		return IGVM_E_END;
	}
	if (p->vh_end - p->pos < sizeof(vh)) {
		return igvm_fail(p, IGVM_E_HEADER_LENGTH, p->pos);
	}
	__builtin_memcpy(&vh, p->buf + p->pos, sizeof(vh));
	h->offset = p->pos;
	h->raw_type = vh.type;
	h->type = vh.type & ~IGVM_VHT_OPTIONAL_BIT;
	h->length = vh.length;
	payload_end = (uint64_t)p->pos + sizeof(vh) + vh.length;
	if (payload_end > p->vh_end) {
		return igvm_fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
	}
	next = (payload_end + IGVM_HEADER_ALIGN - 1) & ~(uint64_t)(IGVM_HEADER_ALIGN - 1);
	if (next > p->vh_end) {
		return igvm_fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
	}
	if (!igvm_all_zero(p->buf + payload_end, (size_t)(next - payload_end))) {
		return igvm_fail(p, IGVM_E_PADDING, payload_end);
	}
	h->payload = p->buf + p->pos + sizeof(vh);
	section = igvm_payload_section(h->type);
	want = igvm_payload_length(h->type);
	if (h->type == IGVM_VHT_RESERVED_DO_NOT_USE ||
	    (want == 0 && (vh.type & IGVM_VHT_OPTIONAL_BIT) == 0)) {
		return igvm_fail(p, IGVM_E_HEADER_TYPE, p->pos);
	}
	if (section >= 0) {
		if ((uint32_t)section < p->section) {
			return igvm_fail(p, IGVM_E_SECTION_ORDER, p->pos);
		}
		p->section = (uint32_t)section;
	}
	if (want != 0) {
		if (vh.length != want) {
			return igvm_fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
		}
		copy = want < sizeof(h->u) ? want : sizeof(h->u);
		__builtin_memcpy(&h->u, h->payload, copy);
		err = igvm_payload_check(p, h);
		if (err != IGVM_OK) {
			return err;
		}
	}
	p->pos = (size_t)next;
	return IGVM_OK;
}

size_t igvm_parse_error_offset(const struct igvm_parser *p)
{
	return p->err_offset;
}

uint32_t igvm_parse_platform_mask(const struct igvm_parser *p, uint8_t type)
{
	uint32_t i = 0;

	for (i = 0; i < p->platform_count; i++) {
		if (p->platforms[i].type == type) {
			return p->platforms[i].mask;
		}
	}
	return 0;
}

uint64_t igvm_parse_area_size(const struct igvm_parser *p, uint32_t index)
{
	uint32_t i = 0;

	for (i = 0; i < p->area_count; i++) {
		if (p->areas[i].index == index) {
			return p->areas[i].size;
		}
	}
	return 0;
}

const char *igvm_strerror(enum igvm_err err)
{
	switch (err) {
	case IGVM_OK:
		return "ok";
	case IGVM_E_TRUNCATED:
		return "file truncated";
	case IGVM_E_MAGIC:
		return "bad magic (not an IGVM file)";
	case IGVM_E_VERSION:
		return "unsupported format version";
	case IGVM_E_ARCH:
		return "unsupported architecture or page size";
	case IGVM_E_FILE_SIZE:
		return "total_file_size does not match the file length";
	case IGVM_E_VH_RANGE:
		return "variable-header section out of range";
	case IGVM_E_CHECKSUM:
		return "checksum mismatch";
	case IGVM_E_HEADER_LENGTH:
		return "bad variable-header length";
	case IGVM_E_HEADER_TYPE:
		return "unknown or reserved variable-header type";
	case IGVM_E_SECTION_ORDER:
		return "variable header out of section order";
	case IGVM_E_PADDING:
		return "non-zero padding after a variable header";
	case IGVM_E_FILE_OFFSET:
		return "file data offset out of range";
	case IGVM_E_ALIGNMENT:
		return "address or size not 4 KiB aligned";
	case IGVM_E_RESERVED:
		return "reserved field, flag or type value invalid";
	case IGVM_E_COMPAT_MASK:
		return "bad compatibility mask";
	case IGVM_E_PLATFORM:
		return "bad supported-platform header";
	case IGVM_E_PARAM_AREA:
		return "bad parameter area use";
	case IGVM_E_NO_PLATFORM:
		return "no supported-platform header";
	case IGVM_E_LIMIT:
		return "too many platforms or parameter areas";
	case IGVM_E_VP_ORDER:
		return "VP contexts not in rising vp_index order";
	case IGVM_E_END:
		return "end of headers";
	}
	return "unknown error";
}

const char *igvm_header_name(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_SUPPORTED_PLATFORM: return "SUPPORTED_PLATFORM";
	case IGVM_VHT_GUEST_POLICY: return "GUEST_POLICY";
	case IGVM_VHT_RELOCATABLE_REGION: return "RELOCATABLE_REGION";
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION: return "PAGE_TABLE_RELOCATION_REGION";
	case IGVM_VHT_CORIM_DOCUMENT: return "CORIM_DOCUMENT";
	case IGVM_VHT_CORIM_SIGNATURE: return "CORIM_SIGNATURE";
	case IGVM_VHT_CCA_POLICY: return "CCA_POLICY";
	case IGVM_VHT_PARAMETER_AREA: return "PARAMETER_AREA";
	case IGVM_VHT_PAGE_DATA: return "PAGE_DATA";
	case IGVM_VHT_PARAMETER_INSERT: return "PARAMETER_INSERT";
	case IGVM_VHT_VP_CONTEXT: return "VP_CONTEXT";
	case IGVM_VHT_REQUIRED_MEMORY: return "REQUIRED_MEMORY";
	case IGVM_VHT_VP_COUNT_PARAMETER: return "VP_COUNT_PARAMETER";
	case IGVM_VHT_SRAT: return "SRAT";
	case IGVM_VHT_MADT: return "MADT";
	case IGVM_VHT_MMIO_RANGES: return "MMIO_RANGES";
	case IGVM_VHT_SNP_ID_BLOCK: return "SNP_ID_BLOCK";
	case IGVM_VHT_MEMORY_MAP: return "MEMORY_MAP";
	case IGVM_VHT_ERROR_RANGE: return "ERROR_RANGE";
	case IGVM_VHT_COMMAND_LINE: return "COMMAND_LINE";
	case IGVM_VHT_SLIT: return "SLIT";
	case IGVM_VHT_PPTT: return "PPTT";
	case IGVM_VHT_VBS_MEASUREMENT: return "VBS_MEASUREMENT";
	case IGVM_VHT_DEVICE_TREE: return "DEVICE_TREE";
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER: return "ENVIRONMENT_INFO_PARAMETER";
	default: return NULL;
	}
}

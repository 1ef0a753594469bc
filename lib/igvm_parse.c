/*
 * igvm_parse.c owns validation of untrusted IGVM bytes: the fixed header, the CRC-32
 * checksum, and each variable header (length per type, section order, padding, 4 KiB
 * alignment, reserved fields, compatibility masks against the declared platforms, file
 * data bounds, parameter-area bookkeeping). No allocation and no global state: everything
 * is in the caller's struct igvm_parser. Little-endian host assumed (x86-64, as the
 * kernel and the tools are).
 */
#include "lib/igvm_parse.h"

#include "lib/crc32.h"

static enum igvm_err fail(struct igvm_parser *p, enum igvm_err err, uint64_t offset)
{
	p->err_offset = (size_t)offset;
	return err;
}

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v = 0;

	__builtin_memcpy(&v, b, sizeof(v));
	return v;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	size_t i = 0;

	for (i = 0; i < n; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
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
		return fail(p, IGVM_E_TRUNCATED, len);
	}
	__builtin_memcpy(&fh.v1, b, sizeof(fh.v1));
	if (fh.v1.magic != IGVM_MAGIC) {
		return fail(p, IGVM_E_MAGIC, 0);
	}
	if (fh.v1.format_version != IGVM_FORMAT_VERSION_1 &&
	    fh.v1.format_version != IGVM_FORMAT_VERSION_2) {
		return fail(p, IGVM_E_VERSION, offsetof(struct igvm_fixed_header, format_version));
	}
	if (fh.v1.format_version == IGVM_FORMAT_VERSION_2) {
		fixed_size = sizeof(struct igvm_fixed_header_v2);
		if (len < fixed_size) {
			return fail(p, IGVM_E_TRUNCATED, len);
		}
		__builtin_memcpy(&fh, b, sizeof(fh));
		if (fh.architecture != IGVM_ARCH_X64) {
			return fail(p, IGVM_E_ARCH, offsetof(struct igvm_fixed_header_v2, architecture));
		}
		if (fh.page_size != IGVM_PAGE_SIZE) {
			return fail(p, IGVM_E_ARCH, offsetof(struct igvm_fixed_header_v2, page_size));
		}
	}
	if ((uint64_t)fh.v1.total_file_size != (uint64_t)len) {
		return fail(p, IGVM_E_FILE_SIZE, offsetof(struct igvm_fixed_header, total_file_size));
	}
	vh_off = fh.v1.variable_header_offset;
	vh_end = vh_off + fh.v1.variable_header_size;
	if (vh_off < fixed_size || (vh_off % IGVM_HEADER_ALIGN) != 0 || vh_off >= len) {
		return fail(p, IGVM_E_VH_RANGE,
			    offsetof(struct igvm_fixed_header, variable_header_offset));
	}
	/* Strict, as the reference parser: the file must carry some file data. */
	if (vh_end >= len) {
		return fail(p, IGVM_E_VH_RANGE, offsetof(struct igvm_fixed_header, variable_header_size));
	}
	fh.v1.checksum = 0;
	crc = crc32_update(0, &fh, fixed_size);
	crc = crc32_update(crc, b + vh_off, fh.v1.variable_header_size);
	if (crc != rd32(b + offsetof(struct igvm_fixed_header, checksum))) {
		return fail(p, IGVM_E_CHECKSUM, offsetof(struct igvm_fixed_header, checksum));
	}
	p->version = fh.v1.format_version;
	p->vh_start = (size_t)vh_off;
	p->vh_end = (size_t)vh_end;
	p->pos = p->vh_start;
	return IGVM_OK;
}

/* Section of a header type: 0 platform, 1 init, 2 directive, -1 none. */
static int type_section(uint32_t t)
{
	if (t >= IGVM_VHT_RANGE_PLATFORM_FIRST && t <= IGVM_VHT_RANGE_PLATFORM_LAST) {
		return 0;
	}
	if (t >= IGVM_VHT_RANGE_INIT_FIRST && t <= IGVM_VHT_RANGE_INIT_LAST) {
		return 1;
	}
	if (t >= IGVM_VHT_RANGE_DIRECTIVE_FIRST && t <= IGVM_VHT_RANGE_DIRECTIVE_LAST) {
		return 2;
	}
	return -1;
}

static bool is_parameter_type(uint32_t t)
{
	switch (t) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return true;
	default:
		return false;
	}
}

/* Expected payload length of a known type, 0 for unknown. */
static uint32_t type_length(uint32_t t)
{
	if (is_parameter_type(t)) {
		return sizeof(struct igvm_vhs_parameter);
	}
	switch (t) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return sizeof(struct igvm_vhs_supported_platform);
	case IGVM_VHT_GUEST_POLICY:
		return sizeof(struct igvm_vhs_guest_policy);
	case IGVM_VHT_RELOCATABLE_REGION:
		return sizeof(struct igvm_vhs_relocatable_region);
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return sizeof(struct igvm_vhs_page_table_relocation);
	case IGVM_VHT_CORIM_DOCUMENT:
		return IGVM_VHS_CORIM_DOCUMENT_SIZE;
	case IGVM_VHT_CORIM_SIGNATURE:
		return IGVM_VHS_CORIM_SIGNATURE_SIZE;
	case IGVM_VHT_CCA_POLICY:
		return IGVM_VHS_CCA_POLICY_SIZE;
	case IGVM_VHT_PARAMETER_AREA:
		return sizeof(struct igvm_vhs_parameter_area);
	case IGVM_VHT_PAGE_DATA:
		return sizeof(struct igvm_vhs_page_data);
	case IGVM_VHT_PARAMETER_INSERT:
		return sizeof(struct igvm_vhs_parameter_insert);
	case IGVM_VHT_VP_CONTEXT:
		return sizeof(struct igvm_vhs_vp_context);
	case IGVM_VHT_REQUIRED_MEMORY:
		return sizeof(struct igvm_vhs_required_memory);
	case IGVM_VHT_SNP_ID_BLOCK:
		return sizeof(struct igvm_vhs_snp_id_block);
	case IGVM_VHT_ERROR_RANGE:
		return sizeof(struct igvm_vhs_error_range);
	case IGVM_VHT_VBS_MEASUREMENT:
		return IGVM_VHS_VBS_MEASUREMENT_SIZE;
	default:
		return 0;
	}
}

static const struct igvm_parse_platform *platform_of(const struct igvm_parser *p, uint32_t mask)
{
	uint32_t i = 0;

	for (i = 0; i < p->platform_count; i++) {
		if (p->platforms[i].mask == mask) {
			return &p->platforms[i];
		}
	}
	return NULL;
}

static struct igvm_parse_area *area_of(struct igvm_parser *p, uint32_t index)
{
	uint32_t i = 0;

	for (i = 0; i < p->area_count; i++) {
		if (p->areas[i].index == index) {
			return &p->areas[i];
		}
	}
	return NULL;
}

/* A compatibility mask must be non-zero and name declared platforms only. */
static enum igvm_err check_mask(struct igvm_parser *p, uint32_t mask, size_t off)
{
	if (mask == 0 || (mask & ~p->all_masks) != 0) {
		return fail(p, IGVM_E_COMPAT_MASK, off);
	}
	return IGVM_OK;
}

/* File data at @file_offset, @need bytes: inside the file-data region. */
static enum igvm_err check_data(struct igvm_parser *p, struct igvm_header *h, uint32_t file_offset,
				uint64_t need, uint64_t want, size_t field_off)
{
	uint64_t avail = 0;

	if (file_offset < p->vh_end || file_offset >= p->len) {
		return fail(p, IGVM_E_FILE_OFFSET, field_off);
	}
	avail = (uint64_t)p->len - file_offset;
	if (avail < need) {
		return fail(p, IGVM_E_FILE_OFFSET, field_off);
	}
	h->data = p->buf + file_offset;
	h->data_len = (size_t)(avail < want ? avail : want);
	return IGVM_OK;
}

static enum igvm_err check_platform(struct igvm_parser *p, struct igvm_header *h, size_t pl)
{
	const struct igvm_vhs_supported_platform *sp = &h->u.platform;
	uint32_t i = 0;

	if (sp->compatibility_mask == 0 || (sp->compatibility_mask & (sp->compatibility_mask - 1)) != 0 ||
	    (sp->compatibility_mask & p->all_masks) != 0) {
		return fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, compatibility_mask));
	}
	if (sp->highest_vtl != 0 && sp->highest_vtl != 2) {
		return fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, highest_vtl));
	}
	if (sp->platform_type > IGVM_PLATFORM_SEV_ES) {
		return fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, platform_type));
	}
	for (i = 0; i < p->platform_count; i++) {
		if (p->platforms[i].type == sp->platform_type) {
			return fail(p, IGVM_E_PLATFORM,
				    pl + offsetof(struct igvm_vhs_supported_platform, platform_type));
		}
	}
	if (sp->platform_version != IGVM_PLATFORM_VERSION) {
		return fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, platform_version));
	}
	if ((sp->platform_type == IGVM_PLATFORM_NATIVE ||
	     sp->platform_type == IGVM_PLATFORM_VSM_ISOLATION) && sp->shared_gpa_boundary != 0) {
		return fail(p, IGVM_E_PLATFORM,
			    pl + offsetof(struct igvm_vhs_supported_platform, shared_gpa_boundary));
	}
	if (p->platform_count >= IGVM_PARSE_MAX_PLATFORMS) {
		return fail(p, IGVM_E_LIMIT, h->offset);
	}
	p->platforms[p->platform_count].mask = sp->compatibility_mask;
	p->platforms[p->platform_count].type = sp->platform_type;
	p->platform_count++;
	p->all_masks |= sp->compatibility_mask;
	return IGVM_OK;
}

static enum igvm_err check_page_data(struct igvm_parser *p, struct igvm_header *h, size_t pl)
{
	const struct igvm_vhs_page_data *pd = &h->u.page;
	enum igvm_err err = IGVM_OK;

	if ((pd->gpa % IGVM_PAGE_SIZE) != 0) {
		return fail(p, IGVM_E_ALIGNMENT, pl + offsetof(struct igvm_vhs_page_data, gpa));
	}
	err = check_mask(p, pd->compatibility_mask, pl + offsetof(struct igvm_vhs_page_data, compatibility_mask));
	if (err != IGVM_OK) {
		return err;
	}
	/* The reference crate does not define 2 MiB page data yet: reject rather than guess. */
	if ((pd->flags & ~IGVM_PAGE_FLAGS_KNOWN) != 0 || (pd->flags & IGVM_PAGE_FLAG_IS_2MB_PAGE) != 0) {
		return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, flags));
	}
	if (pd->data_type > IGVM_PAGE_DATA_TYPE_CPUID_XF) {
		return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, data_type));
	}
	if (pd->reserved != 0) {
		return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, reserved));
	}
	if (pd->file_offset != 0) {
		return check_data(p, h, pd->file_offset, IGVM_PAGE_SIZE, IGVM_PAGE_SIZE,
				  pl + offsetof(struct igvm_vhs_page_data, file_offset));
	}
	return IGVM_OK;
}

static enum igvm_err check_vp_context(struct igvm_parser *p, struct igvm_header *h, size_t pl)
{
	const struct igvm_vhs_vp_context *vp = &h->u.vp;
	const struct igvm_parse_platform *plat = platform_of(p, vp->compatibility_mask);
	uint64_t need = IGVM_PAGE_SIZE;

	/* The reference parser picks the context format by the exact mask: one platform. */
	if (plat == NULL) {
		return fail(p, IGVM_E_COMPAT_MASK, pl + offsetof(struct igvm_vhs_vp_context, compatibility_mask));
	}
	if (vp->reserved != 0) {
		return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_vp_context, reserved));
	}
	h->platform = plat->type;
	if (plat->type == IGVM_PLATFORM_NATIVE) {
		need = sizeof(struct igvm_native_vp_context);
	} else if (plat->type != IGVM_PLATFORM_SEV_SNP && plat->type != IGVM_PLATFORM_SEV_ES) {
		need = 4;
	}
	return check_data(p, h, vp->file_offset, need, IGVM_PAGE_SIZE,
			  pl + offsetof(struct igvm_vhs_vp_context, file_offset));
}

static enum igvm_err check_area(struct igvm_parser *p, struct igvm_header *h, size_t pl)
{
	const struct igvm_vhs_parameter_area *a = &h->u.area;

	if (a->number_of_bytes == 0 || (a->number_of_bytes % IGVM_PAGE_SIZE) != 0 ||
	    a->number_of_bytes > 0xFFFFFFFFull) {
		return fail(p, IGVM_E_ALIGNMENT, pl + offsetof(struct igvm_vhs_parameter_area, number_of_bytes));
	}
	if (area_of(p, a->parameter_area_index) != NULL) {
		return fail(p, IGVM_E_PARAM_AREA,
			    pl + offsetof(struct igvm_vhs_parameter_area, parameter_area_index));
	}
	if (a->file_offset != 0) {
		enum igvm_err err = check_data(p, h, a->file_offset, a->number_of_bytes, a->number_of_bytes,
					       pl + offsetof(struct igvm_vhs_parameter_area, file_offset));
		if (err != IGVM_OK) {
			return err;
		}
	}
	if (p->area_count >= IGVM_PARSE_MAX_AREAS) {
		return fail(p, IGVM_E_LIMIT, h->offset);
	}
	p->areas[p->area_count].index = a->parameter_area_index;
	p->areas[p->area_count].size = a->number_of_bytes;
	p->areas[p->area_count].inserted = false;
	p->area_count++;
	return IGVM_OK;
}

static enum igvm_err check_payload(struct igvm_parser *p, struct igvm_header *h)
{
	size_t pl = h->offset + sizeof(struct igvm_var_header);
	struct igvm_parse_area *area = NULL;
	enum igvm_err err = IGVM_OK;

	if (is_parameter_type(h->type)) {
		area = area_of(p, h->u.param.parameter_area_index);
		if (area == NULL || area->inserted) {
			return fail(p, IGVM_E_PARAM_AREA, pl);
		}
		/* Every parameter writes at least a u32 (VP count, environment info). */
		if (area->size < 4 || h->u.param.byte_offset > area->size - 4) {
			return fail(p, IGVM_E_PARAM_AREA, pl + offsetof(struct igvm_vhs_parameter, byte_offset));
		}
		return IGVM_OK;
	}
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(p, h, pl);
	case IGVM_VHT_GUEST_POLICY:
		if (h->u.policy.reserved != 0) {
			return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_guest_policy, reserved));
		}
		return check_mask(p, h->u.policy.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_guest_policy, compatibility_mask));
	case IGVM_VHT_RELOCATABLE_REGION:
		if (h->u.reloc.flags > 7) {
			return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_relocatable_region, flags));
		}
		return check_mask(p, h->u.reloc.compatibility_mask, pl);
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		if (h->u.pt_reloc.reserved != 0) {
			return fail(p, IGVM_E_RESERVED,
				    pl + offsetof(struct igvm_vhs_page_table_relocation, reserved));
		}
		return check_mask(p, h->u.pt_reloc.compatibility_mask, pl);
	case IGVM_VHT_PARAMETER_AREA:
		return check_area(p, h, pl);
	case IGVM_VHT_PAGE_DATA:
		return check_page_data(p, h, pl);
	case IGVM_VHT_PARAMETER_INSERT:
		if ((h->u.insert.gpa % IGVM_PAGE_SIZE) != 0) {
			return fail(p, IGVM_E_ALIGNMENT, pl);
		}
		err = check_mask(p, h->u.insert.compatibility_mask,
				 pl + offsetof(struct igvm_vhs_parameter_insert, compatibility_mask));
		if (err != IGVM_OK) {
			return err;
		}
		area = area_of(p, h->u.insert.parameter_area_index);
		if (area == NULL || area->inserted) {
			return fail(p, IGVM_E_PARAM_AREA,
				    pl + offsetof(struct igvm_vhs_parameter_insert, parameter_area_index));
		}
		area->inserted = true;
		return IGVM_OK;
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(p, h, pl);
	case IGVM_VHT_REQUIRED_MEMORY:
		if ((h->u.required.gpa % IGVM_PAGE_SIZE) != 0 || h->u.required.number_of_bytes == 0 ||
		    (h->u.required.number_of_bytes % IGVM_PAGE_SIZE) != 0) {
			return fail(p, IGVM_E_ALIGNMENT, pl);
		}
		if (h->u.required.flags > 1 || h->u.required.reserved != 0) {
			return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_required_memory, flags));
		}
		return check_mask(p, h->u.required.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_required_memory, compatibility_mask));
	case IGVM_VHT_SNP_ID_BLOCK:
		if (!all_zero(h->u.id_block.reserved, sizeof(h->u.id_block.reserved))) {
			return fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_snp_id_block, reserved));
		}
		return check_mask(p, h->u.id_block.compatibility_mask, pl);
	case IGVM_VHT_ERROR_RANGE:
		return check_mask(p, h->u.error_range.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_error_range, compatibility_mask));
	default:
		return IGVM_OK; /* opaque payloads: length already checked */
	}
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
		return fail(p, IGVM_E_TRUNCATED, 0);
	}
	if (p->pos >= p->vh_end) {
		if (p->platform_count == 0) {
			return fail(p, IGVM_E_NO_PLATFORM, p->vh_start);
		}
		return IGVM_E_END;
	}
	if (p->vh_end - p->pos < sizeof(vh)) {
		return fail(p, IGVM_E_HEADER_LENGTH, p->pos);
	}
	__builtin_memcpy(&vh, p->buf + p->pos, sizeof(vh));
	h->offset = p->pos;
	h->raw_type = vh.type;
	h->type = vh.type & ~IGVM_VHT_OPTIONAL_BIT;
	h->length = vh.length;
	payload_end = (uint64_t)p->pos + sizeof(vh) + vh.length;
	if (payload_end > p->vh_end) {
		return fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
	}
	next = (payload_end + IGVM_HEADER_ALIGN - 1) & ~(uint64_t)(IGVM_HEADER_ALIGN - 1);
	if (next > p->vh_end) {
		return fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
	}
	if (!all_zero(p->buf + payload_end, (size_t)(next - payload_end))) {
		return fail(p, IGVM_E_PADDING, payload_end);
	}
	h->payload = p->buf + p->pos + sizeof(vh);
	section = type_section(h->type);
	want = type_length(h->type);
	if (h->type == IGVM_VHT_RESERVED_DO_NOT_USE ||
	    (want == 0 && (vh.type & IGVM_VHT_OPTIONAL_BIT) == 0)) {
		return fail(p, IGVM_E_HEADER_TYPE, p->pos);
	}
	if (section >= 0) {
		if ((uint32_t)section < p->section) {
			return fail(p, IGVM_E_SECTION_ORDER, p->pos);
		}
		p->section = (uint32_t)section;
	}
	if (want != 0) {
		if (vh.length != want) {
			return fail(p, IGVM_E_HEADER_LENGTH, p->pos + offsetof(struct igvm_var_header, length));
		}
		copy = want < sizeof(h->u) ? want : sizeof(h->u);
		__builtin_memcpy(&h->u, h->payload, copy);
		err = check_payload(p, h);
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

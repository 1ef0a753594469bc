/*
 * igvm_payload.c owns what each IGVM variable-header type is and what its payload must
 * hold, for lib/igvm_parse.c: the type's section and fixed length, and the per-type field
 * checks (reserved fields, 4 KiB alignment, compatibility masks against the declared
 * platforms, file data bounds) with the platform and parameter-area bookkeeping they feed.
 * No allocation and no global state: everything is in the caller's struct igvm_parser.
 */
#include "lib/igvm_payload.h"

/* Section of a header type: 0 platform, 1 init, 2 directive, -1 none. */
int igvm_payload_section(uint32_t t)
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
uint32_t igvm_payload_length(uint32_t t)
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
		return igvm_fail(p, IGVM_E_COMPAT_MASK, off);
	}
	return IGVM_OK;
}

/* File data at @file_offset, @need bytes: inside the file-data region. */
static enum igvm_err check_data(struct igvm_parser *p, struct igvm_header *h, uint32_t file_offset,
				uint64_t need, uint64_t want, size_t field_off)
{
	uint64_t avail = 0;

	if (file_offset < p->vh_end || file_offset >= p->len) {
		return igvm_fail(p, IGVM_E_FILE_OFFSET, field_off);
	}
	avail = (uint64_t)p->len - file_offset;
	if (avail < need) {
		return igvm_fail(p, IGVM_E_FILE_OFFSET, field_off);
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
		return igvm_fail(p, IGVM_E_PLATFORM,
				 pl + offsetof(struct igvm_vhs_supported_platform, compatibility_mask));
	}
	if (sp->highest_vtl != 0 && sp->highest_vtl != 2) {
		return igvm_fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, highest_vtl));
	}
	if (sp->platform_type > IGVM_PLATFORM_SEV_ES) {
		return igvm_fail(p, IGVM_E_PLATFORM, pl + offsetof(struct igvm_vhs_supported_platform, platform_type));
	}
	for (i = 0; i < p->platform_count; i++) {
		if (p->platforms[i].type == sp->platform_type) {
			return igvm_fail(p, IGVM_E_PLATFORM,
					 pl + offsetof(struct igvm_vhs_supported_platform, platform_type));
		}
	}
	if (sp->platform_version != IGVM_PLATFORM_VERSION) {
		return igvm_fail(p, IGVM_E_PLATFORM,
				 pl + offsetof(struct igvm_vhs_supported_platform, platform_version));
	}
	if ((sp->platform_type == IGVM_PLATFORM_NATIVE ||
	     sp->platform_type == IGVM_PLATFORM_VSM_ISOLATION) && sp->shared_gpa_boundary != 0) {
		return igvm_fail(p, IGVM_E_PLATFORM,
				 pl + offsetof(struct igvm_vhs_supported_platform, shared_gpa_boundary));
	}
	if (p->platform_count >= IGVM_PARSE_MAX_PLATFORMS) {
		return igvm_fail(p, IGVM_E_LIMIT, h->offset);
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
		return igvm_fail(p, IGVM_E_ALIGNMENT, pl + offsetof(struct igvm_vhs_page_data, gpa));
	}
	err = check_mask(p, pd->compatibility_mask, pl + offsetof(struct igvm_vhs_page_data, compatibility_mask));
	if (err != IGVM_OK) {
		return err;
	}
	/* The reference crate does not define 2 MiB page data yet: reject rather than guess. */
	if ((pd->flags & ~IGVM_PAGE_FLAGS_KNOWN) != 0 || (pd->flags & IGVM_PAGE_FLAG_IS_2MB_PAGE) != 0) {
		return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, flags));
	}
	if (pd->data_type > IGVM_PAGE_DATA_TYPE_CPUID_XF) {
		return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, data_type));
	}
	if (pd->reserved != 0) {
		return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_page_data, reserved));
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
		return igvm_fail(p, IGVM_E_COMPAT_MASK, pl + offsetof(struct igvm_vhs_vp_context, compatibility_mask));
	}
	if (vp->reserved != 0) {
		return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_vp_context, reserved));
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
		return igvm_fail(p, IGVM_E_ALIGNMENT, pl + offsetof(struct igvm_vhs_parameter_area, number_of_bytes));
	}
	if (area_of(p, a->parameter_area_index) != NULL) {
		return igvm_fail(p, IGVM_E_PARAM_AREA,
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
		return igvm_fail(p, IGVM_E_LIMIT, h->offset);
	}
	p->areas[p->area_count].index = a->parameter_area_index;
	p->areas[p->area_count].size = a->number_of_bytes;
	p->areas[p->area_count].inserted = false;
	p->area_count++;
	return IGVM_OK;
}

enum igvm_err igvm_payload_check(struct igvm_parser *p, struct igvm_header *h)
{
	size_t pl = h->offset + sizeof(struct igvm_var_header);
	struct igvm_parse_area *area = NULL;
	enum igvm_err err = IGVM_OK;

	if (is_parameter_type(h->type)) {
		area = area_of(p, h->u.param.parameter_area_index);
		if (area == NULL || area->inserted) {
			return igvm_fail(p, IGVM_E_PARAM_AREA, pl);
		}
		/* Every parameter writes at least a u32 (VP count, environment info). */
		if (area->size < 4 || h->u.param.byte_offset > area->size - 4) {
			return igvm_fail(p, IGVM_E_PARAM_AREA, pl + offsetof(struct igvm_vhs_parameter, byte_offset));
		}
		return IGVM_OK;
	}
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(p, h, pl);
	case IGVM_VHT_GUEST_POLICY:
		if (h->u.policy.reserved != 0) {
			return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_guest_policy, reserved));
		}
		return check_mask(p, h->u.policy.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_guest_policy, compatibility_mask));
	case IGVM_VHT_RELOCATABLE_REGION:
		if (h->u.reloc.flags > 7) {
			return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_relocatable_region, flags));
		}
		return check_mask(p, h->u.reloc.compatibility_mask, pl);
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		if (h->u.pt_reloc.reserved != 0) {
			return igvm_fail(p, IGVM_E_RESERVED,
					 pl + offsetof(struct igvm_vhs_page_table_relocation, reserved));
		}
		return check_mask(p, h->u.pt_reloc.compatibility_mask, pl);
	case IGVM_VHT_PARAMETER_AREA:
		return check_area(p, h, pl);
	case IGVM_VHT_PAGE_DATA:
		return check_page_data(p, h, pl);
	case IGVM_VHT_PARAMETER_INSERT:
		if ((h->u.insert.gpa % IGVM_PAGE_SIZE) != 0) {
			return igvm_fail(p, IGVM_E_ALIGNMENT, pl);
		}
		err = check_mask(p, h->u.insert.compatibility_mask,
				 pl + offsetof(struct igvm_vhs_parameter_insert, compatibility_mask));
		if (err != IGVM_OK) {
			return err;
		}
		area = area_of(p, h->u.insert.parameter_area_index);
		if (area == NULL || area->inserted) {
			return igvm_fail(p, IGVM_E_PARAM_AREA,
					 pl + offsetof(struct igvm_vhs_parameter_insert, parameter_area_index));
		}
		area->inserted = true;
		return IGVM_OK;
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(p, h, pl);
	case IGVM_VHT_REQUIRED_MEMORY:
		if ((h->u.required.gpa % IGVM_PAGE_SIZE) != 0 || h->u.required.number_of_bytes == 0 ||
		    (h->u.required.number_of_bytes % IGVM_PAGE_SIZE) != 0) {
			return igvm_fail(p, IGVM_E_ALIGNMENT, pl);
		}
		if (h->u.required.flags > 1 || h->u.required.reserved != 0) {
			return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_required_memory, flags));
		}
		return check_mask(p, h->u.required.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_required_memory, compatibility_mask));
	case IGVM_VHT_SNP_ID_BLOCK:
		if (!igvm_all_zero(h->u.id_block.reserved, sizeof(h->u.id_block.reserved))) {
			return igvm_fail(p, IGVM_E_RESERVED, pl + offsetof(struct igvm_vhs_snp_id_block, reserved));
		}
		return check_mask(p, h->u.id_block.compatibility_mask, pl);
	case IGVM_VHT_ERROR_RANGE:
		return check_mask(p, h->u.error_range.compatibility_mask,
				  pl + offsetof(struct igvm_vhs_error_range, compatibility_mask));
	default:
		return IGVM_OK; /* opaque payloads: length already checked */
	}
}

/*
 * snp_measure_ovmf.c owns reading untrusted OVMF images (footer GUID table walked
 * backwards from len - 32, SEV metadata "ASEV" descriptors) and the launch digest of a
 * plain QEMU SNP launch of OVMF, as virtee/sev-snp-measure computes it: image pages,
 * metadata sections in table order, then one QEMU reset VMSA per vCPU.
 */
#include "lib/snp_measure_ovmf.h"

#define FOUR_GIB 0x100000000ull

static const uint8_t guid_footer[16] = OVMF_GUID_TABLE_FOOTER;
static const uint8_t guid_reset[16] = OVMF_GUID_SEV_ES_RESET_BLOCK;
static const uint8_t guid_hash_table[16] = OVMF_GUID_SEV_HASH_TABLE_RV;
static const uint8_t guid_metadata[16] = OVMF_GUID_SEV_METADATA;

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v = 0;

	__builtin_memcpy(&v, b, sizeof(v));
	return v;
}

static enum ovmf_err fail(size_t *err_off, enum ovmf_err err, size_t off)
{
	if (err_off != NULL) {
		*err_off = off;
	}
	return err;
}

static enum ovmf_err parse_metadata(const uint8_t *img, size_t len, uint32_t off_from_end,
				    struct ovmf_info *info, size_t *err_off, size_t entry_off)
{
	struct ovmf_sev_metadata_header mh;
	size_t start = 0;
	uint32_t i = 0;

	if (off_from_end > len || len - off_from_end < sizeof(mh) || off_from_end < sizeof(mh)) {
		return fail(err_off, OVMF_E_METADATA, entry_off);
	}
	start = len - off_from_end;
	__builtin_memcpy(&mh, img + start, sizeof(mh));
	if (mh.signature != OVMF_SEV_METADATA_SIGNATURE) {
		return fail(err_off, OVMF_E_METADATA, start);
	}
	if (mh.version != OVMF_SEV_METADATA_VERSION) {
		return fail(err_off, OVMF_E_METADATA, start + offsetof(struct ovmf_sev_metadata_header, version));
	}
	if (mh.num_items > OVMF_MAX_SECTIONS || mh.size > len - start ||
	    mh.size < sizeof(mh) + (uint64_t)mh.num_items * sizeof(struct ovmf_sev_metadata_desc)) {
		return fail(err_off, OVMF_E_METADATA, start + offsetof(struct ovmf_sev_metadata_header, size));
	}
	for (i = 0; i < mh.num_items; i++) {
		size_t d = start + sizeof(mh) + (size_t)i * sizeof(struct ovmf_sev_metadata_desc);
		struct ovmf_sev_metadata_desc *s = &info->sections[i];

		__builtin_memcpy(s, img + d, sizeof(*s));
		switch (s->type) {
		case OVMF_SECTION_SNP_SEC_MEM:
		case OVMF_SECTION_SNP_SECRETS:
		case OVMF_SECTION_CPUID:
		case OVMF_SECTION_SVSM_CAA:
		case OVMF_SECTION_SNP_KERNEL_HASHES:
			break;
		default:
			return fail(err_off, OVMF_E_SECTION, d + offsetof(struct ovmf_sev_metadata_desc, type));
		}
		if ((s->gpa % SNP_PAGE_SIZE) != 0 || (s->size % SNP_PAGE_SIZE) != 0 || s->size == 0 ||
		    (uint64_t)s->gpa + s->size > FOUR_GIB) {
			return fail(err_off, OVMF_E_SECTION, d);
		}
	}
	info->section_count = mh.num_items;
	info->has_metadata = true;
	return OVMF_OK;
}

enum ovmf_err ovmf_parse(const uint8_t *img, size_t len, struct ovmf_info *info, size_t *err_off)
{
	struct ovmf_table_entry_tail tail;
	size_t footer = 0;
	size_t end = 0;
	size_t table_start = 0;
	uint32_t meta_off = 0;
	size_t meta_entry = 0;
	bool have_meta = false;

	__builtin_memset(info, 0, sizeof(*info));
	if (img == NULL || len < OVMF_FOOTER_END_OFFSET + sizeof(tail)) {
		return fail(err_off, OVMF_E_TRUNCATED, len);
	}
	footer = len - OVMF_FOOTER_END_OFFSET - sizeof(tail);
	__builtin_memcpy(&tail, img + footer, sizeof(tail));
	if (__builtin_memcmp(tail.guid, guid_footer, sizeof(guid_footer)) != 0) {
		return fail(err_off, OVMF_E_NO_FOOTER, footer + offsetof(struct ovmf_table_entry_tail, guid));
	}
	if (tail.size < sizeof(tail) || tail.size - sizeof(tail) > footer) {
		return fail(err_off, OVMF_E_TABLE, footer);
	}
	table_start = footer - (tail.size - sizeof(tail));
	end = footer;
	while (end - table_start >= sizeof(tail)) {
		struct ovmf_table_entry_tail e;
		size_t e_off = end - sizeof(tail);
		size_t data = 0;
		size_t data_len = 0;

		__builtin_memcpy(&e, img + e_off, sizeof(e));
		if (e.size < sizeof(e) || e.size > end - table_start) {
			return fail(err_off, OVMF_E_TABLE, e_off);
		}
		data = end - e.size;
		data_len = e.size - sizeof(e);
		if (__builtin_memcmp(e.guid, guid_reset, 16) == 0 && data_len >= 4) {
			info->reset_eip = rd32(img + data);
			info->has_reset_eip = true;
		} else if (__builtin_memcmp(e.guid, guid_hash_table, 16) == 0 && data_len >= 8) {
			info->hash_table_gpa = rd32(img + data);
			info->hash_table_size = rd32(img + data + 4);
			info->has_hash_table = info->hash_table_gpa != 0;
		} else if (__builtin_memcmp(e.guid, guid_metadata, 16) == 0 && data_len >= 4) {
			meta_off = rd32(img + data);
			meta_entry = data;
			have_meta = true;
		}
		end = data;
	}
	if (have_meta) {
		return parse_metadata(img, len, meta_off, info, err_off, meta_entry);
	}
	return OVMF_OK;
}

const char *ovmf_strerror(enum ovmf_err err)
{
	switch (err) {
	case OVMF_OK:
		return "ok";
	case OVMF_E_TRUNCATED:
		return "image too small";
	case OVMF_E_NO_FOOTER:
		return "no OVMF footer table GUID (not an OVMF image?)";
	case OVMF_E_TABLE:
		return "footer table entry out of bounds";
	case OVMF_E_METADATA:
		return "bad SEV metadata (ASEV) block";
	case OVMF_E_SECTION:
		return "bad SEV metadata section";
	case OVMF_E_NO_RESET:
		return "no SEV-ES reset block in the footer table";
	case OVMF_E_NO_HASHES:
		return "kernel hashes requested but OVMF has no SNP_KERNEL_HASHES section or hash table";
	case OVMF_E_PARAM:
		return "bad parameter";
	}
	return "unknown error";
}

static void hash_entry(struct sev_hash_table_entry *e, const uint8_t *guid, const uint8_t *hash)
{
	__builtin_memcpy(e->guid, guid, 16);
	e->length = sizeof(*e);
	__builtin_memcpy(e->hash, hash, 32);
}

enum ovmf_err snp_sev_hashes_page(uint8_t page[SNP_PAGE_SIZE], uint32_t offset,
				  const struct snp_ovmf_launch *launch)
{
	static const uint8_t g_hdr[16] = SEV_GUID_HASH_TABLE_HEADER;
	static const uint8_t g_cmd[16] = SEV_GUID_CMDLINE_ENTRY;
	static const uint8_t g_initrd[16] = SEV_GUID_INITRD_ENTRY;
	static const uint8_t g_kernel[16] = SEV_GUID_KERNEL_ENTRY;
	struct sev_hash_table t;

	if (offset > SNP_PAGE_SIZE - SEV_HASH_TABLE_PADDED_SIZE) {
		return OVMF_E_PARAM;
	}
	__builtin_memset(&t, 0, sizeof(t));
	__builtin_memcpy(t.guid, g_hdr, 16);
	t.length = sizeof(t);
	hash_entry(&t.cmdline, g_cmd, launch->cmdline_sha256);
	hash_entry(&t.initrd, g_initrd, launch->initrd_sha256);
	hash_entry(&t.kernel, g_kernel, launch->kernel_sha256);
	__builtin_memset(page, 0, SNP_PAGE_SIZE);
	__builtin_memcpy(page + offset, &t, sizeof(t));
	return OVMF_OK;
}

static void update_empty_pages(struct snp_ld *ld, uint8_t type, uint64_t gpa, uint32_t size)
{
	uint32_t off = 0;

	for (off = 0; off < size; off += SNP_PAGE_SIZE) {
		snp_ld_update(ld, type, gpa + off, NULL);
	}
}

enum ovmf_err snp_measure_ovmf(const uint8_t *img, size_t len, const struct ovmf_info *info,
			       const struct snp_ovmf_launch *launch, const struct snp_hash_ops *ops,
			       uint8_t ld_out[SNP_LD_SIZE])
{
	struct snp_ld ld;
	struct vmsa v;
	uint64_t base = 0;
	uint32_t i = 0;
	bool hashes_done = false;

	if (len == 0 || (len % SNP_PAGE_SIZE) != 0 || len > FOUR_GIB || launch->vcpus == 0) {
		return OVMF_E_PARAM;
	}
	if (launch->vcpus > 1 && !info->has_reset_eip) {
		return OVMF_E_NO_RESET;
	}
	base = FOUR_GIB - len;
	snp_ld_init(&ld, ops, launch->seed);
	if (launch->seed == NULL) {
		size_t off = 0;

		for (off = 0; off < len; off += SNP_PAGE_SIZE) {
			snp_ld_update_normal(&ld, base + off, img + off);
		}
	}
	for (i = 0; i < info->section_count; i++) {
		const struct ovmf_sev_metadata_desc *s = &info->sections[i];

		switch (s->type) {
		case OVMF_SECTION_SNP_SEC_MEM:
		case OVMF_SECTION_SVSM_CAA:
			update_empty_pages(&ld, SNP_PAGE_TYPE_ZERO, s->gpa, s->size);
			break;
		case OVMF_SECTION_SNP_SECRETS:
			snp_ld_update(&ld, SNP_PAGE_TYPE_SECRETS, s->gpa, NULL);
			break;
		case OVMF_SECTION_CPUID:
			snp_ld_update(&ld, SNP_PAGE_TYPE_CPUID, s->gpa, NULL);
			break;
		case OVMF_SECTION_SNP_KERNEL_HASHES:
			if (launch->has_kernel) {
				/* The VMSA buffer doubles as the hashes page: one 4 KiB frame. */
				uint8_t *page = (uint8_t *)&v;

				if (!info->has_hash_table || s->size != SNP_PAGE_SIZE ||
				    snp_sev_hashes_page(page, info->hash_table_gpa & (SNP_PAGE_SIZE - 1),
							launch) != OVMF_OK) {
					return OVMF_E_NO_HASHES;
				}
				snp_ld_update_normal(&ld, s->gpa, page);
				hashes_done = true;
			} else {
				update_empty_pages(&ld, SNP_PAGE_TYPE_ZERO, s->gpa, s->size);
			}
			break;
		default:
			return OVMF_E_SECTION;
		}
	}
	if (launch->has_kernel && !hashes_done) {
		return OVMF_E_NO_HASHES;
	}
	for (i = 0; i < launch->vcpus; i++) {
		uint32_t eip = i == 0 ? 0xFFFFFFF0u : info->reset_eip;

		snp_vmsa_qemu_reset(&v, eip, launch->cpu_sig, launch->sev_features);
		snp_ld_update_vmsa(&ld, &v);
	}
	__builtin_memcpy(ld_out, ld.ld, SNP_LD_SIZE);
	return OVMF_OK;
}

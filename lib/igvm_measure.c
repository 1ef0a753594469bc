/*
 * igvm_measure.c owns the mapping from IGVM directives to SNP_LAUNCH_UPDATE pages, in
 * the order QEMU issues them and KVM hashes them (see docs/igvm.md, "Measurement"):
 *  - PAGE_DATA: NORMAL (data, or a zero page without data), UNMEASURED, SECRETS, CPUID;
 *    QEMU batches consecutive PAGE_DATA with contiguous GPAs and equal flags, type, mask
 *    and data/no-data status and issues a batch when the next PAGE_DATA breaks it;
 *  - PARAMETER_INSERT: UNMEASURED, one per 4 KiB of the area, issued at once;
 *  - VP_CONTEXT: VMSA pages, measured by KVM at LAUNCH_FINISH after every page.
 * The parse is done in one pass, plus a re-walk of each pending batch from a saved parser
 * copy (no allocation).
 */
#include "lib/igvm_measure.h"

#define RUN_CHUNK 32u

struct run {
	bool active;
	struct igvm_parser start;   /* parser state before the run's first header */
	uint64_t gpa;               /* first page */
	uint64_t count;             /* pages */
	uint32_t flags, mask;
	uint16_t type;
	bool has_data;
};

static uint8_t page_kind(const struct igvm_vhs_page_data *pd, bool native_zero, bool has_data)
{
	if ((pd->flags & IGVM_PAGE_FLAG_UNMEASURED) != 0) {
		return SNP_PAGE_TYPE_UNMEASURED;
	}
	switch (pd->data_type) {
	case IGVM_PAGE_DATA_TYPE_SECRETS:
		return SNP_PAGE_TYPE_SECRETS;
	case IGVM_PAGE_DATA_TYPE_CPUID_DATA:
	case IGVM_PAGE_DATA_TYPE_CPUID_XF:
		return SNP_PAGE_TYPE_CPUID;
	default:
		break;
	}
	if (!has_data && native_zero) {
		return SNP_PAGE_TYPE_ZERO;
	}
	return SNP_PAGE_TYPE_NORMAL;
}

static void count_page(struct igvm_measure_result *res, uint8_t kind, uint64_t n)
{
	switch (kind) {
	case SNP_PAGE_TYPE_NORMAL:
		res->normal_pages += n;
		break;
	case SNP_PAGE_TYPE_ZERO:
		res->zero_pages += n;
		break;
	case SNP_PAGE_TYPE_UNMEASURED:
		res->unmeasured_pages += n;
		break;
	case SNP_PAGE_TYPE_SECRETS:
		res->secrets_pages += n;
		break;
	case SNP_PAGE_TYPE_CPUID:
		res->cpuid_pages += n;
		break;
	default:
		break;
	}
}

/* Issue the pending run: re-walk its PAGE_DATA headers from the saved parser. */
/*
 * Replay a run from its first header. Headers for other platforms may sit between the run's
 * pages (the main loop skipped them without ending the run), so filter by the selected
 * platform (@res->mask) exactly as the main loop did, not by the run's own mask.
 */
static enum igvm_err run_flush(struct run *r, const struct igvm_measure_opts *opts,
			       struct snp_ld *ld, struct igvm_measure_result *res)
{
	const uint8_t *pages[RUN_CHUNK];
	struct igvm_parser p;
	struct igvm_header h;
	uint64_t done = 0;
	uint64_t gpa = r->gpa;
	size_t n = 0;
	uint8_t kind = 0;
	enum igvm_err err = IGVM_OK;

	if (!r->active) {
		return IGVM_OK;
	}
	r->active = false;
	p = r->start;
	while (done < r->count) {
		err = igvm_parse_next(&p, &h);
		if (err != IGVM_OK) {
			return err == IGVM_E_END ? IGVM_E_TRUNCATED : err;
		}
		if (h.type != IGVM_VHT_PAGE_DATA || (h.u.page.compatibility_mask & res->mask) == 0) {
			continue;
		}
		kind = page_kind(&h.u.page, opts->native_zero, h.data != NULL);
		done++;
		if (kind != SNP_PAGE_TYPE_NORMAL) {
			snp_ld_update(ld, kind, h.u.page.gpa, NULL);
			count_page(res, kind, 1);
			continue;
		}
		pages[n++] = h.data;
		if (n == RUN_CHUNK || done == r->count) {
			snp_ld_update_normal_run(ld, gpa, pages, n);
			count_page(res, kind, n);
			gpa += (uint64_t)n * SNP_PAGE_SIZE;
			n = 0;
		}
	}
	return IGVM_OK;
}

static bool run_extends(const struct run *r, const struct igvm_vhs_page_data *pd, bool has_data)
{
	return r->active && pd->gpa == r->gpa + r->count * SNP_PAGE_SIZE && pd->flags == r->flags &&
	       pd->compatibility_mask == r->mask && pd->data_type == r->type && has_data == r->has_data;
}

static enum igvm_err measure_vmsas(const uint8_t *buf, size_t len, struct snp_ld *ld,
				   struct igvm_measure_result *res, size_t *err_offset)
{
	struct igvm_parser p;
	struct igvm_header h;
	uint64_t next_vp = 0;
	enum igvm_err err = igvm_parse_open(&p, buf, len);

	while (err == IGVM_OK) {
		err = igvm_parse_next(&p, &h);
		if (err != IGVM_OK) {
			break;
		}
		if (h.type == IGVM_VHT_VP_CONTEXT && h.u.vp.compatibility_mask == res->mask) {
			if (h.data_len < SNP_PAGE_SIZE) {
				return IGVM_E_FILE_OFFSET;
			}
			/* KVM measures VMSAs in vCPU index order; hashing them in file order
			 * is only right when the file lists them that way, so demand it. */
			if (h.u.vp.vp_index < next_vp) {
				*err_offset = h.offset;
				return IGVM_E_VP_ORDER;
			}
			next_vp = (uint64_t)h.u.vp.vp_index + 1;
			if (h.u.vp.gpa != SNP_VMSA_GPA) {
				res->vmsa_gpa_not_kvm = true;
			}
			snp_ld_update_vmsa(ld, h.data);
			res->vmsa_pages++;
		}
	}
	return err == IGVM_E_END ? IGVM_OK : err;
}

enum igvm_err igvm_measure_snp(const uint8_t *buf, size_t len, const struct igvm_measure_opts *opts,
			       const struct snp_hash_ops *ops, struct igvm_measure_result *res,
			       size_t *err_off)
{
	struct igvm_parser p;
	struct igvm_parser before;
	struct igvm_header h;
	struct snp_ld ld;
	struct run r;
	enum igvm_err err = IGVM_OK;
	uint64_t off = 0;

	__builtin_memset(res, 0, sizeof(*res));
	__builtin_memset(&r, 0, sizeof(r));
	snp_ld_init(&ld, ops, NULL);
	err = igvm_parse_open(&p, buf, len);
	if (err != IGVM_OK) {
		goto out;
	}
	for (;;) {
		before = p;
		err = igvm_parse_next(&p, &h);
		if (err != IGVM_OK) {
			break;
		}
		if (h.type == IGVM_VHT_SUPPORTED_PLATFORM) {
			continue;
		}
		if (res->mask == 0) {
			/* The platform section is over: pick the platform now. */
			res->mask = opts->platform_mask != 0 ? opts->platform_mask
							     : igvm_parse_platform_mask(&p, IGVM_PLATFORM_SEV_SNP);
			if (res->mask == 0 || (res->mask & p.all_masks) != res->mask ||
			    (res->mask & (res->mask - 1)) != 0) {
				p.err_offset = p.vh_start;
				err = IGVM_E_COMPAT_MASK;
				goto out;
			}
		}
		switch (h.type) {
		case IGVM_VHT_GUEST_POLICY:
			if ((h.u.policy.compatibility_mask & res->mask) != 0) {
				res->has_policy = true;
				res->policy = h.u.policy.policy;
			}
			break;
		case IGVM_VHT_SNP_ID_BLOCK:
			if ((h.u.id_block.compatibility_mask & res->mask) != 0) {
				res->has_id_block = true;
				__builtin_memcpy(res->id_block_ld, h.u.id_block.ld, SNP_LD_SIZE);
			}
			break;
		case IGVM_VHT_PARAMETER_INSERT:
			if ((h.u.insert.compatibility_mask & res->mask) == 0) {
				break;
			}
			/* Issued immediately, i.e. ahead of a still-pending page run. */
			for (off = 0; off < igvm_parse_area_size(&p, h.u.insert.parameter_area_index);
			     off += SNP_PAGE_SIZE) {
				snp_ld_update(&ld, SNP_PAGE_TYPE_UNMEASURED, h.u.insert.gpa + off, NULL);
				res->unmeasured_pages++;
			}
			break;
		case IGVM_VHT_PAGE_DATA:
			if ((h.u.page.compatibility_mask & res->mask) == 0) {
				break;
			}
			if (run_extends(&r, &h.u.page, h.data != NULL)) {
				r.count++;
				break;
			}
			err = run_flush(&r, opts, &ld, res);
			if (err != IGVM_OK) {
				goto out;
			}
			r.active = true;
			r.start = before;
			r.gpa = h.u.page.gpa;
			r.count = 1;
			r.flags = h.u.page.flags;
			r.mask = h.u.page.compatibility_mask;
			r.type = h.u.page.data_type;
			r.has_data = h.data != NULL;
			break;
		default:
			break;
		}
	}
	if (err != IGVM_E_END) {
		goto out;
	}
	err = run_flush(&r, opts, &ld, res);
	if (err != IGVM_OK) {
		goto out;
	}
	if (res->mask == 0) {
		err = IGVM_E_COMPAT_MASK;
		p.err_offset = p.vh_start;
		goto out;
	}
	err = measure_vmsas(buf, len, &ld, res, &p.err_offset);
	if (err == IGVM_OK) {
		__builtin_memcpy(res->ld, ld.ld, SNP_LD_SIZE);
	}
out:
	if (err != IGVM_OK && err_off != NULL) {
		*err_off = igvm_parse_error_offset(&p);
	}
	return err;
}

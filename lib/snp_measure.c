/*
 * snp_measure.c owns the SEV-SNP launch-digest arithmetic: PAGE_INFO records and the
 * SHA-384 chain over them (AMD SEV-SNP ABI #56860, SNP_LAUNCH_UPDATE), the x86 reset state
 * of an SNP VMSA (the one copy: the SVSM's firmware VMSA in kernel/platform/snp/vmsa_snp.c
 * starts from it too), the reset VMSA QEMU/KVM measure for a plain OVMF launch (as
 * virtee/sev-snp-measure models it), CPU
 * signatures and the unsigned ID block. Hashing is delegated to struct snp_hash_ops.
 */
#include "lib/snp_measure.h"

const uint8_t snp_zero_page_sha384[SNP_LD_SIZE] = {
	0xc0, 0xe5, 0x9a, 0x3e, 0x3f, 0xfb, 0xd3, 0xb5, 0xc7, 0x54, 0x28, 0xfb,
	0x36, 0x43, 0x2f, 0xac, 0xab, 0xc7, 0x45, 0x94, 0x42, 0x96, 0xff, 0x51,
	0x5f, 0x73, 0x7c, 0x4f, 0xef, 0x4e, 0xfc, 0x64, 0x58, 0x68, 0x09, 0xf7,
	0xa1, 0x6f, 0x56, 0x35, 0x4a, 0x1e, 0xae, 0xcf, 0x2a, 0xa8, 0xd7, 0x74,
};

/* Pages handed to ops->sha384_pages at once. */
#define SNP_RUN_BATCH 32u

void snp_ld_init(struct snp_ld *ld, const struct snp_hash_ops *ops, const uint8_t *seed)
{
	__builtin_memset(ld, 0, sizeof(*ld));
	ld->ops = ops;
	if (seed != NULL) {
		__builtin_memcpy(ld->ld, seed, SNP_LD_SIZE);
	}
}

void snp_page_info_fill(struct snp_page_info *pi, const uint8_t digest_cur[SNP_LD_SIZE],
			const uint8_t *contents, uint8_t page_type, uint64_t gpa)
{
	__builtin_memset(pi, 0, sizeof(*pi));
	__builtin_memcpy(pi->digest_cur, digest_cur, SNP_LD_SIZE);
	if (contents != NULL) {
		__builtin_memcpy(pi->contents, contents, SNP_LD_SIZE);
	}
	pi->length = sizeof(*pi);
	pi->page_type = page_type;
	pi->gpa = gpa;
}

void snp_ld_update(struct snp_ld *ld, uint8_t page_type, uint64_t gpa, const uint8_t *contents)
{
	struct snp_page_info pi;

	snp_page_info_fill(&pi, ld->ld, contents, page_type, gpa);
	ld->ops->sha384(ld->ops->ctx, &pi, sizeof(pi), ld->ld);
	ld->updates++;
}

void snp_ld_update_normal(struct snp_ld *ld, uint64_t gpa, const uint8_t *page)
{
	uint8_t h[SNP_LD_SIZE];

	if (page == NULL) {
		snp_ld_update(ld, SNP_PAGE_TYPE_NORMAL, gpa, snp_zero_page_sha384);
		return;
	}
	ld->ops->sha384(ld->ops->ctx, page, SNP_PAGE_SIZE, h);
	snp_ld_update(ld, SNP_PAGE_TYPE_NORMAL, gpa, h);
}

void snp_ld_update_normal_run(struct snp_ld *ld, uint64_t gpa, const uint8_t *const *pages,
			      size_t count)
{
	uint8_t hashes[SNP_RUN_BATCH][SNP_LD_SIZE];
	const uint8_t *batch[SNP_RUN_BATCH];
	size_t done = 0;

	while (done < count) {
		size_t n = 0;
		size_t with_data = 0;
		size_t i = 0;

		n = count - done < SNP_RUN_BATCH ? count - done : SNP_RUN_BATCH;
		for (i = 0; i < n; i++) {
			if (pages[done + i] != NULL) {
				batch[with_data++] = pages[done + i];
			}
		}
		if (ld->ops->sha384_pages != NULL) {
			ld->ops->sha384_pages(ld->ops->ctx, batch, with_data, hashes);
		} else {
			for (i = 0; i < with_data; i++) {
				ld->ops->sha384(ld->ops->ctx, batch[i], SNP_PAGE_SIZE, hashes[i]);
			}
		}
		with_data = 0;
		for (i = 0; i < n; i++) {
			const uint8_t *c = snp_zero_page_sha384;

			if (pages[done + i] != NULL) {
				c = hashes[with_data++];
			}
			snp_ld_update(ld, SNP_PAGE_TYPE_NORMAL, gpa + (uint64_t)(done + i) * SNP_PAGE_SIZE, c);
		}
		done += n;
	}
}

void snp_ld_update_vmsa(struct snp_ld *ld, const void *vmsa_page)
{
	uint8_t h[SNP_LD_SIZE];

	ld->ops->sha384(ld->ops->ctx, vmsa_page, SNP_PAGE_SIZE, h);
	snp_ld_update(ld, SNP_PAGE_TYPE_VMSA, SNP_VMSA_GPA, h);
}

uint32_t snp_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping)
{
	uint32_t family_low = family;
	uint32_t family_high = 0;

	if (family > 0xF) {
		family_low = 0xF;
		family_high = (family - 0xF) & 0xFF;
	}
	return (family_high << 20) | (((model >> 4) & 0xF) << 16) | (family_low << 8) |
	       ((model & 0xF) << 4) | (stepping & 0xF);
}

void snp_vmsa_seg_set(struct vmsa_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit,
		      uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

void snp_vmsa_reset(struct vmsa *v, uint32_t eip)
{
	__builtin_memset(v, 0, sizeof(*v));
	/* Real mode at the reset vector: CS.base holds the upper bits, RIP the low 16. */
	snp_vmsa_seg_set(&v->es, 0, 0x93, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->cs, 0xF000, 0x9B, 0xFFFF, eip & 0xFFFF0000u);
	snp_vmsa_seg_set(&v->ss, 0, 0x93, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->ds, 0, 0x93, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->fs, 0, 0x93, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->gs, 0, 0x93, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->gdtr, 0, 0, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->idtr, 0, 0, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->ldtr, 0, 0x82, 0xFFFF, 0);
	snp_vmsa_seg_set(&v->tr, 0, 0x8B, 0xFFFF, 0);
	v->efer = VMSA_EFER_SVME; /* required for a runnable SNP VMSA; KVM sets it too */
	v->dr7 = 0x400;
	v->dr6 = 0xFFFF0FF0;
	v->rflags = 0x2;
	v->rip = eip & 0xFFFF;
	v->g_pat = 0x0007040600070406ull;
	v->xcr0 = 0x1;
	v->mxcsr = 0x1F80;
}

void snp_vmsa_qemu_reset(struct vmsa *v, uint32_t eip, uint32_t cpu_sig, uint64_t sev_features)
{
	snp_vmsa_reset(v, eip);
	v->cr4 = 0x40;              /* KVM sets CR4.MCE */
	v->cr0 = 0x10;              /* CR0.ET */
	v->rdx = cpu_sig;
	v->sev_features = sev_features;
	v->x87_fcw = 0x37F;
}

void snp_id_block_fill(struct snp_id_block *b, const uint8_t ld[SNP_LD_SIZE],
		       const uint8_t family_id[16], const uint8_t image_id[16], uint32_t guest_svn,
		       uint64_t policy)
{
	__builtin_memset(b, 0, sizeof(*b));
	__builtin_memcpy(b->ld, ld, SNP_LD_SIZE);
	if (family_id != NULL) {
		__builtin_memcpy(b->family_id, family_id, sizeof(b->family_id));
	}
	if (image_id != NULL) {
		__builtin_memcpy(b->image_id, image_id, sizeof(b->image_id));
	}
	b->version = SNP_ID_BLOCK_VERSION;
	b->guest_svn = guest_svn;
	b->policy = policy;
}

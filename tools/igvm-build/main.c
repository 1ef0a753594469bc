/*
 * igvm-build: host tool that packs the SVSM kernel ELF (and optionally OVMF and a command
 * line) into an IGVM file for SEV-SNP and NATIVE. It owns the guest-physical layout and
 * directive order documented in docs/igvm.md; the file being assembled is out.c, byte
 * encoding lib/igvm_build.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/igvm_build.h"
#include "lib/snp_measure_ovmf.h"
#include "svsm/abi/boot_params.h"
#include "svsm/abi/igvm.h"
#include "svsm/abi/vmsa.h"
#include "tools/igvm-build/elf.h"
#include "tools/igvm-build/out.h"
#include "tools/igvm-common/host.h"

#define PROG "igvm-build"
#define PAGE 4096ull
#define FOUR_GIB 0x100000000ull
#define MASK_SNP 0x1u     /* COCONUT's bit assignment */
#define MASK_NATIVE 0x2u
#define AREA_GENERAL 0u
#define AREA_MEMMAP 1u

/* Pages placed right after the kernel image, in this order. */
enum { PG_BOOT_PARAMS, PG_AREA_GENERAL, PG_AREA_MEMMAP, PG_SECRETS, PG_CPUID, PG_COUNT };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " -o OUT.igvm [options] KERNEL.elf\n"
		"Pack a PVH ELF64 kernel (PT_LOAD p_paddr = load address) into an IGVM file.\n"
		"  -o, --output FILE       IGVM file to write (required)\n"
		"  -f, --firmware FILE     guest firmware (e.g. OVMF.fd), placed to end at 4 GiB\n"
		"  -c, --cmdline STRING    kernel command line (max %u bytes)\n"
		"  -p, --platforms LIST    snp,native (default); snp-only files are format v1\n"
		"      --policy N          SNP guest policy (default 0x30000)\n"
		"      --sev-features N    VMSA sev_features (default 0x1 = SNP only)\n"
		"  -h, --help              this help\n"
		"Exit status: 0 on success, 1 on bad input, 2 on bad usage.\n",
		SVSM_BOOT_PARAMS_CMDLINE_SIZE - 1);
}


static void seg(struct vmsa_seg *s, uint16_t sel, uint16_t attr, uint32_t limit)
{
	s->selector = sel;
	s->attrib = attr;
	s->limit = limit;
	s->base = 0;
}

/* Initial SNP VMSA: flat 32-bit protected mode at the kernel entry, EBX = boot params. */
static void snp_vmsa(struct vmsa *v, uint64_t entry, uint64_t params, uint64_t features)
{
	memset(v, 0, sizeof(*v));
	seg(&v->cs, 0x08, 0xC9B, 0xFFFFFFFF);
	seg(&v->ds, 0x10, 0xC93, 0xFFFFFFFF);
	seg(&v->es, 0x10, 0xC93, 0xFFFFFFFF);
	seg(&v->fs, 0x10, 0xC93, 0xFFFFFFFF);
	seg(&v->gs, 0x10, 0xC93, 0xFFFFFFFF);
	seg(&v->ss, 0x10, 0xC93, 0xFFFFFFFF);
	seg(&v->ldtr, 0, 0x82, 0xFFFF);
	seg(&v->tr, 0, 0x8B, 0xFFFF);
	v->cr0 = 0x31;      /* PE | ET | NE */
	v->cr4 = 0x40;      /* MCE */
	v->efer = VMSA_EFER_SVME;
	v->rflags = 0x2;
	v->rip = entry;
	v->rbx = params;
	v->dr6 = 0xFFFF0FF0;
	v->dr7 = 0x400;
	v->g_pat = 0x0007040600070406ull;
	v->xcr0 = 0x1;
	v->mxcsr = 0x1F80;
	v->x87_fcw = 0x37F;
	v->sev_features = features;
}

static void native_ctx(struct igvm_native_vp_context *c, uint64_t entry, uint64_t params)
{
	memset(c, 0, sizeof(*c));
	c->rip = entry;
	c->rbx = params;
	c->rflags = 0x2;
	c->cr0 = 0x11;      /* PE | ET */
	c->code = (struct igvm_native_segment){ .selector = 0x08, .attributes = 0xC9B, .base = 0, .limit = 0xFFFFFFFF };
	c->data = (struct igvm_native_segment){ .selector = 0x10, .attributes = 0xC93, .base = 0, .limit = 0xFFFFFFFF };
}

struct opts {
	const char *output, *firmware, *cmdline, *kernel;
	bool snp, native;
	uint64_t policy, sev_features;
};

/* "snp", "native" or both, comma-separated. */
static bool parse_platforms(const char *list, struct opts *o)
{
	char buf[64];
	char *save = NULL;
	char *tok = NULL;

	if (strlen(list) >= sizeof(buf)) {
		return false;
	}
	strcpy(buf, list);
	o->snp = o->native = false;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "snp") == 0) {
			o->snp = true;
		} else if (strcmp(tok, "native") == 0) {
			o->native = true;
		} else {
			return false;
		}
	}
	return o->snp || o->native;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' }, { "firmware", required_argument, NULL, 'f' },
		{ "cmdline", required_argument, NULL, 'c' }, { "platforms", required_argument, NULL, 'p' },
		{ "policy", required_argument, NULL, 'P' }, { "sev-features", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c = 0;

	memset(o, 0, sizeof(*o));
	o->snp = o->native = true;
	o->policy = 0x30000;
	o->sev_features = 0x1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:c:p:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'f': o->firmware = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'p':
			if (!parse_platforms(optarg, o)) {
				fprintf(stderr, PROG ": --platforms: expected a list of snp,native, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'P':
			if (!host_parse_u64(optarg, &o->policy) || (o->policy & (1ull << 17)) == 0) {
				fprintf(stderr, PROG ": --policy: bad SNP policy '%s' (bit 17 must be set)\n", optarg);
				return 2;
			}
			break;
		case 'S':
			if (!host_parse_u64(optarg, &o->sev_features) || (o->sev_features & 1) == 0) {
				fprintf(stderr, PROG ": --sev-features: bad value '%s' (bit 0, SNP, must be set)\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); exit(0);
		case ':':
			fprintf(stderr, PROG ": option '%s' needs an argument\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, PROG ": unknown option '%s' (try --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": expected exactly one kernel ELF argument (try --help)\n");
		return 2;
	}
	o->kernel = argv[optind];
	if (o->output == NULL) {
		fprintf(stderr, PROG ": --output is required (try --help)\n");
		return 2;
	}
	if (o->cmdline != NULL && strlen(o->cmdline) >= SVSM_BOOT_PARAMS_CMDLINE_SIZE) {
		fprintf(stderr, PROG ": --cmdline longer than %u bytes\n", SVSM_BOOT_PARAMS_CMDLINE_SIZE - 1);
		return 2;
	}
	return 0;
}

/**
 * struct layout - where everything goes.
 * @svsm_end: first GPA after the SVSM region (kernel + PG_COUNT pages).
 */
struct layout {
	uint64_t page[PG_COUNT];
	uint64_t svsm_end;
	uint64_t fw_gpa, fw_size;
	struct ovmf_info ovmf;
	bool ovmf_ok;
};

static void fill_params(struct svsm_boot_params *bp, const struct opts *o, const struct kernel_image *k,
			const struct layout *l, uint8_t platform)
{
	memset(bp, 0, sizeof(*bp));
	bp->magic = SVSM_BOOT_PARAMS_MAGIC;
	bp->version = SVSM_BOOT_PARAMS_VERSION;
	bp->platform = platform;
	bp->size = sizeof(*bp);
	bp->memory_map_gpa = l->page[PG_AREA_MEMMAP];
	bp->memory_map_size = PAGE;
	bp->param_area_gpa = l->page[PG_AREA_GENERAL];
	bp->param_area_size = PAGE;
	bp->vp_count_gpa = l->page[PG_AREA_GENERAL];
	bp->kernel_gpa = k->gpa;
	bp->kernel_size = k->size;
	bp->kernel_entry = k->entry;
	bp->svsm_region_gpa = k->gpa;
	bp->svsm_region_size = l->svsm_end - k->gpa;
	if (l->fw_size != 0) {
		bp->flags |= SVSM_BOOT_FLAG_FIRMWARE;
		bp->firmware_gpa = l->fw_gpa;
		bp->firmware_size = l->fw_size;
	}
	if (l->ovmf_ok) {
		uint32_t i = 0;

		bp->flags |= SVSM_BOOT_FLAG_FW_SEV_META;
		bp->fw_reset_eip = l->ovmf.has_reset_eip ? l->ovmf.reset_eip : 0;
		for (i = 0; i < l->ovmf.section_count; i++) {
			const struct ovmf_sev_metadata_desc *s = &l->ovmf.sections[i];

			if (s->type == OVMF_SECTION_SNP_SECRETS) {
				bp->fw_secrets_gpa = s->gpa;
			} else if (s->type == OVMF_SECTION_CPUID) {
				bp->fw_cpuid_gpa = s->gpa;
			} else if (s->type == OVMF_SECTION_SVSM_CAA) {
				bp->fw_caa_gpa = s->gpa;
			}
		}
	}
	if (platform == SVSM_BOOT_PLATFORM_SEV_SNP) {
		bp->cpuid_page_gpa = l->page[PG_CPUID];
		bp->secrets_page_gpa = l->page[PG_SECRETS];
	}
	bp->cmdline_offset = SVSM_BOOT_PARAMS_CMDLINE_OFFSET;
	bp->cmdline_size = SVSM_BOOT_PARAMS_CMDLINE_SIZE;
	if (o->cmdline != NULL) {
		memcpy(bp->cmdline, o->cmdline, strlen(o->cmdline));
	}
}

static void put_area(struct out *o, uint32_t index, uint32_t mask, uint64_t gpa,
		     uint32_t param_type1, uint32_t off1, uint32_t param_type2, uint32_t off2)
{
	struct igvm_vhs_parameter_area a = { .number_of_bytes = PAGE, .parameter_area_index = index };
	struct igvm_vhs_parameter p = { .parameter_area_index = index };
	struct igvm_vhs_parameter_insert ins = { .gpa = gpa, .compatibility_mask = mask,
						 .parameter_area_index = index };

	out_put_hdr(o, IGVM_VHT_PARAMETER_AREA, &a, sizeof(a), -1);
	p.byte_offset = off1;
	out_put_hdr(o, param_type1, &p, sizeof(p), -1);
	if (param_type2 != 0) {
		p.byte_offset = off2;
		out_put_hdr(o, param_type2, &p, sizeof(p), -1);
	}
	out_put_hdr(o, IGVM_VHT_PARAMETER_INSERT, &ins, sizeof(ins), -1);
}

/* Emit every header in QEMU/KVM measurement order (docs/igvm.md, "Directive order"). */
static void emit(struct out *o, const struct opts *op, const struct kernel_image *k,
		 const struct layout *l, const struct host_file *fw)
{
	uint32_t all = (op->snp ? MASK_SNP : 0) | (op->native ? MASK_NATIVE : 0);
	struct igvm_vhs_supported_platform sp = { .platform_version = IGVM_PLATFORM_VERSION };
	static struct svsm_boot_params bp;
	static struct snp_cpuid_page cpuid;
	static uint8_t ctx_page[PAGE];
	uint64_t off = 0;

	if (op->snp) {
		sp.compatibility_mask = MASK_SNP;
		sp.platform_type = IGVM_PLATFORM_SEV_SNP;
		out_put_hdr(o, IGVM_VHT_SUPPORTED_PLATFORM, &sp, sizeof(sp), -1);
	}
	if (op->native) {
		sp.compatibility_mask = MASK_NATIVE;
		sp.platform_type = IGVM_PLATFORM_NATIVE;
		out_put_hdr(o, IGVM_VHT_SUPPORTED_PLATFORM, &sp, sizeof(sp), -1);
	}
	if (op->snp) {
		struct igvm_vhs_guest_policy pol = { .policy = op->policy, .compatibility_mask = MASK_SNP };

		out_put_hdr(o, IGVM_VHT_GUEST_POLICY, &pol, sizeof(pol), -1);
	}
	/* Non-page directives first: QEMU would otherwise measure them ahead of a page run. */
	put_area(o, AREA_GENERAL, all, l->page[PG_AREA_GENERAL], IGVM_VHT_VP_COUNT_PARAMETER, 0,
		 IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 4);
	put_area(o, AREA_MEMMAP, all, l->page[PG_AREA_MEMMAP], IGVM_VHT_MEMORY_MAP, 0, 0, 0);
	/* Pages by ascending GPA: kernel, boot parameters, secrets, CPUID, firmware. */
	for (off = 0; off < k->size; off += PAGE) {
		if (k->present[off / PAGE]) {
			out_put_page(o, k->gpa + off, all, k->bytes + off, IGVM_PAGE_DATA_TYPE_NORMAL);
		}
	}
	if (op->snp) {
		fill_params(&bp, op, k, l, SVSM_BOOT_PLATFORM_SEV_SNP);
		out_put_page(o, l->page[PG_BOOT_PARAMS], MASK_SNP, (const uint8_t *)&bp, IGVM_PAGE_DATA_TYPE_NORMAL);
	}
	if (op->native) {
		fill_params(&bp, op, k, l, SVSM_BOOT_PLATFORM_NATIVE);
		out_put_page(o, l->page[PG_BOOT_PARAMS], MASK_NATIVE, (const uint8_t *)&bp, IGVM_PAGE_DATA_TYPE_NORMAL);
	}
	if (op->snp) {
		out_put_page(o, l->page[PG_SECRETS], MASK_SNP, NULL, IGVM_PAGE_DATA_TYPE_SECRETS);
		/* An empty table: QEMU refills the CPUID page from KVM's CPUID before launch. */
		memset(&cpuid, 0, sizeof(cpuid));
		out_put_page(o, l->page[PG_CPUID], MASK_SNP, (const uint8_t *)&cpuid, IGVM_PAGE_DATA_TYPE_CPUID_DATA);
	}
	for (off = 0; off < l->fw_size; off += PAGE) {
		out_put_page(o, l->fw_gpa + off, all, fw->data + off, IGVM_PAGE_DATA_TYPE_NORMAL);
	}
	/* VP contexts last: KVM measures VMSAs at LAUNCH_FINISH, after every page. */
	if (op->snp) {
		struct igvm_vhs_vp_context vp = { .gpa = SNP_VMSA_GPA, .compatibility_mask = MASK_SNP };

		snp_vmsa((struct vmsa *)ctx_page, k->entry, l->page[PG_BOOT_PARAMS], op->sev_features);
		vp.file_offset = out_put_data(o, ctx_page, PAGE);
		out_put_hdr(o, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp), offsetof(struct igvm_vhs_vp_context, file_offset));
	}
	if (op->native) {
		struct igvm_vhs_vp_context vp = { .gpa = 0, .compatibility_mask = MASK_NATIVE };

		memset(ctx_page, 0, sizeof(ctx_page));
		native_ctx((struct igvm_native_vp_context *)ctx_page, k->entry, l->page[PG_BOOT_PARAMS]);
		vp.file_offset = out_put_data(o, ctx_page, PAGE);
		out_put_hdr(o, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp), offsetof(struct igvm_vhs_vp_context, file_offset));
	}
}


static bool plan(const struct opts *op, const struct kernel_image *k, const struct host_file *fw,
		 struct layout *l)
{
	unsigned i = 0;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < PG_COUNT; i++) {
		l->page[i] = k->gpa + k->size + i * PAGE;
	}
	l->svsm_end = k->gpa + k->size + PG_COUNT * PAGE;
	if (l->svsm_end > FOUR_GIB) {
		fprintf(stderr, PROG ": %s: kernel too close to 4 GiB for the boot pages\n", op->kernel);
		return false;
	}
	if (fw == NULL) {
		return true;
	}
	if (fw->len == 0 || (fw->len % PAGE) != 0 || fw->len > (256ull << 20)) {
		fprintf(stderr, PROG ": %s: firmware size %zu is not a non-zero multiple of 4 KiB up to 256 MiB\n",
			op->firmware, fw->len);
		return false;
	}
	l->fw_size = fw->len;
	l->fw_gpa = FOUR_GIB - fw->len;
	if (l->fw_gpa < l->svsm_end) {
		fprintf(stderr, PROG ": %s: firmware [0x%llx, 4 GiB) overlaps the SVSM region ending at 0x%llx\n",
			op->firmware, (unsigned long long)l->fw_gpa, (unsigned long long)l->svsm_end);
		return false;
	}
	{
		size_t eoff = 0;
		enum ovmf_err e = ovmf_parse(fw->data, fw->len, &l->ovmf, &eoff);

		l->ovmf_ok = e == OVMF_OK;
		if (e != OVMF_OK && e != OVMF_E_NO_FOOTER) {
			fprintf(stderr, PROG ": %s: warning: OVMF footer unreadable (%s at offset 0x%zx); "
				"firmware placed without SEV metadata\n", op->firmware, ovmf_strerror(e), eoff);
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	struct opts op;
	struct host_file kf, fwf;
	struct kernel_image k;
	struct layout l;
	struct out o;
	int rc = parse_args(argc, argv, &op);

	if (rc != 0) {
		return rc;
	}
	memset(&o, 0, sizeof(o));
	memset(&fwf, 0, sizeof(fwf));
	if (!host_file_load(PROG, op.kernel, &kf)) {
		return 1;
	}
	if (!elf_load_kernel(PROG, op.kernel, kf.data, kf.len, &k)) {
		host_file_unload(&kf);
		return 1;
	}
	rc = 1;
	if (op.firmware != NULL && !host_file_load(PROG, op.firmware, &fwf)) {
		goto out;
	}
	if (!plan(&op, &k, op.firmware != NULL ? &fwf : NULL, &l)) {
		goto out;
	}
	emit(&o, &op, &k, &l, &fwf);
	/* NATIVE VP contexts exist only in format version 2 (as COCONUT's builder does). */
	rc = out_write(op.output, &o, op.native ? IGVM_FORMAT_VERSION_2 : IGVM_FORMAT_VERSION_1);
out:
	out_free(&o);
	elf_free_kernel(&k);
	host_file_unload(&kf);
	if (op.firmware != NULL) {
		host_file_unload(&fwf);
	}
	return rc;
}

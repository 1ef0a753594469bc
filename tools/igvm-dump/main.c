/*
 * igvm-dump: host tool that validates an IGVM file with lib/igvm_parse.c and prints its
 * fixed header and every variable header. Any defect is reported with its file offset
 * and a non-zero exit status.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/igvm_parse.h"
#include "svsm/abi/boot_params.h"
#include "svsm/abi/vmsa.h"
#include "tools/igvm-common/host.h"

#define PROG "igvm-dump"

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-q] FILE.igvm\n"
		   "Validate an IGVM file (checksum and every header) and print its headers.\n"
		   "  -q, --quiet     only validate; print nothing on success\n"
		   "  -v, --verbose   also decode boot parameter pages and VP contexts\n"
		   "  -h, --help      this help\n"
		   "Exit status: 0 valid, 1 invalid or unreadable file, 2 bad usage.\n");
}

static const char *platform_name(uint8_t t)
{
	static const char *const names[] = { "NATIVE", "VSM_ISOLATION", "SEV_SNP", "TDX", "SEV", "SEV_ES" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void dump_page(const struct igvm_header *h, bool verbose)
{
	static const char *const types[] = { "NORMAL", "SECRETS", "CPUID_DATA", "CPUID_XF" };
	const struct igvm_vhs_page_data *p = &h->u.page;
	struct svsm_boot_params bp;

	printf("  gpa=0x%" PRIx64 " mask=0x%x type=%s flags=0x%x%s%s file_offset=0x%x%s\n", p->gpa,
	       p->compatibility_mask, types[p->data_type], p->flags,
	       (p->flags & IGVM_PAGE_FLAG_UNMEASURED) ? " UNMEASURED" : "",
	       (p->flags & IGVM_PAGE_FLAG_SHARED) ? " SHARED" : "", p->file_offset,
	       p->file_offset == 0 ? " (zero page)" : "");
	if (!verbose || h->data == NULL) {
		return;
	}
	memcpy(&bp, h->data, sizeof(bp));
	if (bp.magic == SVSM_BOOT_PARAMS_MAGIC) {
		bp.cmdline[sizeof(bp.cmdline) - 1] = '\0';
		printf("    svsm boot params v%u platform=%s kernel=0x%" PRIx64 "+0x%" PRIx64 " entry=0x%" PRIx64
		       "\n    memory_map=0x%" PRIx64 " vp_count=0x%" PRIx64 " firmware=0x%" PRIx64 "+0x%" PRIx64
		       " cpuid=0x%" PRIx64 " secrets=0x%" PRIx64 "\n    cmdline=\"%s\"\n",
		       bp.version, platform_name(bp.platform), bp.kernel_gpa, bp.kernel_size, bp.kernel_entry,
		       bp.memory_map_gpa, bp.vp_count_gpa, bp.firmware_gpa, bp.firmware_size, bp.cpuid_page_gpa,
		       bp.secrets_page_gpa, bp.cmdline);
	}
}

static void dump_vp(const struct igvm_header *h, bool verbose)
{
	const struct igvm_vhs_vp_context *vp = &h->u.vp;

	printf("  gpa=0x%" PRIx64 " mask=0x%x vp_index=%u file_offset=0x%x format=%s\n", vp->gpa,
	       vp->compatibility_mask, vp->vp_index, vp->file_offset, platform_name(h->platform));
	if (verbose && h->platform == IGVM_PLATFORM_SEV_SNP) {
		struct vmsa v;

		memcpy(&v, h->data, sizeof(v));
		printf("    vmsa rip=0x%" PRIx64 " rbx=0x%" PRIx64 " cr0=0x%" PRIx64 " cr4=0x%" PRIx64
		       " efer=0x%" PRIx64 " cs=0x%x/0x%x sev_features=0x%" PRIx64 "\n",
		       v.rip, v.rbx, v.cr0, v.cr4, v.efer, v.cs.selector, v.cs.attrib, v.sev_features);
	} else if (verbose && h->platform == IGVM_PLATFORM_NATIVE) {
		struct igvm_native_vp_context c;

		memcpy(&c, h->data, sizeof(c));
		printf("    native rip=0x%" PRIx64 " rbx=0x%" PRIx64 " cr0=0x%" PRIx64 " efer=0x%" PRIx64 "\n",
		       c.rip, c.rbx, c.cr0, c.efer);
	}
}

static void dump_header(const struct igvm_header *h, bool verbose)
{
	const char *name = igvm_header_name(h->type);

	printf("[0x%06zx] %s (0x%03x%s) length %u\n", h->offset, name != NULL ? name : "UNKNOWN",
	       h->type, (h->raw_type & IGVM_VHT_OPTIONAL_BIT) ? ", optional" : "", h->length);
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		printf("  platform=%s mask=0x%x highest_vtl=%u version=%u shared_gpa_boundary=0x%" PRIx64 "\n",
		       platform_name(h->u.platform.platform_type), h->u.platform.compatibility_mask,
		       h->u.platform.highest_vtl, h->u.platform.platform_version,
		       h->u.platform.shared_gpa_boundary);
		break;
	case IGVM_VHT_GUEST_POLICY:
		printf("  policy=0x%" PRIx64 " mask=0x%x\n", h->u.policy.policy, h->u.policy.compatibility_mask);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		printf("  index=%u bytes=0x%" PRIx64 " file_offset=0x%x\n", h->u.area.parameter_area_index,
		       h->u.area.number_of_bytes, h->u.area.file_offset);
		break;
	case IGVM_VHT_PAGE_DATA:
		dump_page(h, verbose);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		printf("  gpa=0x%" PRIx64 " mask=0x%x index=%u\n", h->u.insert.gpa,
		       h->u.insert.compatibility_mask, h->u.insert.parameter_area_index);
		break;
	case IGVM_VHT_VP_CONTEXT:
		dump_vp(h, verbose);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		printf("  gpa=0x%" PRIx64 " mask=0x%x bytes=0x%x flags=0x%x\n", h->u.required.gpa,
		       h->u.required.compatibility_mask, h->u.required.number_of_bytes, h->u.required.flags);
		break;
	case IGVM_VHT_SNP_ID_BLOCK: {
		char hex[97];

		host_hex(h->u.id_block.ld, 48, hex);
		printf("  mask=0x%x ld=%s guest_svn=%u\n", h->u.id_block.compatibility_mask, hex,
		       h->u.id_block.guest_svn);
		break;
	}
	case IGVM_VHT_ERROR_RANGE:
		printf("  gpa=0x%" PRIx64 " mask=0x%x bytes=0x%x\n", h->u.error_range.gpa,
		       h->u.error_range.compatibility_mask, h->u.error_range.size_bytes);
		break;
	default:
		if (h->length == sizeof(struct igvm_vhs_parameter) && name != NULL) {
			printf("  area=%u byte_offset=0x%x\n", h->u.param.parameter_area_index,
			       h->u.param.byte_offset);
		}
		break;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct igvm_parser p;
	struct igvm_header h;
	struct host_file f;
	struct igvm_fixed_header fh;
	enum igvm_err err = IGVM_OK;
	bool quiet = false, verbose = false;
	size_t count = 0;
	int c = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "qvh", lo, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, PROG ": unknown option '%s' (try --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": expected exactly one IGVM file (try --help)\n");
		return 2;
	}
	if (!host_file_load(PROG, argv[optind], &f)) {
		return 1;
	}
	err = igvm_parse_open(&p, f.data, f.len);
	if (err == IGVM_OK && !quiet) {
		memcpy(&fh, f.data, sizeof(fh));
		printf("IGVM file %s: version %u, %zu bytes, variable headers at 0x%x (0x%x bytes), "
		       "checksum 0x%08x OK\n", argv[optind], fh.format_version, f.len,
		       fh.variable_header_offset, fh.variable_header_size, fh.checksum);
	}
	while (err == IGVM_OK) {
		err = igvm_parse_next(&p, &h);
		if (err == IGVM_OK) {
			count++;
			if (!quiet) {
				dump_header(&h, verbose);
			}
		}
	}
	if (err != IGVM_E_END) {
		fflush(stdout);
		fprintf(stderr, PROG ": %s: invalid IGVM file: %s at offset 0x%zx\n", argv[optind],
			igvm_strerror(err), igvm_parse_error_offset(&p));
		host_file_unload(&f);
		return 1;
	}
	if (!quiet) {
		printf("%zu headers, all valid\n", count);
	}
	host_file_unload(&f);
	return 0;
}

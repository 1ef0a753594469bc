/*
 * igvm-measure: host tool that prints the SEV-SNP launch digest (hex SHA-384) of
 *  - an IGVM file, as QEMU/KVM would measure it (lib/igvm_measure.c), optionally writing
 *    the SNP ID block for it; or
 *  - a plain QEMU SNP launch of OVMF (--ovmf), as virtee/sev-snp-measure computes it
 *    (lib/snp_measure_ovmf.c): OVMF pages, its SEV metadata sections, reset VMSAs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/igvm_measure.h"
#include "lib/snp_measure_ovmf.h"
#include "tools/igvm-common/host.h"

#define PROG "igvm-measure"

struct opts {
	const char *igvm, *ovmf, *kernel, *initrd, *append, *id_block_out, *ovmf_hash;
	struct igvm_measure_opts m;
	bool verbose, ignore_id_block, have_policy, have_sig;
	uint64_t vcpus, sig, features, family, model, stepping, svn, policy;
	bool have_family, have_model, have_stepping;
	uint8_t family_id[16], image_id[16];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] FILE.igvm\n"
		"       " PROG " --ovmf OVMF.fd [ovmf options]\n"
		"Print the SEV-SNP launch digest (hex SHA-384).\n"
		"IGVM mode (QEMU/KVM semantics):\n"
		"  -n, --native-zero        measure data-less pages as ZERO pages (igvmmeasure -n)\n"
		"      --platform-mask N    compatibility bit to measure (default: the SEV_SNP one)\n"
		"      --ignore-id-block    do not fail when the file's SNP_ID_BLOCK digest differs\n"
		"ID block (both modes):\n"
		"      --id-block FILE      write the 96-byte SNP ID block for the digest to FILE\n"
		"      --family-id HEX      16-byte family ID (32 hex digits, default zeros)\n"
		"      --image-id HEX       16-byte image ID (32 hex digits, default zeros)\n"
		"      --guest-svn N        guest SVN (default 0)\n"
		"      --policy N           guest policy (default: the file's GUEST_POLICY, else 0x30000)\n"
		"OVMF mode (plain QEMU SNP launch, as sev-snp-measure):\n"
		"      --ovmf FILE          OVMF image (ends at 4 GiB)\n"
		"      --vcpus N            number of vCPUs (default 1)\n"
		"      --vcpu-sig N         CPUID signature for RDX, or --vcpu-family/--vcpu-model/\n"
		"                           --vcpu-stepping (default EPYC-v4: 23/1/2 = 0x800f12)\n"
		"      --guest-features N   VMSA sev_features (default 0x1)\n"
		"      --kernel F --initrd F --append S   measure the SEV kernel-hashes page\n"
		"      --ovmf-hash HEX      precomputed digest of the OVMF pages (skip hashing them)\n"
		"  -v, --verbose            print page counts and the ID block in base64\n"
		"  -h, --help               this help\n"
		"Exit status: 0 success, 1 bad input or digest mismatch, 2 bad usage.\n");
}

static int bad_num(const char *opt, const char *v)
{
	fprintf(stderr, PROG ": %s: bad number '%s'\n", opt, v);
	return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_MASK = 256, O_IGN, O_IDB, O_FAM, O_IMG, O_SVN, O_POL, O_OVMF, O_VCPUS, O_SIG,
	       O_VFAM, O_VMOD, O_VSTEP, O_FEAT, O_KERNEL, O_INITRD, O_APPEND, O_OHASH };
	static const struct option lo[] = {
		{ "native-zero", no_argument, NULL, 'n' }, { "platform-mask", required_argument, NULL, O_MASK },
		{ "ignore-id-block", no_argument, NULL, O_IGN }, { "id-block", required_argument, NULL, O_IDB },
		{ "family-id", required_argument, NULL, O_FAM }, { "image-id", required_argument, NULL, O_IMG },
		{ "guest-svn", required_argument, NULL, O_SVN }, { "policy", required_argument, NULL, O_POL },
		{ "ovmf", required_argument, NULL, O_OVMF }, { "vcpus", required_argument, NULL, O_VCPUS },
		{ "vcpu-sig", required_argument, NULL, O_SIG }, { "vcpu-family", required_argument, NULL, O_VFAM },
		{ "vcpu-model", required_argument, NULL, O_VMOD },
		{ "vcpu-stepping", required_argument, NULL, O_VSTEP },
		{ "guest-features", required_argument, NULL, O_FEAT },
		{ "kernel", required_argument, NULL, O_KERNEL }, { "initrd", required_argument, NULL, O_INITRD },
		{ "append", required_argument, NULL, O_APPEND }, { "ovmf-hash", required_argument, NULL, O_OHASH },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	uint64_t v = 0;
	int c = 0;

	memset(o, 0, sizeof(*o));
	o->vcpus = 1;
	o->features = 0x1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":nvh", lo, NULL)) != -1) {
		const char *name = argv[optind - 1];

		switch (c) {
		case 'n': o->m.native_zero = true; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case O_IGN: o->ignore_id_block = true; break;
		case O_IDB: o->id_block_out = optarg; break;
		case O_OVMF: o->ovmf = optarg; break;
		case O_KERNEL: o->kernel = optarg; break;
		case O_INITRD: o->initrd = optarg; break;
		case O_APPEND: o->append = optarg; break;
		case O_OHASH: o->ovmf_hash = optarg; break;
		case O_FAM:
		case O_IMG:
			if (!host_parse_hex(optarg, c == O_FAM ? o->family_id : o->image_id, 16)) {
				fprintf(stderr, PROG ": %s: expected 32 hex digits, got '%s'\n", name, optarg);
				return 2;
			}
			break;
		case ':':
			fprintf(stderr, PROG ": option '%s' needs an argument\n", name);
			return 2;
		case '?':
			fprintf(stderr, PROG ": unknown option '%s' (try --help)\n", name);
			return 2;
		default:
			if (!host_parse_u64(optarg, &v)) {
				return bad_num(name, optarg);
			}
			switch (c) {
			case O_MASK: o->m.platform_mask = (uint32_t)v; break;
			case O_SVN: o->svn = v; break;
			case O_POL: o->policy = v; o->have_policy = true; break;
			case O_VCPUS: o->vcpus = v; break;
			case O_SIG: o->sig = v; o->have_sig = true; break;
			case O_VFAM: o->family = v; o->have_family = true; break;
			case O_VMOD: o->model = v; o->have_model = true; break;
			case O_VSTEP: o->stepping = v; o->have_stepping = true; break;
			case O_FEAT: o->features = v; break;
			default: return 2;
			}
			if ((c == O_MASK && (v == 0 || v > 0xFFFFFFFFu || (v & (v - 1)) != 0)) ||
			    (c == O_SVN && v > 0xFFFFFFFFu) || (c == O_VCPUS && (v == 0 || v > 4096)) ||
			    (c == O_SIG && v > 0xFFFFFFFFu) || (c == O_VFAM && v > 0x10E) ||
			    (c == O_VMOD && v > 0xFF) || (c == O_VSTEP && v > 0xF)) {
				fprintf(stderr, PROG ": %s: value '%s' out of range\n", name, optarg);
				return 2;
			}
			break;
		}
	}
	if (o->ovmf == NULL) {
		if (optind != argc - 1) {
			fprintf(stderr, PROG ": expected exactly one IGVM file, or --ovmf (try --help)\n");
			return 2;
		}
		o->igvm = argv[optind];
		if (o->kernel != NULL || o->initrd != NULL || o->append != NULL || o->ovmf_hash != NULL) {
			fprintf(stderr, PROG ": --kernel/--initrd/--append/--ovmf-hash need --ovmf\n");
			return 2;
		}
		return 0;
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": no IGVM file argument with --ovmf (try --help)\n");
		return 2;
	}
	if ((o->initrd != NULL || o->append != NULL) && o->kernel == NULL) {
		fprintf(stderr, PROG ": --initrd/--append need --kernel\n");
		return 2;
	}
	if (o->have_sig && (o->have_family || o->have_model || o->have_stepping)) {
		fprintf(stderr, PROG ": give --vcpu-sig or --vcpu-family/model/stepping, not both\n");
		return 2;
	}
	if (!o->have_sig) {
		o->sig = snp_cpu_sig(o->have_family ? (uint32_t)o->family : 23,
				     o->have_model ? (uint32_t)o->model : 1,
				     o->have_stepping ? (uint32_t)o->stepping : 2);
	}
	return 0;
}

static void base64(const uint8_t *d, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];

		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = t[v & 63];
	}
	if (n - i == 1) {
		out[o++] = t[d[i] >> 2];
		out[o++] = t[(d[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)d[i] << 8 | d[i + 1];

		out[o++] = t[v >> 10];
		out[o++] = t[(v >> 4) & 63];
		out[o++] = t[(v << 2) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int write_id_block(const struct opts *o, const uint8_t ld[48], uint64_t policy)
{
	struct snp_id_block b;
	char b64[200];
	FILE *f = NULL;

	snp_id_block_fill(&b, ld, o->family_id, o->image_id, (uint32_t)o->svn, policy);
	f = fopen(o->id_block_out, "wb");
	if (f == NULL || fwrite(&b, 1, sizeof(b), f) != sizeof(b)) {
		fprintf(stderr, PROG ": %s: cannot write the ID block\n", o->id_block_out);
		if (f != NULL) {
			fclose(f);
		}
		return 1;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, PROG ": %s: cannot write the ID block\n", o->id_block_out);
		return 1;
	}
	if (o->verbose) {
		base64((const uint8_t *)&b, sizeof(b), b64);
		printf("id-block: %s\n", b64);
	}
	return 0;
}

static int measure_igvm(const struct opts *o)
{
	struct igvm_measure_result r;
	struct host_file f;
	enum igvm_err err = IGVM_OK;
	size_t off = 0;
	char hex[97];
	int rc = 0;

	if (!host_file_load(PROG, o->igvm, &f)) {
		return 1;
	}
	err = igvm_measure_snp(f.data, f.len, &o->m, host_hash_ops(), &r, &off);
	host_file_unload(&f);
	if (err == IGVM_E_COMPAT_MASK && o->m.platform_mask == 0 && off <= 32) {
		fprintf(stderr, PROG ": %s: no SEV_SNP platform in this IGVM file\n", o->igvm);
		return 1;
	}
	if (err != IGVM_OK) {
		fprintf(stderr, PROG ": %s: invalid IGVM file: %s at offset 0x%zx\n", o->igvm, igvm_strerror(err), off);
		return 1;
	}
	host_hex(r.ld, sizeof(r.ld), hex);
	printf("%s\n", hex);
	if (o->verbose) {
		printf("mask 0x%x: normal %llu, zero %llu, unmeasured %llu, secrets %llu, cpuid %llu, vmsa %llu\n",
		       r.mask, (unsigned long long)r.normal_pages, (unsigned long long)r.zero_pages,
		       (unsigned long long)r.unmeasured_pages, (unsigned long long)r.secrets_pages,
		       (unsigned long long)r.cpuid_pages, (unsigned long long)r.vmsa_pages);
	}
	if (r.vmsa_gpa_not_kvm) {
		fprintf(stderr, PROG ": warning: a VP_CONTEXT gpa is not 0xFFFFFFFFF000; KVM measures VMSAs "
				"there and QEMU rejects other values\n");
	}
	if (r.has_id_block && memcmp(r.id_block_ld, r.ld, sizeof(r.ld)) != 0 && !o->ignore_id_block) {
		host_hex(r.id_block_ld, sizeof(r.id_block_ld), hex);
		fprintf(stderr, PROG ": %s: SNP_ID_BLOCK expects %s, which differs from the computed digest\n",
			o->igvm, hex);
		rc = 1;
	}
	if (rc == 0 && o->id_block_out != NULL) {
		rc = write_id_block(o, r.ld, o->have_policy ? o->policy : (r.has_policy ? r.policy : 0x30000));
	}
	return rc;
}

static bool sha256_file(const char *path, uint8_t out[32])
{
	struct host_file f;

	if (!host_file_load(PROG, path, &f)) {
		return false;
	}
	host_sha256(f.data, f.len, out);
	host_file_unload(&f);
	return true;
}

static int measure_ovmf(const struct opts *o)
{
	static struct ovmf_info info;
	struct snp_ovmf_launch l;
	struct host_file f;
	uint8_t seed[48], ld[48];
	enum ovmf_err err = OVMF_OK;
	size_t off = 0;
	char hex[97];

	memset(&l, 0, sizeof(l));
	l.vcpus = (uint32_t)o->vcpus;
	l.cpu_sig = (uint32_t)o->sig;
	l.sev_features = o->features;
	if (o->ovmf_hash != NULL) {
		if (!host_parse_hex(o->ovmf_hash, seed, sizeof(seed))) {
			fprintf(stderr, PROG ": --ovmf-hash: expected 96 hex digits\n");
			return 2;
		}
		l.seed = seed;
	}
	if (o->kernel != NULL) {
		size_t n = o->append != NULL ? strlen(o->append) : 0;

		l.has_kernel = true;
		if (!sha256_file(o->kernel, l.kernel_sha256)) {
			return 1;
		}
		if (o->initrd != NULL) {
			if (!sha256_file(o->initrd, l.initrd_sha256)) {
				return 1;
			}
		} else {
			host_sha256("", 0, l.initrd_sha256);
		}
		/* QEMU hashes the command line with its NUL; no --append means "\0". */
		host_sha256(n != 0 ? o->append : "", n + 1, l.cmdline_sha256);
	}
	if (!host_file_load(PROG, o->ovmf, &f)) {
		return 1;
	}
	err = ovmf_parse(f.data, f.len, &info, &off);
	if (err == OVMF_OK) {
		err = snp_measure_ovmf(f.data, f.len, &info, &l, host_hash_ops(), ld);
		off = 0;
	}
	host_file_unload(&f);
	if (err != OVMF_OK) {
		if (err == OVMF_E_PARAM) {
			fprintf(stderr, PROG ": %s: image size must be a non-zero multiple of 4 KiB up to 4 GiB\n", o->ovmf);
		} else {
			fprintf(stderr, PROG ": %s: %s (offset 0x%zx)\n", o->ovmf, ovmf_strerror(err), off);
		}
		return 1;
	}
	host_hex(ld, sizeof(ld), hex);
	printf("%s\n", hex);
	if (o->id_block_out != NULL) {
		return write_id_block(o, ld, o->have_policy ? o->policy : 0x30000);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc = parse_args(argc, argv, &o);

	if (rc != 0) {
		return rc;
	}
	return o.ovmf != NULL ? measure_ovmf(&o) : measure_igvm(&o);
}

/*
 * igvm_ovmf_meta.c (fuzz): libFuzzer target for the OVMF footer-table and SEV metadata parser
 * in lib/snp_measure_ovmf.c, and for the OVMF launch-digest walk over what it returns
 * (with a trivial hash, so the fuzzer spends its time in the parser).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/snp_measure_ovmf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fake_sha384(void *ctx, const void *d, size_t len, uint8_t out[SNP_LD_SIZE])
{
	const uint8_t *b = d;
	size_t i = 0;

	(void)ctx;
	memset(out, 0, SNP_LD_SIZE);
	for (i = 0; i < len; i++) {
		out[i % SNP_LD_SIZE] ^= b[i];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct snp_hash_ops ops = { .sha384 = fake_sha384 };
	struct snp_ovmf_launch l;
	struct ovmf_info info;
	uint8_t ld[SNP_LD_SIZE];
	size_t off = 0;

	if (ovmf_parse(data, size, &info, &off) != OVMF_OK) {
		if (off > size) {
			abort();
		}
		return 0;
	}
	if (info.section_count > OVMF_MAX_SECTIONS) {
		abort();
	}
	memset(&l, 0, sizeof(l));
	l.vcpus = 2;
	l.has_kernel = size > 0 && (data[0] & 1);
	/* Skip the image pages (seeded) so huge sections do not dominate. */
	l.seed = ld;
	memset(ld, 0, sizeof(ld));
	for (uint32_t i = 0; i < info.section_count; i++) {
		if (info.sections[i].size > (1u << 20)) {
			return 0;
		}
	}
	/* Seeded: the image pages themselves are not read, only the metadata walk runs. */
	(void)snp_measure_ovmf(data, SNP_PAGE_SIZE, &info, &l, &ops, ld);
	return 0;
}

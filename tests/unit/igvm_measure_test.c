/*
 * igvm_measure_test.c: SNP launch digests (lib/snp_measure.c, lib/igvm_measure.c,
 * lib/snp_measure_ovmf.c) against published vectors: the single-page vector T1 of
 * reference/igvm.md section 3, and virtee/sev-snp-measure tests/test_guest.py for plain
 * OVMF launches (fixtures in tests/igvm/fixtures/); the measured reset VMSA shares its reset
 * state with the SVSM's firmware VMSA (kernel/platform/snp/vmsa_snp.c).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "kernel/platform/snp/vmsa_snp.h"
#include "lib/igvm_measure.h"
#include "lib/snp_measure_ovmf.h"
#include "tests/igvm/testfile.h"
#include "tools/igvm-common/host.h"

static uint8_t fixture[4096];

static bool load_fixture(const char *name)
{
	char path[256];
	FILE *f = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "tests/igvm/fixtures/%s", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		return false;
	}
	n = fread(fixture, 1, sizeof(fixture), f);
	fclose(f);
	return n == sizeof(fixture);
}

static void hex_of(const uint8_t *ld, char *out)
{
	host_hex(ld, SNP_LD_SIZE, out);
}

#define T1_LD "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74"

TEST(snp_measure, page_info_layout)
{
	struct snp_page_info pi;
	uint8_t cur[48], c[48];
	const uint8_t *b = (const uint8_t *)&pi;

	memset(cur, 0x11, sizeof(cur));
	memset(c, 0x22, sizeof(c));
	snp_page_info_fill(&pi, cur, c, SNP_PAGE_TYPE_VMSA, 0x1122334455667788ull);
	EXPECT_EQ(b[0], 0x11);
	EXPECT_EQ(b[0x30], 0x22);
	EXPECT_EQ(b[0x60], 0x70);
	EXPECT_EQ(b[0x61], 0);
	EXPECT_EQ(b[0x62], 2);
	EXPECT_EQ(b[0x63] | b[0x64] | b[0x65] | b[0x66] | b[0x67], 0);
	EXPECT_EQ(b[0x68], 0x88);
	EXPECT_EQ(b[0x6F], 0x11);
}

TEST(snp_measure, zero_page_constant)
{
	uint8_t zero[4096], h[48];

	memset(zero, 0, sizeof(zero));
	host_hash_ops()->sha384(NULL, zero, sizeof(zero), h);
	EXPECT_MEMEQ(h, snp_zero_page_sha384, 48);
}

/* T1: one NORMAL page at 0xFFFFF000 holding ovmf_AmdSev_suffix.bin, from LD = 0. */
TEST(snp_measure, t1_single_page_vector)
{
	struct snp_ld ld;
	char hex[97];

	ASSERT_TRUE(load_fixture("ovmf_AmdSev_suffix.bin"));
	snp_ld_init(&ld, host_hash_ops(), NULL);
	snp_ld_update_normal(&ld, 0xFFFFF000ull, fixture);
	hex_of(ld.ld, hex);
	EXPECT_STREQ(hex, T1_LD);
	EXPECT_EQ(ld.updates, 1u);
}

static struct tf t;

/* T1 end to end: SUPPORTED_PLATFORM(SNP, 1) + GUEST_POLICY(0x30000) + PAGE_DATA. */
TEST(igvm_measure, t1_igvm_end_to_end)
{
	struct igvm_vhs_guest_policy pol = { .policy = 0x30000, .compatibility_mask = 1 };
	struct igvm_measure_opts opts = { 0 };
	struct igvm_measure_result res;
	size_t off = 0;
	char hex[97];

	ASSERT_TRUE(load_fixture("ovmf_AmdSev_suffix.bin"));
	tf_init(&t, 1);
	tf_platform(&t, IGVM_PLATFORM_SEV_SNP, 1);
	tf_add(&t, IGVM_VHT_GUEST_POLICY, &pol, sizeof(pol));
	tf_page(&t, 0xFFFFF000ull, 1, fixture, 0, 0);
	tf_finish(&t);
	ASSERT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off), IGVM_OK);
	hex_of(res.ld, hex);
	EXPECT_STREQ(hex, T1_LD);
	EXPECT_EQ(res.normal_pages, 1u);
	EXPECT_TRUE(res.has_policy);
	EXPECT_EQ(res.policy, 0x30000u);
}

/* Reference model of the directive mapping, written out page by page. */
TEST(igvm_measure, page_types_and_qemu_order)
{
	struct igvm_vhs_parameter_area area = { .number_of_bytes = 8192, .parameter_area_index = 3 };
	struct igvm_vhs_parameter_insert ins = { .gpa = 0x20000, .compatibility_mask = 1, .parameter_area_index = 3 };
	struct igvm_vhs_vp_context vp = { .gpa = SNP_VMSA_GPA, .compatibility_mask = 1 };
	struct igvm_measure_opts opts = { 0 };
	struct igvm_measure_result res;
	struct snp_ld ref;
	uint8_t pg[4096], vmsa[4096];
	size_t off = 0;

	memset(pg, 0x5A, sizeof(pg));
	memset(vmsa, 0x77, sizeof(vmsa));
	tf_init(&t, 1);
	tf_platform(&t, IGVM_PLATFORM_SEV_SNP, 1);
	tf_platform(&t, IGVM_PLATFORM_NATIVE, 2);
	tf_add(&t, IGVM_VHT_PARAMETER_AREA, &area, sizeof(area));
	tf_page(&t, 0x1000, 3, pg, 0, 0);          /* run A: 0x1000, 0x2000 */
	tf_add(&t, IGVM_VHT_PARAMETER_INSERT, &ins, sizeof(ins)); /* issued before run A */
	tf_page(&t, 0x2000, 3, pg, 0, 0);
	tf_page(&t, 0x3000, 2, pg, 0, 0);          /* native only: skipped */
	tf_page(&t, 0x4000, 3, NULL, 0, 0);        /* zero page: NORMAL of zeros */
	tf_page(&t, 0x5000, 1, NULL, IGVM_PAGE_DATA_TYPE_SECRETS, 0);
	tf_page(&t, 0x6000, 1, pg, IGVM_PAGE_DATA_TYPE_CPUID_DATA, 0);
	tf_page(&t, 0x7000, 1, pg, 0, IGVM_PAGE_FLAG_UNMEASURED);
	vp.file_offset = tf_data(&t, vmsa, sizeof(vmsa));
	tf_add(&t, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp));
	tf_fix_last(&t, sizeof(vp), offsetof(struct igvm_vhs_vp_context, file_offset));
	tf_page(&t, 0x8000, 1, pg, 0, 0);          /* after the VP context: still before the VMSA */
	tf_finish(&t);

	ASSERT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off), IGVM_OK);
	snp_ld_init(&ref, host_hash_ops(), NULL);
	snp_ld_update(&ref, SNP_PAGE_TYPE_UNMEASURED, 0x20000, NULL);
	snp_ld_update(&ref, SNP_PAGE_TYPE_UNMEASURED, 0x21000, NULL);
	snp_ld_update_normal(&ref, 0x1000, pg);
	snp_ld_update_normal(&ref, 0x2000, pg);
	snp_ld_update_normal(&ref, 0x4000, NULL);
	snp_ld_update(&ref, SNP_PAGE_TYPE_SECRETS, 0x5000, NULL);
	snp_ld_update(&ref, SNP_PAGE_TYPE_CPUID, 0x6000, NULL);
	snp_ld_update(&ref, SNP_PAGE_TYPE_UNMEASURED, 0x7000, NULL);
	snp_ld_update_normal(&ref, 0x8000, pg);
	snp_ld_update_vmsa(&ref, vmsa);
	EXPECT_MEMEQ(res.ld, ref.ld, 48);
	EXPECT_EQ(res.normal_pages, 4u);
	EXPECT_EQ(res.unmeasured_pages, 3u);
	EXPECT_EQ(res.secrets_pages, 1u);
	EXPECT_EQ(res.cpuid_pages, 1u);
	EXPECT_EQ(res.vmsa_pages, 1u);

	/* --native-zero: the data-less page becomes a ZERO page. */
	opts.native_zero = true;
	ASSERT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off), IGVM_OK);
	EXPECT_EQ(res.zero_pages, 1u);
	EXPECT_EQ(res.normal_pages, 3u);
}

/*
 * A page for another platform inside a run of shared pages: it is skipped without ending the
 * run, and replaying the run must skip it again (it once stood in for the page after it).
 */
TEST(igvm_measure, other_platform_page_inside_a_run)
{
	struct igvm_measure_opts opts = { 0 };
	struct igvm_measure_result res;
	struct snp_ld ref;
	uint8_t a[4096], b[4096], c[4096];
	size_t off = 0;

	memset(a, 0xAA, sizeof(a));
	memset(b, 0xBB, sizeof(b));
	memset(c, 0xCC, sizeof(c));
	tf_init(&t, 2);
	tf_platform(&t, IGVM_PLATFORM_SEV_SNP, 1);
	tf_platform(&t, IGVM_PLATFORM_NATIVE, 2);
	tf_page(&t, 0x1000, 3, a, 0, 0);
	tf_page(&t, 0x9000, 2, b, 0, 0);
	tf_page(&t, 0x2000, 3, c, 0, 0);
	tf_finish(&t);
	ASSERT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off), IGVM_OK);
	snp_ld_init(&ref, host_hash_ops(), NULL);
	snp_ld_update_normal(&ref, 0x1000, a);
	snp_ld_update_normal(&ref, 0x2000, c);
	EXPECT_MEMEQ(res.ld, ref.ld, 48);
	EXPECT_EQ(res.normal_pages, 2u);
}

/* KVM measures VMSAs by vCPU index, so a file listing VP 1 before VP 0 is refused. */
TEST(igvm_measure, vp_contexts_out_of_order_are_refused)
{
	struct igvm_measure_opts opts = { 0 };
	struct igvm_measure_result res;
	uint8_t vmsa[4096];
	size_t off = 0, second = 0;
	uint16_t order[2][2] = { { 0, 1 }, { 1, 0 } };
	unsigned i = 0, k = 0;

	memset(vmsa, 0x31, sizeof(vmsa));
	for (i = 0; i < 2; i++) {
		tf_init(&t, 2);
		tf_platform(&t, IGVM_PLATFORM_SEV_SNP, 1);
		tf_page(&t, 0x1000, 1, vmsa, 0, 0);
		for (k = 0; k < 2; k++) {
			struct igvm_vhs_vp_context vp = {
				.gpa = SNP_VMSA_GPA, .compatibility_mask = 1, .vp_index = order[i][k],
			};

			second = igvm_build_fixed_size(2) + t.hdr_len;
			vp.file_offset = tf_data(&t, vmsa, sizeof(vmsa));
			tf_add(&t, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp));
			tf_fix_last(&t, sizeof(vp), offsetof(struct igvm_vhs_vp_context, file_offset));
		}
		tf_finish(&t);
		if (i == 0) {
			ASSERT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off),
				  IGVM_OK);
			EXPECT_EQ(res.vmsa_pages, 2u);
		} else {
			EXPECT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off),
				  IGVM_E_VP_ORDER);
			EXPECT_EQ(off, second);
		}
	}
}

TEST(igvm_measure, no_snp_platform_is_an_error)
{
	struct igvm_measure_opts opts = { 0 };
	struct igvm_measure_result res;
	size_t off = 0;
	uint8_t pg[4096];

	memset(pg, 1, sizeof(pg));
	tf_init(&t, 2);
	tf_platform(&t, IGVM_PLATFORM_NATIVE, 1);
	tf_page(&t, 0x1000, 1, pg, 0, 0);
	tf_finish(&t);
	EXPECT_EQ(igvm_measure_snp(t.out, t.out_len, &opts, host_hash_ops(), &res, &off),
		  IGVM_E_COMPAT_MASK);
}

/* One reset state: the firmware VMSA and the measured QEMU reset VMSA differ only in the
 * fields each sets on purpose (CR0, CR4, the x87 control words, RDX, VMPL, features). */
TEST(snp_measure, reset_vmsa_is_the_firmware_vmsas_reset_state)
{
	struct vmsa *fw = malloc(sizeof(*fw));
	struct vmsa *q = malloc(sizeof(*q));
	struct snp_fw_vmsa_params p = {0xfffffff0u, 0, false, 2};
	const uint8_t *a = (const uint8_t *)fw;
	const uint8_t *b = (const uint8_t *)q;
	static const struct {
		size_t off, len;
	} differ[] = {
	    {offsetof(struct vmsa, vmpl), 1},	   {offsetof(struct vmsa, cr4), 8},
	    {offsetof(struct vmsa, cr0), 8},	   {offsetof(struct vmsa, rdx), 8},
	    {offsetof(struct vmsa, sev_features), 8}, {offsetof(struct vmsa, x87_ftw), 2},
	    {offsetof(struct vmsa, x87_fcw), 2},
	};
	size_t mismatches = 0;

	snp_vmsa_init_fw(fw, &p);
	snp_vmsa_qemu_reset(q, 0xfffffff0u, 0x00a00f11u, 1);
	for (size_t i = 0; i < sizeof(*fw); i++) {
		bool expected = false;

		for (size_t j = 0; j < sizeof(differ) / sizeof(differ[0]); j++) {
			expected |= i >= differ[j].off && i < differ[j].off + differ[j].len;
		}
		mismatches += !expected && a[i] != b[i];
	}
	EXPECT_EQ(mismatches, 0);
	EXPECT_EQ(q->cr0, 0x10);
	EXPECT_EQ(q->cr4, 0x40);
	EXPECT_EQ(q->rdx, 0x00a00f11u);
	EXPECT_EQ(q->x87_fcw, 0x37f);
	EXPECT_EQ(q->rip, 0xfff0);
	EXPECT_EQ(q->cs.base, 0xffff0000u);
	free(fw);
	free(q);
}

TEST(snp_measure, cpu_sig)
{
	EXPECT_EQ(snp_cpu_sig(23, 1, 2), 0x800F12u);    /* EPYC-v4 */
	EXPECT_EQ(snp_cpu_sig(25, 1, 1), 0xA00F11u);    /* EPYC-Milan */
	EXPECT_EQ(snp_cpu_sig(25, 17, 0), 0xA10F10u);   /* EPYC-Genoa */
	EXPECT_EQ(snp_cpu_sig(23, 49, 0), 0x830F10u);   /* EPYC-Rome */
}

TEST(ovmf_meta, parse_amdsev)
{
	struct ovmf_info info;
	size_t off = 0;

	ASSERT_TRUE(load_fixture("ovmf_AmdSev_suffix.bin"));
	ASSERT_EQ(ovmf_parse(fixture, sizeof(fixture), &info, &off), OVMF_OK);
	EXPECT_TRUE(info.has_reset_eip);
	EXPECT_TRUE(info.has_hash_table);
	EXPECT_TRUE(info.has_metadata);
	EXPECT_GE(info.section_count, 4u);
}

TEST(ovmf_meta, rejects_garbage)
{
	struct ovmf_info info;
	size_t off = 0;
	uint8_t junk[4096];

	memset(junk, 0xFF, sizeof(junk));
	EXPECT_EQ(ovmf_parse(junk, sizeof(junk), &info, &off), OVMF_E_NO_FOOTER);
	EXPECT_EQ(off, 4096u - 48u);
	EXPECT_EQ(ovmf_parse(junk, 10, &info, &off), OVMF_E_TRUNCATED);
	ASSERT_TRUE(load_fixture("ovmf_AmdSev_suffix.bin"));
	fixture[4096 - 50] = 0xFF; /* footer table size: way past the image */
	fixture[4096 - 49] = 0xFF;
	EXPECT_EQ(ovmf_parse(fixture, sizeof(fixture), &info, &off), OVMF_E_TABLE);
}

struct ovmf_vector {
	const char *fixture;
	uint32_t vcpus;
	uint64_t features;
	bool kernel;             /* kernel=/dev/null, initrd=/dev/null */
	const char *append;      /* command line, "" for none */
	bool seeded;             /* start from the T1 "OVMF hash" instead of the image */
	const char *ld;
};

/* virtee/sev-snp-measure tests/test_guest.py, EPYC-v4 (family 23, model 1, stepping 2). */
static const struct ovmf_vector ovmf_vectors[] = {
	{ "ovmf_AmdSev_suffix.bin", 1, 0x21, true, "", true,
	  "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198" },
	{ "ovmf_AmdSev_suffix.bin", 1, 0x1, true, "", true,
	  "ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5" },
	{ "ovmf_AmdSev_suffix.bin", 1, 0x21, true, "console=ttyS0 loglevel=7", false,
	  "803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977" },
	{ "ovmf_AmdSev_suffix.bin", 1, 0x1, true, "console=ttyS0 loglevel=7", false,
	  "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa" },
	{ "ovmf_AmdSev_suffix.bin", 1, 0x21, false, NULL, false,
	  "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b" },
	{ "ovmf_AmdSev_suffix.bin", 1, 0x1, false, NULL, false,
	  "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d" },
	{ "ovmf_AmdSev_suffix.bin", 4, 0x21, true, "", false,
	  "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942" },
	{ "ovmf_AmdSev_suffix.bin", 4, 0x1, true, "", false,
	  "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5" },
	{ "ovmf_OvmfX64_suffix.bin", 1, 0x21, false, NULL, false,
	  "28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66f146aaae26ff291eed7b493d8a64c385" },
	{ "ovmf_OvmfX64_suffix.bin", 1, 0x1, false, NULL, false,
	  "da0296de8193586a5512078dcd719eccecbd87e2b825ad4148c44f665dc87df21e5b49e21523a9ad993afdb6a30b4005" },
};

static void launch_for(const struct ovmf_vector *v, struct snp_ovmf_launch *l, uint8_t seed[48])
{
	memset(l, 0, sizeof(*l));
	l->vcpus = v->vcpus;
	l->cpu_sig = snp_cpu_sig(23, 1, 2);
	l->sev_features = v->features;
	if (v->seeded) {
		(void)host_parse_hex(T1_LD, seed, 48);
		l->seed = seed;
	}
	if (v->kernel) {
		char cmd[256];
		size_t n = strlen(v->append);

		l->has_kernel = true;
		host_sha256("", 0, l->kernel_sha256);
		host_sha256("", 0, l->initrd_sha256);
		memcpy(cmd, v->append, n + 1); /* the NUL is hashed too */
		host_sha256(cmd, n + 1, l->cmdline_sha256);
	}
}

TEST(ovmf_measure, sev_snp_measure_golden_vectors)
{
	size_t i = 0;

	for (i = 0; i < sizeof(ovmf_vectors) / sizeof(ovmf_vectors[0]); i++) {
		const struct ovmf_vector *v = &ovmf_vectors[i];
		struct snp_ovmf_launch l;
		struct ovmf_info info;
		uint8_t seed[48], ld[48];
		size_t off = 0;
		char hex[97];

		ASSERT_TRUE(load_fixture(v->fixture));
		ASSERT_EQ(ovmf_parse(fixture, sizeof(fixture), &info, &off), OVMF_OK);
		launch_for(v, &l, seed);
		ASSERT_EQ(snp_measure_ovmf(fixture, sizeof(fixture), &info, &l, host_hash_ops(), ld), OVMF_OK);
		hex_of(ld, hex);
		EXPECT_STREQ(hex, v->ld);
	}
}

TEST(ovmf_measure, kernel_without_hashes_section_fails)
{
	struct ovmf_vector v = { "ovmf_OvmfX64_suffix.bin", 1, 0x21, true, "", false, "" };
	struct snp_ovmf_launch l;
	struct ovmf_info info;
	uint8_t seed[48], ld[48];
	size_t off = 0;

	ASSERT_TRUE(load_fixture(v.fixture));
	ASSERT_EQ(ovmf_parse(fixture, sizeof(fixture), &info, &off), OVMF_OK);
	launch_for(&v, &l, seed);
	EXPECT_EQ(snp_measure_ovmf(fixture, sizeof(fixture), &info, &l, host_hash_ops(), ld),
		  OVMF_E_NO_HASHES);
}

TEST(snp_measure, id_block_layout)
{
	struct snp_id_block b;
	uint8_t ld[48];
	const uint8_t *p = (const uint8_t *)&b;

	memset(ld, 0xAB, sizeof(ld));
	snp_id_block_fill(&b, ld, NULL, NULL, 0, 0x30000);
	EXPECT_EQ(p[0], 0xAB);
	EXPECT_EQ(p[80], 1);       /* version */
	EXPECT_EQ(p[90], 3);       /* policy 0x30000 */
	EXPECT_EQ(sizeof(b), 96u);
}

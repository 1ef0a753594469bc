/*
 * igvm_parse_test.c: lib/igvm_parse.c and lib/igvm_build.c - round trip of a small file,
 * and one test per rejection (error code and offset).
 */
#include "harness.h"

#include "lib/igvm_parse.h"
#include "tests/igvm/testfile.h"

static uint8_t page_a[4096];

/* Platform SNP (mask 1) + NATIVE (mask 2), policy, area, VP count, insert, 2 pages, VMSA. */
static void build_sample(struct tf *t)
{
	struct igvm_vhs_guest_policy pol = { .policy = 0x30000, .compatibility_mask = 1 };
	struct igvm_vhs_parameter_area area = { .number_of_bytes = 4096, .parameter_area_index = 0 };
	struct igvm_vhs_parameter par = { .parameter_area_index = 0, .byte_offset = 0 };
	struct igvm_vhs_parameter_insert ins = { .gpa = 0x5000, .compatibility_mask = 3, .parameter_area_index = 0 };
	struct igvm_vhs_vp_context vp = { .gpa = 0xFFFFFFFFF000ull, .compatibility_mask = 1 };
	uint8_t vmsa[4096];

	memset(page_a, 0xA5, sizeof(page_a));
	memset(vmsa, 0, sizeof(vmsa));
	tf_init(t, 1);
	tf_platform(t, IGVM_PLATFORM_SEV_SNP, 1);
	tf_platform(t, IGVM_PLATFORM_NATIVE, 2);
	tf_add(t, IGVM_VHT_GUEST_POLICY, &pol, sizeof(pol));
	tf_add(t, IGVM_VHT_PARAMETER_AREA, &area, sizeof(area));
	tf_add(t, IGVM_VHT_VP_COUNT_PARAMETER, &par, sizeof(par));
	tf_add(t, IGVM_VHT_PARAMETER_INSERT, &ins, sizeof(ins));
	tf_page(t, 0x1000, 3, page_a, 0, 0);
	tf_page(t, 0x2000, 3, NULL, 0, 0);
	vp.file_offset = tf_data(t, vmsa, sizeof(vmsa));
	tf_add(t, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp));
	tf_fix_last(t, sizeof(vp), offsetof(struct igvm_vhs_vp_context, file_offset));
	tf_finish(t);
}

/* Parse all of @t->out; return the final code (IGVM_E_END when the file is good). */
static enum igvm_err parse_all(const uint8_t *buf, size_t len, size_t *count, size_t *err_off)
{
	struct igvm_parser p;
	struct igvm_header h;
	enum igvm_err err = igvm_parse_open(&p, buf, len);

	*count = 0;
	while (err == IGVM_OK) {
		err = igvm_parse_next(&p, &h);
		if (err == IGVM_OK) {
			(*count)++;
		}
	}
	*err_off = igvm_parse_error_offset(&p);
	return err;
}

static struct tf t;

TEST(igvm_parse, round_trip)
{
	struct igvm_parser p;
	struct igvm_header h;
	size_t n = 0, off = 0;

	build_sample(&t);
	ASSERT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_END);
	EXPECT_EQ(n, 9u);
	ASSERT_EQ(igvm_parse_open(&p, t.out, t.out_len), IGVM_OK);
	ASSERT_EQ(igvm_parse_next(&p, &h), IGVM_OK);
	EXPECT_EQ(h.type, IGVM_VHT_SUPPORTED_PLATFORM);
	EXPECT_EQ(h.u.platform.platform_type, IGVM_PLATFORM_SEV_SNP);
	EXPECT_EQ(igvm_parse_platform_mask(&p, IGVM_PLATFORM_SEV_SNP), 1u);
	while (igvm_parse_next(&p, &h) == IGVM_OK && h.type != IGVM_VHT_PAGE_DATA) {
	}
	EXPECT_EQ(h.u.page.gpa, 0x1000u);
	ASSERT_TRUE(h.data != NULL);
	EXPECT_EQ(h.data_len, 4096u);
	EXPECT_MEMEQ(h.data, page_a, 4096);
	ASSERT_EQ(igvm_parse_next(&p, &h), IGVM_OK);
	EXPECT_TRUE(h.data == NULL);
	ASSERT_EQ(igvm_parse_next(&p, &h), IGVM_OK);
	EXPECT_EQ(h.type, IGVM_VHT_VP_CONTEXT);
	EXPECT_EQ(h.platform, IGVM_PLATFORM_SEV_SNP);
	EXPECT_EQ(h.u.vp.gpa, 0xFFFFFFFFF000ull);
	EXPECT_EQ(igvm_parse_next(&p, &h), IGVM_E_END);
}

TEST(igvm_parse, version2_header)
{
	size_t n = 0, off = 0;

	tf_init(&t, 2);
	tf_platform(&t, IGVM_PLATFORM_NATIVE, 1);
	tf_page(&t, 0x1000, 1, page_a, 0, 0);
	tf_finish(&t);
	EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_END);
	EXPECT_EQ(n, 2u);
	t.out[0x18] = 1; /* AARCH64 */
	tf_reseal(&t);
	t.out[0x18] = 1;
	EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_ARCH);
	EXPECT_EQ(off, 0x18u);
}

/* Corrupt a copy of the sample at @at with @val (u32), optionally reseal; expect @err at @want_off. */
static void expect_reject(size_t at, uint32_t val, bool reseal, enum igvm_err want, size_t want_off)
{
	size_t n = 0, off = 0;

	build_sample(&t);
	memcpy(t.out + at, &val, 4);
	if (reseal) {
		tf_reseal(&t);
	}
	EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), want);
	EXPECT_EQ(off, want_off);
}

/* Offset of the n-th (0-based) variable header in the sample. */
static size_t vh_at(unsigned idx)
{
	size_t pos = 24;
	unsigned i = 0;

	for (i = 0; i < idx; i++) {
		uint32_t len = 0;

		memcpy(&len, t.out + pos + 4, 4);
		pos += igvm_build_header_space(len);
	}
	return pos;
}

TEST(igvm_parse, rejects_fixed_header)
{
	size_t n = 0, off = 0;

	expect_reject(0, 0x12345678, false, IGVM_E_MAGIC, 0);
	expect_reject(4, 3, false, IGVM_E_VERSION, 4);
	expect_reject(0x10, 12345, false, IGVM_E_FILE_SIZE, 0x10);
	expect_reject(0x14, 0xDEADBEEF, false, IGVM_E_CHECKSUM, 0x14);
	expect_reject(8, 20, false, IGVM_E_VH_RANGE, 8);
	expect_reject(8, 28, false, IGVM_E_VH_RANGE, 8);
	expect_reject(0xC, 0x7FFFFFF0, false, IGVM_E_VH_RANGE, 0xC);
	build_sample(&t);
	EXPECT_EQ(parse_all(t.out, 10, &n, &off), IGVM_E_TRUNCATED);
	EXPECT_EQ(parse_all(NULL, 0, &n, &off), IGVM_E_TRUNCATED);
	/* Truncated file: size no longer matches. */
	EXPECT_EQ(parse_all(t.out, t.out_len - 1, &n, &off), IGVM_E_FILE_SIZE);
}

TEST(igvm_parse, rejects_variable_headers)
{
	size_t h2 = 0, pol = 0, page = 0;

	build_sample(&t);
	h2 = vh_at(1);
	pol = vh_at(2);
	page = vh_at(6);
	/* Unknown type, reserved type, bad length. */
	expect_reject(pol, 0x222, true, IGVM_E_HEADER_TYPE, pol);
	expect_reject(pol, IGVM_VHT_RESERVED_DO_NOT_USE, true, IGVM_E_HEADER_TYPE, pol);
	expect_reject(pol + 4, 8, true, IGVM_E_HEADER_LENGTH, pol + 4);
	expect_reject(pol + 4, 0x10000, true, IGVM_E_HEADER_LENGTH, pol + 4);
	/* Policy (init) before the second platform: section order. */
	expect_reject(h2, IGVM_VHT_PAGE_DATA, true, IGVM_E_HEADER_LENGTH, h2 + 4);
	build_sample(&t);
	{
		/* swap header 1 (platform) and 2 (policy): both 16-byte payloads */
		uint8_t tmp[24];

		memcpy(tmp, t.out + h2, 24);
		memcpy(t.out + h2, t.out + pol, 24);
		memcpy(t.out + pol, tmp, 24);
		tf_reseal(&t);
		size_t n = 0, off = 0;
		EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_SECTION_ORDER);
		EXPECT_EQ(off, pol);
	}
	/* PAGE_DATA: misaligned gpa, bad mask, unknown flag, reserved, file offset. */
	expect_reject(page + 8, 0x1001, true, IGVM_E_ALIGNMENT, page + 8);
	expect_reject(page + 8 + 8, 4, true, IGVM_E_COMPAT_MASK, page + 8 + 8);
	expect_reject(page + 8 + 8, 0, true, IGVM_E_COMPAT_MASK, page + 8 + 8);
	expect_reject(page + 8 + 16, 8, true, IGVM_E_RESERVED, page + 8 + 16);
	expect_reject(page + 8 + 16, IGVM_PAGE_FLAG_IS_2MB_PAGE, true, IGVM_E_RESERVED, page + 8 + 16);
	expect_reject(page + 8 + 20, 0x10000, true, IGVM_E_RESERVED, page + 8 + 22);
	expect_reject(page + 8 + 20, 7, true, IGVM_E_RESERVED, page + 8 + 20);
	expect_reject(page + 8 + 12, 0x7FFFFFFF, true, IGVM_E_FILE_OFFSET, page + 8 + 12);
	expect_reject(page + 8 + 12, 8, true, IGVM_E_FILE_OFFSET, page + 8 + 12);
	/* Padding of the VP_CONTEXT entry (20-byte payload) must be zero. */
	build_sample(&t);
	{
		size_t vp = vh_at(8);

		expect_reject(vp + 8 + 20, 0x1, true, IGVM_E_PADDING, vp + 8 + 20);
		/* VP context mask must be exactly one platform */
		expect_reject(vp + 8 + 8, 3, true, IGVM_E_COMPAT_MASK, vp + 8 + 8);
	}
}

TEST(igvm_parse, rejects_platforms_and_areas)
{
	size_t p0 = 24 + 8, area = 0, par = 0, ins = 0;

	build_sample(&t);
	area = vh_at(3);
	par = vh_at(4);
	ins = vh_at(5);
	expect_reject(p0, 3, true, IGVM_E_PLATFORM, p0);            /* two bits */
	expect_reject(p0, 2, true, IGVM_E_PLATFORM, vh_at(1) + 8);   /* duplicate bit */
	expect_reject(p0 + 4, 0x0201, true, IGVM_E_PLATFORM, p0 + 4);        /* vtl 1 */
	expect_reject(p0 + 4, 0x00020200, true, IGVM_E_PLATFORM, p0 + 6); /* version 2 */
	/* Parameter area: size not page multiple, parameter on an undeclared area,
	 * byte offset past the area, insert of an undeclared area. */
	expect_reject(area + 8, 100, true, IGVM_E_ALIGNMENT, area + 8);
	expect_reject(par + 8, 7, true, IGVM_E_PARAM_AREA, par + 8);
	expect_reject(par + 12, 4096, true, IGVM_E_PARAM_AREA, par + 12);
	/* A u32 parameter at byte 4093 of a 4096-byte area would overrun it; 4092 fits. */
	expect_reject(par + 12, 4093, true, IGVM_E_PARAM_AREA, par + 12);
	{
		size_t n = 0, off = 0;
		uint32_t v = 4092;

		build_sample(&t);
		memcpy(t.out + par + 12, &v, 4);
		tf_reseal(&t);
		EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_END);
	}
	expect_reject(ins + 8 + 12, 9, true, IGVM_E_PARAM_AREA, ins + 8 + 12);
	/* No platform at all. */
	{
		size_t n = 0, off = 0;

		tf_init(&t, 1);
		tf_finish(&t);
		EXPECT_EQ(parse_all(t.out, t.out_len, &n, &off), IGVM_E_NO_PLATFORM);
	}
}

TEST(igvm_parse, every_truncation_is_rejected)
{
	size_t len = 0, n = 0, off = 0;

	build_sample(&t);
	for (len = 0; len < t.out_len; len++) {
		EXPECT_NE(parse_all(t.out, len, &n, &off), IGVM_E_END);
	}
}

TEST(igvm_parse, strerror_and_names)
{
	EXPECT_STREQ(igvm_strerror(IGVM_E_CHECKSUM), "checksum mismatch");
	EXPECT_STREQ(igvm_header_name(IGVM_VHT_PAGE_DATA), "PAGE_DATA");
	EXPECT_TRUE(igvm_header_name(0x999) == NULL);
}

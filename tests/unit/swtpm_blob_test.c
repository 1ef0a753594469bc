/* swtpm_blob_test.c: swtpm's state-file header as svsm-state reads and writes it. */
#include "harness.h"

#include <stdlib.h>

#include "tools/svsm-state/swtpm_blob.h"

TEST(swtpm_blob, wrap_then_unwrap)
{
	static const uint8_t blob[5] = {1, 2, 3, 4, 5};
	static const uint8_t hdr[10] = {2, 1, 0, 10, 0, 0, 0, 0, 0, 15};
	size_t size = 0, off = 0, len = 0;
	uint8_t *f = swtpm_blob_wrap(blob, sizeof(blob), &size);

	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(size, 15u);
	EXPECT_MEMEQ(f, hdr, sizeof(hdr)); /* what swtpm 0.7 writes without --key */
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) == NULL);
	EXPECT_EQ(off, 10u);
	EXPECT_EQ(len, 5u);
	/* Encrypted (flag 0x01), 256-bit key (0x08), unknown flags, bad hdrsize, new min_version. */
	f[5] = 0x01;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) != NULL);
	f[5] = 0x08;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) != NULL);
	f[5] = 0x40;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) != NULL);
	f[5] = 0;
	f[3] = 15;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) != NULL);
	f[3] = 10;
	f[1] = 3;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size, &off, &len) != NULL);
	/* No header (totlen does not match): the whole file is the blob. */
	f[1] = 1;
	EXPECT_TRUE(swtpm_blob_unwrap(f, size - 1, &off, &len) == NULL);
	EXPECT_EQ(off, 0u);
	EXPECT_EQ(len, 14u);
	EXPECT_TRUE(swtpm_blob_unwrap(f, 0, &off, &len) != NULL);
	free(f);
}

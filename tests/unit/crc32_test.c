/* crc32_test.c: CRC-32/IEEE check values (lib/crc32.c). */
#include "harness.h"

#include "lib/crc32.h"

TEST(crc32, check_value)
{
	EXPECT_EQ(crc32_update(0, "123456789", 9), 0xCBF43926u);
}

TEST(crc32, empty_and_incremental)
{
	uint32_t c = 0;

	EXPECT_EQ(crc32_update(0, "", 0), 0u);
	c = crc32_update(0, "1234", 4);
	c = crc32_update(c, "56789", 5);
	EXPECT_EQ(c, 0xCBF43926u);
	EXPECT_EQ(crc32_update(0, "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

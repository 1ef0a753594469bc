/*
 * igvm_patch.c: test helper for tests/igvm/run.sh that corrupts IGVM files on purpose.
 *   igvm_patch FILE OFFSET HEXBYTES [reseal]   overwrite bytes at OFFSET
 *   igvm_patch FILE swap OFF_A OFF_B LEN [reseal]  swap two byte ranges
 *   igvm_patch FILE header N                    print the file offset of variable header N
 * "reseal" recomputes the CRC-32 (lib/crc32.c) so the parser gets past the checksum.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "svsm/abi/igvm.h"

static unsigned char buf[1 << 26];

static void reseal(size_t len)
{
	struct igvm_fixed_header fh;
	size_t fixed = 0;
	uint32_t crc = 0, zero = 0;

	memcpy(&fh, buf, sizeof(fh));
	fixed = fh.format_version == 2 ? 32 : 24;
	if ((uint64_t)fh.variable_header_offset + fh.variable_header_size > len) {
		return;
	}
	memcpy(buf + 0x14, &zero, 4);
	crc = crc32_update(0, buf, fixed);
	crc = crc32_update(crc, buf + fh.variable_header_offset, fh.variable_header_size);
	memcpy(buf + 0x14, &crc, 4);
}

int main(int argc, char **argv)
{
	FILE *f = NULL;
	size_t len = 0;
	int last = argc - 1;

	if (argc < 4) {
		fprintf(stderr, "usage: igvm_patch FILE (OFFSET HEX | swap A B LEN | header N) [reseal]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (strcmp(argv[2], "header") == 0) {
		struct igvm_fixed_header fh;
		size_t pos = 0;
		long n = strtol(argv[3], NULL, 0);

		memcpy(&fh, buf, sizeof(fh));
		pos = fh.variable_header_offset;
		while (n-- > 0) {
			uint32_t l = 0;

			memcpy(&l, buf + pos + 4, 4);
			pos += (8 + l + 7) & ~7u;
		}
		printf("%zu\n", pos);
		return 0;
	}
	if (strcmp(argv[2], "swap") == 0) {
		size_t a = strtoul(argv[3], NULL, 0), b = strtoul(argv[4], NULL, 0), n = strtoul(argv[5], NULL, 0);
		unsigned char tmp[4096];

		memcpy(tmp, buf + a, n);
		memcpy(buf + a, buf + b, n);
		memcpy(buf + b, tmp, n);
	} else {
		size_t off = strtoul(argv[2], NULL, 0);
		const char *h = argv[3];
		size_t i = 0;

		for (i = 0; h[2 * i] != '\0' && h[2 * i + 1] != '\0'; i++) {
			unsigned v = 0;

			sscanf(h + 2 * i, "%2x", &v);
			buf[off + i] = (unsigned char)v;
		}
	}
	if (strcmp(argv[last], "reseal") == 0) {
		reseal(len);
	}
	f = fopen(argv[1], "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	return 0;
}

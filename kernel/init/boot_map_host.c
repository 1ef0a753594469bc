/*
 * boot_map() for host tests and fuzz targets: a fake physical memory of BOOT_FAKE_SIZE
 * bytes at physical address 0 that the test fills.
 */
#include "kernel/init/boot_map_host.h"

#include <stddef.h>

uint8_t boot_fake_mem[BOOT_FAKE_SIZE];

const void *boot_map(uint64_t pa, uint64_t len)
{
	if (pa > BOOT_FAKE_SIZE || len > BOOT_FAKE_SIZE - pa) {
		return NULL;
	}
	return boot_fake_mem + pa;
}

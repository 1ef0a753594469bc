/* boot_map() over the early page tables, which map the first 4 GiB (entry.S). */
#include "kernel/init/boot_map.h"

#include <stddef.h>

#include "kernel/arch/x86_64/layout.h"

#define EARLY_MAP_LIMIT 0x100000000ull

const void *boot_map(uint64_t pa, uint64_t len)
{
	if (pa >= EARLY_MAP_LIMIT || len > EARLY_MAP_LIMIT - pa) {
		return NULL;
	}
	return (const void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

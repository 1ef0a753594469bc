/* Host (unit-test) definition of the direct-map offset: host memory is its own map. */
#include "kernel/mm/addr.h"

uint64_t mm_direct_map_offset = 0;

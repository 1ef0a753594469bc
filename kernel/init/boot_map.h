/*
 * Access to host-provided boot data by physical address (PVH start_info, its memory map
 * and command line, IGVM boot parameters, ACPI tables). The kernel implements it over the
 * early map (boot_map.c); host tests and fuzz targets over a fake physical memory. Every
 * parser of boot data goes through it, so every access is bounds-checked.
 */
#pragma once

#include <stdint.h>

/** boot_map - a pointer to [@pa, @pa + @len), or NULL when that is not mapped memory. */
const void *boot_map(uint64_t pa, uint64_t len);

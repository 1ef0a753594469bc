/*
 * RAM implementation of the vTPM store (store.h): blobs live on the heap and vanish at
 * exit. Extra helpers for tests, benchmarks and the host server.
 */
#pragma once

#include <stdint.h>

/** ram_store_clear - drop every blob (wiped first), so the next power-on manufactures. */
void ram_store_clear(void);
/** ram_store_write_count - number of vtpm_store_write calls since start. */
uint64_t ram_store_write_count(void);

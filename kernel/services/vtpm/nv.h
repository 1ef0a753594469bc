/*
 * libtpms NV and I/O callbacks of the vTPM service, backed by store.h.
 */
#pragma once

#include <stdint.h>

struct libtpms_callbacks;

/** vtpm_nv_fill_callbacks - fill @cb with the NV and I/O callbacks (sizeOfStruct too). */
void vtpm_nv_fill_callbacks(struct libtpms_callbacks *cb);
/** vtpm_nv_set_locality - locality the next command runs at (0..4). */
void vtpm_nv_set_locality(uint8_t locality);

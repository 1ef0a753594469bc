/*
 * The guest-physical range reserved for the SVSM in the paravisor layout, as an OS guest
 * sees it: nothing is there (reads all-ones, writes dropped), like unassigned addresses on
 * the machine; the first access is logged.
 */
#pragma once

#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

/** svsm_hole_register - own [@start, @end) on the bus (OS guests only). */
enum svsm_err svsm_hole_register(gpa_t start, gpa_t end) SVSM_MUST_CHECK;
/** svsm_hole_accesses - how many guest accesses the range has seen. */
uint64_t svsm_hole_accesses(void);

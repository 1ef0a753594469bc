/*
 * Per-page validation state of guest memory on the native platform, modelling what the
 * SNP RMP would report: each 4 KiB page is invalid, validated as 4 KiB, or part of a
 * validated 2 MiB page. Double validation reports "no change" and a 4K/2M disagreement
 * reports a size mismatch, exactly as PVALIDATE does on SNP hardware.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/platform/platform.h"
#include "svsm/err.h"

/** validation_init - track pages in [@base_gpa, @top_gpa); all start invalid. */
enum svsm_err validation_init(gpa_t base_gpa, gpa_t top_gpa) SVSM_MUST_CHECK;
/** validation_apply - PVALIDATE semantics for one 4 KiB or 2 MiB page. */
enum plat_pvalidate_result validation_apply(gpa_t gpa, bool huge, bool validate);
/** validation_prevalidate - mark a range validated as 4 KiB pages (launch-time pages). */
void validation_prevalidate(gpa_t gpa, uint64_t len);
/** validation_is_valid - the page at @gpa is validated (either size). */
bool validation_is_valid(gpa_t gpa);

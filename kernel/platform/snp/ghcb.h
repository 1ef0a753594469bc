/*
 * GHCB page helpers: valid-bitmap handling, filling fields, issuing a NAE event through the
 * GHCB and checking the hypervisor's result (GHCB spec #56421 sections 2.3.2 and 4.1).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/ghcb.h"
#include "svsm/err.h"

/* Offset of a save-area field, as the *_field helpers take it. */
#define SNP_GHCB_OFF(field) offsetof(struct ghcb_save_area, field)

/** snp_ghcb_invalidate() - clear sw_exit_code and the valid bitmap (Linux vc_ghcb_invalidate). */
void snp_ghcb_invalidate(struct ghcb *g);
void snp_ghcb_set_valid(struct ghcb *g, size_t offset);
void snp_ghcb_clear_valid(struct ghcb *g, size_t offset);
bool snp_ghcb_is_valid(const struct ghcb *g, size_t offset);
/** snp_ghcb_set_field() - store the qword at save-area @offset and mark it valid. */
void snp_ghcb_set_field(struct ghcb *g, size_t offset, uint64_t value);
/** snp_ghcb_get_field() - read a qword the hypervisor returned; false if not marked valid. */
bool snp_ghcb_get_field(const struct ghcb *g, size_t offset, uint64_t *value);

/** snp_ghcb_prepare() - invalidate, set version 2 / usage 0, exit code and exit infos. */
void snp_ghcb_prepare(struct ghcb *g, uint64_t exit_code, uint64_t info1, uint64_t info2);

/**
 * snp_ghcb_check_result() - interpret sw_exit_info_1[31:0] after a VMGEXIT.
 * 0 -> SVSM_OK; 1 (exception to inject) -> SVSM_E_HW with *@event set to sw_exit_info_2;
 * 2 (malformed input) -> SVSM_E_INVALID_PARAM; anything else -> SVSM_E_IO.
 */
SVSM_MUST_CHECK enum svsm_err snp_ghcb_check_result(const struct ghcb *g, uint64_t *event);

/**
 * snp_ghcb_call() - issue NAE @exit_code through the GHCB at @g (guest physical @ghcb_gpa):
 * prepare, point the GHCB MSR at it, VMGEXIT, check the result. To pass more registers,
 * use snp_ghcb_prepare(), snp_ghcb_set_field() and snp_ghcb_call_prepared() instead.
 */
SVSM_MUST_CHECK enum svsm_err snp_ghcb_call(struct ghcb *g, uint64_t ghcb_gpa, uint64_t exit_code,
					    uint64_t info1, uint64_t info2);
/** snp_ghcb_call_prepared() - VMGEXIT with a GHCB the caller filled via snp_ghcb_prepare(). */
SVSM_MUST_CHECK enum svsm_err snp_ghcb_call_prepared(struct ghcb *g, uint64_t ghcb_gpa);

/** snp_ghcb_run_vmpl() - NAE SNP_RUN_VMPL: run the guest's VMSA at @vmpl until it exits. */
SVSM_MUST_CHECK enum svsm_err snp_ghcb_run_vmpl(struct ghcb *g, uint64_t ghcb_gpa, unsigned int vmpl);

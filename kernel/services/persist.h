/*
 * The SVSM's persistent state at run time (persist.c; docs/state.md "In the SVSM"): the
 * state store on the SVSM's own disk, unlocked at boot by attestation, holding the vTPM's
 * permanent state, and kept durable after every vTPM command that changed it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/**
 * persist_unlock_fn - attest with the state's @generation bound into the evidence and
 * return the 32-byte state secret the key broker released; @msg gets one line on failure.
 * Runs in the library context at boot (kernel/services/attest/kbs_boot.c).
 */
typedef enum svsm_err (*persist_unlock_fn)(uint64_t generation, uint8_t secret[32],
					   char *msg, size_t cap);

/**
 * persist_boot - in the library context at boot, before the vTPM powers on: without a disk,
 * or with `state=off` on the SVSM command line (tests that use the disk themselves), the
 * vTPM stays ephemeral (SVSM_OK, persist_enabled() false). With one: read both slots,
 * attest through @unlock with the newest claimed generation, open (or format a blank disk)
 * and hand the vTPM record to the vTPM store. Any failure returns an error after one
 * console line saying which ("state: KBS refused ...", "state: slot A: header MAC ..."),
 * and nothing is written to the disk.
 */
enum svsm_err persist_boot(persist_unlock_fn unlock) SVSM_MUST_CHECK;

/** persist_enabled - the state is on disk (persist_boot() opened or formatted it). */
bool persist_enabled(void);

/**
 * persist_sync - make the vTPM's permanent state durable if it changed since the last
 * commit: encrypt in the library context, then write and flush with the library lock free.
 * Call outside services_run(). SVSM_E_IO when the disk failed (the caller fails the command).
 */
enum svsm_err persist_sync(void) SVSM_MUST_CHECK;

/**
 * persist_record_get - record @type of the state opened at boot or last committed
 * (SVSM_E_NOT_FOUND: none; SVSM_E_UNSUPPORTED: no state disk). *@data stays valid until
 * the next commit of that record: copy it.
 */
enum svsm_err persist_record_get(uint32_t type, const uint8_t **data,
				 uint32_t *size) SVSM_MUST_CHECK;

/**
 * persist_commit_record - set record @type (not the vTPM's) to @data and commit it with any
 * vTPM change, durable on disk before returning (the UEFI variable store: docs/uefi-vars.md).
 * SVSM_E_UNSUPPORTED without a state disk; SVSM_E_IO when the disk failed.
 */
enum svsm_err persist_commit_record(uint32_t type, const void *data,
				    uint32_t size) SVSM_MUST_CHECK;

/** persist_generation - the generation of the state on disk (0: none). */
uint64_t persist_generation(void);

/** persist_commits / persist_commit_us - commits since boot and the time of the last. */
uint64_t persist_commits(void);
uint64_t persist_last_commit_us(void);

/**
 * persist_log_sync - commit the log ring's lines not yet in the state's log record (a new
 * generation; the other records unchanged). SVSM_OK at once when there is no state or no
 * new line. Call outside services_run(), from a context that may wait for the disk.
 */
enum svsm_err persist_log_sync(void);

/**
 * persist_tick - called by the vCPU loops after each exit: commits the log when new lines
 * exist and log_commit_interval_ms (default 5000; 0 = never by time) has passed since the
 * last turn, one vCPU per turn; and panics once test_panic_after_ms has passed since reset
 * (a test knob, off by default; docs/logging.md "Persistence").
 */
void persist_tick(void);

/*
 * The vTPM service: a TPM 2.0 (libtpms) manufactured on first power-on, its state kept
 * through store.h, commands run one at a time. No guest ABI here: protocols/vtpm.c (SVSM
 * envelope) and tools/vtpm-server (mssim sockets) are the transports.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

/** TPM response codes the service itself looks at (TPM 2.0 Part 2, 6.6). */
#define VTPM_RC_SUCCESS    0x000u
#define VTPM_RC_INITIALIZE 0x100u

/**
 * vtpm_power_on - power the TPM on (_TPM_Init): load state from the store, or
 * manufacture a fresh TPM (new EPS/PPS/SPS) when the store holds none. No-op if on.
 */
enum svsm_err vtpm_power_on(void) SVSM_MUST_CHECK;
/** vtpm_power_off - power the TPM off; volatile state (PCRs, sessions) is lost. */
void vtpm_power_off(void);
/**
 * vtpm_set_buffer_size - the largest command and response the TPM takes and makes
 * (TPM_PT_MAX_COMMAND_SIZE/MAX_RESPONSE_SIZE; clients size NV reads and writes from them),
 * clamped by libtpms to what it supports. Takes effect at the next power-on: call it with
 * the TPM off, or follow it with vtpm_reset(). Returns the size in use from then on, or 0
 * if no TPM version could be chosen.
 */
uint32_t vtpm_set_buffer_size(uint32_t size);
/** vtpm_is_on - whether the TPM is powered on. */
bool vtpm_is_on(void);
/** vtpm_reset - TPM reset: power off, then on (the TPM then needs TPM2_Startup). */
enum svsm_err vtpm_reset(void) SVSM_MUST_CHECK;

/**
 * vtpm_run - run one TPM command at @locality (0..4).
 * @cmd:     the command; libtpms' API takes it writable, the service does not change it.
 * @rsp:     set to the response, valid until the next vtpm_* call; not to be freed.
 * Returns SVSM_E_INVALID_REQUEST if the TPM is off. TPM errors are in the response.
 */
enum svsm_err vtpm_run(uint8_t locality, uint8_t *cmd, uint32_t cmd_size, const uint8_t **rsp,
		       uint32_t *rsp_size) SVSM_MUST_CHECK;

/** vtpm_cancel - ask a running command to stop (no-op between commands). */
void vtpm_cancel(void);

/** vtpm_hash_start/data/end - the _TPM_Hash_* (H-CRTM) sequence. */
enum svsm_err vtpm_hash_start(void) SVSM_MUST_CHECK;
enum svsm_err vtpm_hash_data(const uint8_t *data, uint32_t size) SVSM_MUST_CHECK;
enum svsm_err vtpm_hash_end(void) SVSM_MUST_CHECK;

/** vtpm_rsp_code - responseCode of a response, or 0xffffffff if too short. */
uint32_t vtpm_rsp_code(const uint8_t *rsp, uint32_t rsp_size);

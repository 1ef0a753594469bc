/*
 * Early attestation at boot (kbs_boot.c; docs/attestation.md): the SVSM runs Trustee's RCAR
 * exchange through the host proxy on COM2 and receives the secret that unlocks its state.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/**
 * kbs_boot_unlock - a persist_unlock_fn: attest (native: the `sample` TEE) with @generation
 * in the additional evidence and fetch the state key (resource path from `kbs_resource=` on
 * the SVSM command line, default /kbs/v0/resource/default/svsm/state-key) into @secret.
 * Library context, boot only. @msg: one line saying what failed.
 */
enum svsm_err kbs_boot_unlock(uint64_t generation, uint8_t secret[32], char *msg, size_t cap)
	SVSM_MUST_CHECK;

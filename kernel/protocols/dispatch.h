/*
 * SVSM call dispatch: decodes RAX into protocol and call, runs the protocol's handler and
 * turns its internal result into the guest-visible SVSM_ERR_* code. The only place where
 * internal errors become guest-visible values.
 */
#pragma once

#include <stdint.h>

#include "kernel/platform/platform.h"
#include "svsm/err.h"

struct vcpu;

/** protocol_dispatch - serve the call in @regs for @v; results are written to @regs. */
void protocol_dispatch(struct vcpu *v, struct svsm_call_regs *regs);

/** svsm_err_to_result - the SVSM_ERR_* value for an internal error. */
uint64_t svsm_err_to_result(enum svsm_err err);

/** protocol_versions - versions of @protocol this SVSM offers; false if none. */
bool protocol_versions(uint32_t protocol, uint32_t *min, uint32_t *max);

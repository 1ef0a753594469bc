/*
 * SVSM log protocol (SVSM_LOG_PROTOCOL, include/svsm/abi/log.h): the guest reads the
 * SVSM's log ring and switches debug mode (docs/logging.md "Guest export and debug mode").
 */
#pragma once

#include <stdint.h>

#include "kernel/platform/platform.h"
#include "svsm/err.h"

struct vcpu;

enum svsm_err log_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs);

/* Core protocol (0) of the SVSM specification: calling areas, validation, vCPUs. */
#pragma once

#include <stdint.h>

#include "kernel/platform/platform.h"
#include "svsm/err.h"

struct vcpu;

enum svsm_err core_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs);

/*
 * The protocols backed by services: attestation (1), vTPM (2) and UEFI MM (4). In a kernel built
 * without the services, services_absent.c answers for them (protocol not offered).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/platform/platform.h"
#include "svsm/err.h"

struct vcpu;

enum svsm_err vtpm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs);
bool vtpm_protocol_available(void);
enum svsm_err attest_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs);
bool attest_protocol_available(void);
enum svsm_err uefi_mm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs);
bool uefi_mm_protocol_available(void);

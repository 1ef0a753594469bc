/* Attestation and vTPM protocols in a kernel built without the services: not offered. */
#include "kernel/protocols/services_protocols.h"

enum svsm_err vtpm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs)
{
	(void)v;
	(void)call;
	(void)regs;
	return SVSM_E_UNSUPPORTED_PROTOCOL;
}

bool vtpm_protocol_available(void)
{
	return false;
}

enum svsm_err attest_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs)
{
	(void)v;
	(void)call;
	(void)regs;
	return SVSM_E_UNSUPPORTED_PROTOCOL;
}

bool attest_protocol_available(void)
{
	return false;
}

void vtpm_protocol_stats(uint64_t *cmds, uint64_t *handler_cycles, uint64_t *tpm_cycles)
{
	*cmds = *handler_cycles = *tpm_cycles = 0;
}

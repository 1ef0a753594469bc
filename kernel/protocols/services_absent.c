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

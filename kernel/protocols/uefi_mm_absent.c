/* UEFI MM protocol in a build without the variable service (fuzz targets): not offered. */
#include "kernel/protocols/services_protocols.h"

enum svsm_err uefi_mm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *regs)
{
	(void)v;
	(void)call;
	(void)regs;
	return SVSM_E_UNSUPPORTED_PROTOCOL;
}

bool uefi_mm_protocol_available(void)
{
	return false;
}

/* SVSM call dispatch and the internal-to-guest error mapping (see dispatch.h). */
#include "kernel/protocols/dispatch.h"

#include "kernel/protocols/core.h"
#include "kernel/protocols/log_protocol.h"
#include "kernel/protocols/services_protocols.h"
#include "svsm/abi/log.h"
#include "svsm/abi/svsm.h"
#include "svsm/abi/uefi_mm.h"

uint64_t svsm_err_to_result(enum svsm_err err)
{
	switch (err) {
	case SVSM_OK:
		return SVSM_SUCCESS;
	case SVSM_E_INVALID_ADDRESS:
		return SVSM_ERR_INVALID_ADDRESS;
	case SVSM_E_INVALID_PARAM:
	case SVSM_E_EXISTS:
	case SVSM_E_NOT_FOUND:
		return SVSM_ERR_INVALID_PARAMETER;
	case SVSM_E_FORMAT:
		return SVSM_ERR_INVALID_FORMAT;
	case SVSM_E_INVALID_REQUEST:
		return SVSM_ERR_INVALID_REQUEST;
	case SVSM_E_UNSUPPORTED:
		return SVSM_ERR_UNSUPPORTED_CALL;
	case SVSM_E_UNSUPPORTED_PROTOCOL:
		return SVSM_ERR_UNSUPPORTED_PROTOCOL;
	case SVSM_E_BUSY:
	case SVSM_E_NOMEM:
		return SVSM_ERR_BUSY;
	case SVSM_E_PVALIDATE_FAIL_INPUT:
		return SVSM_ERR_PVALIDATE_FAIL_INPUT;
	case SVSM_E_PVALIDATE_SIZEMISMATCH:
		return SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH;
	case SVSM_E_PVALIDATE_NO_CHANGE:
		return SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE;
	case SVSM_E_IO:
	case SVSM_E_CRYPTO:
	case SVSM_E_HW:
	default:
		/* Failures of the SVSM itself: the guest may retry later. */
		return SVSM_ERR_BUSY;
	}
}

bool protocol_versions(uint32_t protocol, uint32_t *min, uint32_t *max)
{
	switch (protocol) {
	case SVSM_CORE_PROTOCOL:
		*min = SVSM_CORE_PROTOCOL_VERSION_MIN;
		*max = SVSM_CORE_PROTOCOL_VERSION_MAX;
		return true;
	case SVSM_ATTEST_PROTOCOL:
		*min = *max = 1;
		return attest_protocol_available();
	case SVSM_VTPM_PROTOCOL:
		*min = *max = 1;
		return vtpm_protocol_available();
	case SVSM_UEFI_MM_PROTOCOL:
		*min = SVSM_UEFI_MM_VERSION_MIN;
		*max = SVSM_UEFI_MM_VERSION_MAX;
		return uefi_mm_protocol_available();
	case SVSM_LOG_PROTOCOL:
		*min = *max = SVSM_LOG_PROTOCOL_VERSION;
		return true;
	default:
		return false;
	}
}

void protocol_dispatch(struct vcpu *v, struct svsm_call_regs *regs)
{
	uint32_t protocol = SVSM_CALL_PROTOCOL(regs->rax);
	uint32_t call = SVSM_CALL_ID(regs->rax);
	enum svsm_err err;

	switch (protocol) {
	case SVSM_CORE_PROTOCOL:
		err = core_protocol_call(v, call, regs);
		break;
	case SVSM_ATTEST_PROTOCOL:
		err = attest_protocol_available() ? attest_protocol_call(v, call, regs)
						  : SVSM_E_UNSUPPORTED_PROTOCOL;
		break;
	case SVSM_VTPM_PROTOCOL:
		err = vtpm_protocol_available() ? vtpm_protocol_call(v, call, regs)
						: SVSM_E_UNSUPPORTED_PROTOCOL;
		break;
	case SVSM_UEFI_MM_PROTOCOL:
		err = uefi_mm_protocol_available() ? uefi_mm_protocol_call(v, call, regs)
						   : SVSM_E_UNSUPPORTED_PROTOCOL;
		break;
	case SVSM_LOG_PROTOCOL:
		err = log_protocol_call(v, call, regs);
		break;
	default:
		err = SVSM_E_UNSUPPORTED_PROTOCOL;
		break;
	}
	regs->rax = svsm_err_to_result(err);
}

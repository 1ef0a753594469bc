/*
 * vTPM protocol (2): SVSM_VTPM_QUERY and SVSM_VTPM_CMD. The guest's 4 KiB command buffer
 * is copied in once, decoded (vtpm_envelope.c), run by the vTPM service and the response
 * copied out once. One command at a time: vtpm_proto_lock serialises the service and
 * guards the bounce buffer.
 */
#include "kernel/protocols/services_protocols.h"

#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/vtpm_envelope.h"
#include "kernel/services/vtpm/vtpm.h"
#include "svsm/abi/vtpm.h"

static uint8_t vtpm_buf[SVSM_VTPM_BUFFER_SIZE];
static struct spinlock vtpm_proto_lock = SPINLOCK_INIT;

static enum svsm_err vtpm_cmd(uint64_t gpa)
{
	struct vtpm_envelope_cmd cmd;
	const uint8_t *rsp = NULL;
	uint32_t rsp_size = 0;
	enum svsm_err err;

	if (!guest_mem_valid(gpa, SVSM_VTPM_BUFFER_SIZE)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	if (!vtpm_is_on()) {
		return SVSM_E_INVALID_REQUEST;
	}
	err = guest_mem_read(gpa, vtpm_buf, sizeof(vtpm_buf));
	if (err == SVSM_OK) {
		err = vtpm_envelope_decode(vtpm_buf, sizeof(vtpm_buf), &cmd);
	}
	if (err == SVSM_OK) {
		err = vtpm_run(0, cmd.cmd, cmd.size, &rsp, &rsp_size);
	}
	if (err == SVSM_OK) {
		err = vtpm_envelope_encode(vtpm_buf, sizeof(vtpm_buf), rsp, rsp_size);
	}
	if (err == SVSM_OK) {
		err = guest_mem_write(gpa, vtpm_buf, sizeof(vtpm_buf));
	}
	return err;
}

enum svsm_err vtpm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *r)
{
	uint64_t flags;
	enum svsm_err err;

	(void)v;
	switch (call) {
	case SVSM_VTPM_QUERY:
		r->rcx = SVSM_VTPM_QUERY_PLATFORM_CMDS;
		r->rdx = SVSM_VTPM_QUERY_FEATURES;
		return SVSM_OK;
	case SVSM_VTPM_CMD:
		flags = spin_lock_irqsave(&vtpm_proto_lock);
		err = vtpm_cmd(r->rcx);
		spin_unlock_irqrestore(&vtpm_proto_lock, flags);
		return err;
	default:
		return SVSM_E_UNSUPPORTED;
	}
}

bool vtpm_protocol_available(void)
{
	return vtpm_is_on();
}

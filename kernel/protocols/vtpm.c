/*
 * vTPM protocol (2): SVSM_VTPM_QUERY and SVSM_VTPM_CMD. The guest's 4 KiB command buffer
 * is copied in once, decoded (vtpm_envelope.c), run by the vTPM service (vtpm_exec(), the
 * path the CRB device takes too) and the response copied out once. vtpm_proto_lock guards
 * the bounce buffer; the command is decoded into a copy of its own, because the response
 * is written to the same buffer.
 */
#include "kernel/protocols/services_protocols.h"

#include <stddef.h>
#include <string.h>

#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/vtpm_envelope.h"
#include "kernel/services/vtpm/exec.h"
#include "kernel/services/vtpm/vtpm.h"
#include "svsm/abi/vtpm.h"

#define VTPM_ENVELOPE_HDR offsetof(struct svsm_vtpm_cmd_req, inbuf)
#define VTPM_RSP_HDR      offsetof(struct svsm_vtpm_cmd_rsp, outbuf)

static uint8_t vtpm_buf[SVSM_VTPM_BUFFER_SIZE];
static uint8_t vtpm_cmd_copy[SVSM_VTPM_MAX_CMD_SIZE];
static struct spinlock vtpm_proto_lock = SPINLOCK_INIT;

static enum svsm_err vtpm_cmd(gpa_t gpa)
{
	struct guest_mem_window win;
	struct vtpm_envelope_cmd cmd;
	uint32_t size = 0, rsp_size = 0;
	enum svsm_err err = guest_mem_window_open(&win, gpa, SVSM_VTPM_BUFFER_SIZE);

	if (err != SVSM_OK) {
		return err;
	}
	if (!vtpm_is_on()) {
		return SVSM_E_INVALID_REQUEST;
	}
	/*
	 * Copy in the 9-byte envelope header, then only the command bytes it announces (each
	 * guest byte is read once); the decoder checks both against each other on our copy.
	 */
	err = guest_mem_window_read(&win, 0, vtpm_buf, VTPM_ENVELOPE_HDR);
	if (err == SVSM_OK) {
		memcpy(&size, vtpm_buf + 5, sizeof(size));
		if (size > SVSM_VTPM_BUFFER_SIZE - VTPM_ENVELOPE_HDR) {
			size = SVSM_VTPM_BUFFER_SIZE - VTPM_ENVELOPE_HDR;
		}
		if (size != 0) {
			err = guest_mem_window_read(&win, VTPM_ENVELOPE_HDR, vtpm_buf + VTPM_ENVELOPE_HDR,
						    size);
		}
	}
	if (err == SVSM_OK) {
		err = vtpm_envelope_decode(vtpm_buf, sizeof(vtpm_buf), &cmd);
	}
	if (err == SVSM_OK && cmd.size > sizeof(vtpm_cmd_copy)) {
		err = SVSM_E_INVALID_PARAM; /* the decoder bounds it already */
	}
	if (err == SVSM_OK) {
		memcpy(vtpm_cmd_copy, cmd.cmd, cmd.size);
		err = vtpm_exec(0, vtpm_cmd_copy, cmd.size, vtpm_buf + VTPM_RSP_HDR,
				SVSM_VTPM_MAX_RSP_SIZE, &rsp_size);
	}
	if (err == SVSM_OK) {
		err = vtpm_envelope_encode(vtpm_buf, sizeof(vtpm_buf), vtpm_buf + VTPM_RSP_HDR,
					   rsp_size);
	}
	if (err == SVSM_OK) {
		/* Only the response goes back; the rest of the guest's page stays the guest's. */
		err = guest_mem_window_write(&win, 0, vtpm_buf, VTPM_RSP_HDR + rsp_size);
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
		err = vtpm_cmd(gpa_init(r->rcx)); /* the command buffer's GPA in RCX */
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

/*
 * plat_attest_report() on SNP: an AMD-signed ATTESTATION_REPORT from MSG_REPORT_REQ at VMPL0,
 * encrypted with VMPCK0 (guest_request.c), sent through the GHCB (guest_snp.c transport).
 * State: one guest-request channel, set up on first use; callers are serialised by a lock
 * because the sequence number must never be reused.
 */
#include <stddef.h>

#include "kernel/platform/platform.h"
#include "kernel/platform/snp/guest_request.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/snp_platform.h"

#include "kernel/lib/spinlock.h"

static struct snp_guest_ctx channel;
static struct snp_ghcb_xport xport;
static bool channel_ready;
static struct spinlock channel_lock;

static enum svsm_err channel_init(void)
{
	struct snp_secrets_page *s = snp_secrets();
	void *req = NULL, *resp = NULL;
	enum svsm_err err;

	if (s == NULL) {
		return SVSM_E_UNSUPPORTED;
	}
	err = snp_shared_page_alloc(&req, &xport.req_gpa);
	if (err == SVSM_OK) {
		err = snp_shared_page_alloc(&resp, &xport.resp_gpa);
	}
	if (err == SVSM_OK) {
		/* The OS-area sequence number belongs to the guest's copy: start from 0. */
		err = snp_guest_init(&channel, s->vmpck[0], 0, 0, req, resp,
				     snp_ghcb_guest_transport, &xport);
	}
	channel_ready = err == SVSM_OK;
	return err;
}

enum svsm_err plat_attest_report(const uint8_t report_data[64], struct snp_attestation_report *out)
{
	struct snp_cpu *c = NULL;
	uint32_t status = 0;
	uint64_t flags = spin_lock_irqsave(&channel_lock); /* IRQs off: the GHCB is per CPU */
	enum svsm_err err = SVSM_OK;

	if (!channel_ready) {
		err = channel_init();
	}
	if (err == SVSM_OK) {
		c = snp_this_cpu();
		xport.ghcb = c->ghcb;
		xport.ghcb_gpa = c->ghcb_gpa;
		err = snp_guest_report(&channel, report_data, 0, 0, out, &status, NULL, NULL);
	}
	spin_unlock_irqrestore(&channel_lock, flags);
	return err;
}

/*
 * Attestation protocol (1): SVSM_ATTEST_SERVICES and SVSM_ATTEST_SINGLE_SERVICE. The
 * request is copied in once and decoded (attest_req.c); the manifest is built, REPORT_DATA
 * = SHA-512(nonce || manifest) computed, and the platform's evidence fetched. When a guest
 * buffer is too small the call fails with SVSM_ERR_INVALID_PARAMETER and RCX/RDX/R8 carry
 * the sizes needed (manifest, certificates, report), which Linux uses to retry.
 * attest_lock guards the scratch buffers.
 */
#include "kernel/protocols/services_protocols.h"

#include <string.h>

#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/attest_req.h"
#include "kernel/services/attest/manifest.h"
#include "kernel/services/services.h"
#include "svsm/abi/attest.h"

#define ATTEST_MANIFEST_MAX 4096
#define CERT_TABLE_END_SIZE 24 /* an all-zero table entry: "no certificates" */

static uint8_t manifest_buf[ATTEST_MANIFEST_MAX];
static struct snp_attestation_report report_buf;
static struct spinlock attest_lock = SPINLOCK_INIT;

struct evidence_job {
	const uint8_t *nonce;
	uint32_t manifest_size;
	uint8_t *report_data;
	enum svsm_err err;
};

/* Runs in the library context (services_run): hashing and signing use libcrypto. */
static void evidence_job_run(void *arg)
{
	struct evidence_job *job = arg;

	job->err = manifest_report_data(job->nonce, manifest_buf, job->manifest_size,
					job->report_data);
	if (job->err == SVSM_OK) {
		job->err = plat_attest_report(job->report_data, &report_buf);
	}
}

static enum svsm_err attest_serve(uint32_t call, struct svsm_call_regs *r)
{
	uint8_t raw[sizeof(struct svsm_attest_single_req)];
	uint8_t nonce[SVSM_ATTEST_NONCE_SIZE];
	uint8_t report_data[64];
	uint8_t zeros[CERT_TABLE_END_SIZE] = {0};
	size_t req_size = attest_req_size(call);
	struct attest_req req;
	uint32_t manifest_size = 0, report_size = 0, cert_size = 0;
	enum svsm_err err;

	if (req_size == 0 || req_size > sizeof(raw)) {
		return SVSM_E_UNSUPPORTED;
	}
	err = guest_mem_read(gpa_init(r->rcx), raw, req_size); /* the request's GPA in RCX */
	if (err == SVSM_OK) {
		err = attest_req_decode(call, raw, req_size, &req);
	}
	if (err == SVSM_OK) {
		err = guest_mem_read(req.nonce_gpa, nonce, sizeof(nonce));
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (call == SVSM_ATTEST_SERVICES) {
		err = manifest_build_services(manifest_buf, sizeof(manifest_buf), &manifest_size);
	} else {
		err = manifest_build_single(&req.service_guid, manifest_buf, sizeof(manifest_buf),
					    &manifest_size);
		if (err == SVSM_E_UNSUPPORTED) {
			return SVSM_E_UNSUPPORTED_PROTOCOL; /* unknown service, as COCONUT */
		}
	}
	if (err != SVSM_OK) {
		return err == SVSM_E_INVALID_PARAM ? SVSM_E_NOMEM : err;
	}
	report_size = sizeof(report_buf);
	/* Native and SNP-without-certificates evidence carries no certificate chain. */
	cert_size = 0;
	r->rcx = manifest_size;
	r->rdx = cert_size;
	r->r8 = report_size;
	if (req.manifest_size < manifest_size || req.report_size < report_size) {
		return SVSM_E_INVALID_PARAM;
	}
	{
		struct evidence_job job = {nonce, manifest_size, report_data, SVSM_OK};

		services_run(evidence_job_run, &job);
		err = job.err;
	}
	if (err == SVSM_OK) {
		err = guest_mem_write(req.manifest_gpa, manifest_buf, manifest_size);
	}
	if (err == SVSM_OK) {
		err = guest_mem_write(req.report_gpa, &report_buf, report_size);
	}
	if (err == SVSM_OK && req.cert_size >= CERT_TABLE_END_SIZE) {
		err = guest_mem_write(req.cert_gpa, zeros, sizeof(zeros));
	}
	return err;
}

enum svsm_err attest_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *r)
{
	uint64_t flags;
	enum svsm_err err;

	(void)v;
	if (call != SVSM_ATTEST_SERVICES && call != SVSM_ATTEST_SINGLE_SERVICE) {
		return SVSM_E_UNSUPPORTED;
	}
	flags = spin_lock_irqsave(&attest_lock);
	err = attest_serve(call, r);
	spin_unlock_irqrestore(&attest_lock, flags);
	return err;
}

bool attest_protocol_available(void)
{
	return true;
}

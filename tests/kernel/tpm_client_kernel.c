/*
 * The in-kernel transport of the tests' shared TPM client (tests/common/tpm_client.h): a
 * command runs straight through the vTPM service in the library context (services_run),
 * with no guest and no SVSM call. tests/kernel/vtpm_test.c drives the client with it, and
 * tests/kernel/vtpm_protocol_test.c uses it as the direct path it times the protocol against.
 */
#include <stdbool.h>
#include <stdint.h>

#include "kernel/services/services.h"
#include "kernel/services/vtpm/vtpm.h"
#include "tests/common/tpm_client.h"

struct tpm_client_job {
	uint8_t *cmd;
	uint32_t len;
	const uint8_t *rsp;
	uint32_t rsp_size;
	enum svsm_err err;
};

/* Runs in the library context: libtpms uses SSE and the red zone. */
static void tpm_client_job_run(void *arg)
{
	struct tpm_client_job *job = arg;

	job->err = vtpm_run(0, job->cmd, job->len, &job->rsp, &job->rsp_size);
}

bool tpm_client_transport(uint8_t *cmd, uint32_t len, const uint8_t **rsp, uint32_t *rsp_size)
{
	struct tpm_client_job job = {cmd, len, NULL, 0, SVSM_E_IO};

	services_run(tpm_client_job_run, &job);
	*rsp = job.rsp;
	*rsp_size = job.rsp_size;
	return job.err == SVSM_OK;
}

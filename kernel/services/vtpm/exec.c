/*
 * vtpm_exec (exec.h): the job that runs in the library context. No state but the sync hook:
 * the response buffer is libtpms' (vtpm.c), valid only until the next command, so the copy
 * to the caller happens before services_run() lets another CPU in.
 */
#include "kernel/services/vtpm/exec.h"

#include <string.h>

#include "kernel/services/services.h"
#include "kernel/services/vtpm/vtpm.h"

static enum svsm_err (*exec_sync)(void); /* vtpm_exec_set_sync() */

void vtpm_exec_set_sync(enum svsm_err (*sync)(void))
{
	exec_sync = sync;
}

struct exec_job {
	uint8_t locality;
	uint8_t *cmd;
	uint32_t size;
	uint8_t *rsp;
	uint32_t cap;
	uint32_t rsp_size;
	enum svsm_err err;
};

static void exec_job_run(void *arg)
{
	struct exec_job *job = arg;
	const uint8_t *rsp = NULL;
	uint32_t size = 0;

	job->err = vtpm_run(job->locality, job->cmd, job->size, &rsp, &size);
	if (job->err != SVSM_OK) {
		return;
	}
	if (size > job->cap) {
		job->err = SVSM_E_NOMEM;
		return;
	}
	memcpy(job->rsp, rsp, size);
	job->rsp_size = size;
}

enum svsm_err vtpm_exec(uint8_t locality, uint8_t *cmd, uint32_t size, uint8_t *rsp,
			uint32_t cap, uint32_t *rsp_size)
{
	struct exec_job job = {.locality = locality, .cmd = cmd, .size = size, .rsp = rsp,
			       .cap = cap, .err = SVSM_OK};

	*rsp_size = 0;
	services_run(exec_job_run, &job);
	if (job.err == SVSM_OK && exec_sync != NULL && exec_sync() != SVSM_OK) {
		job.err = SVSM_E_IO; /* not durable: the client must not see it as done */
	}
	*rsp_size = job.err == SVSM_OK ? job.rsp_size : 0;
	return job.err;
}

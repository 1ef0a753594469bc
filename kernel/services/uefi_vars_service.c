/*
 * Owns the SVSM's one UEFI variable store (uefi_vars_service.h) and its durability. The
 * store is touched only inside services_run() (authenticated writes verify PKCS#7 with
 * libcrypto), so the library lock guards it; the serialised copy made there for a commit
 * is written by the commit hook after services_run() returns, with the library lock free
 * (docs/design.md "Waiting on the host"). Callers of uefi_vars_service_request() serialise
 * among themselves (the UEFI MM protocol's lock), which also orders the commits. The
 * manifest flags are a snapshot taken at the end of each request, read without a lock.
 */
#include "kernel/services/uefi_vars_service.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/lib/log.h"
#include "kernel/services/services.h"
#include "lib/uefi_mm.h"
#include "lib/uefi_vars.h"
#include "svsm/abi/uefi_mm.h"

static struct uefi_vars *store;
static bool ready;
static uefi_vars_service_commit_fn commit_fn;
static uint64_t committed_changes; /* uefi_vars_changes() at the last commit or load */
static uint64_t commits;
static uint32_t manifest_flags;    /* SVSM_UEFI_MM_MANIFEST_*, updated after each request */
static uint64_t (*stub_count)(void);

/* Library context: the flags the attestation manifest reports. */
static void update_manifest_flags(void)
{
	uint32_t flags = 0;
	struct uefi_vars_mode mode;

	if (store == NULL) {
		return;
	}
	if (commit_fn != NULL) {
		flags |= SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV;
	}
	uefi_vars_mode(store, &mode);
	if (mode.secure_boot != 0) {
		/* With a PK enrolled, db and dbx take KEK-signed authenticated writes. */
		flags |= SVSM_UEFI_MM_MANIFEST_SECUREBOOT | SVSM_UEFI_MM_MANIFEST_DB_UPDATE;
	}
	__atomic_store_n(&manifest_flags, flags, __ATOMIC_RELEASE);
}

enum svsm_err uefi_vars_service_init(const uint8_t *saved, uint32_t size)
{
	const struct uefi_vars_limits limits = {
		.max_storage = UEFI_VARS_DEFAULT_MAX_STORAGE,
		.max_var_size = UEFI_VARS_DEFAULT_MAX_VAR_SIZE,
	};
	enum svsm_err err;

	__atomic_store_n(&ready, false, __ATOMIC_RELEASE);
	uefi_vars_free(store); /* a second init (host tests) starts from scratch */
	store = uefi_vars_new(&limits);
	if (store == NULL) {
		return SVSM_E_NOMEM;
	}
	err = saved != NULL ? uefi_vars_parse(store, saved, size) : SVSM_OK;
	if (err != SVSM_OK) {
		uefi_vars_free(store);
		store = NULL;
		return err;
	}
	committed_changes = uefi_vars_changes(store);
	update_manifest_flags();
	__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	return SVSM_OK;
}

bool uefi_vars_service_ready(void)
{
	return __atomic_load_n(&ready, __ATOMIC_ACQUIRE);
}

void uefi_vars_service_set_stub_counter(uint64_t (*count)(void))
{
	stub_count = count;
}

void uefi_vars_service_set_commit(uefi_vars_service_commit_fn commit)
{
	commit_fn = commit;
	update_manifest_flags();
}

struct request_job {
	uint8_t *buf;
	size_t size;
	size_t reply_size;
	bool want_blob;      /* a commit hook is set */
	uint8_t *blob;       /* the serialised store when it changed (heap) */
	size_t blob_size;
	uint64_t changes;
	enum svsm_err err;
};

/* Library context: serve the buffer; if the store changed, serialise it for the commit. */
static void request_job_run(void *arg)
{
	struct request_job *job = arg;
	size_t need = 0;

	job->err = uefi_mm_handle(store, job->buf, job->size, &job->reply_size);
	job->changes = uefi_vars_changes(store);
	update_manifest_flags();
	if (job->err != SVSM_OK || !job->want_blob || job->changes == committed_changes) {
		return;
	}
	job->err = uefi_vars_serialize(store, NULL, &need);
	if (job->err == SVSM_OK) {
		job->blob = malloc(need != 0 ? need : 1);
		job->blob_size = need;
		job->err = job->blob == NULL ? SVSM_E_NOMEM
					     : uefi_vars_serialize(store, job->blob, &job->blob_size);
	}
}

enum svsm_err uefi_vars_service_request(uint8_t *buf, size_t size, size_t *reply_size)
{
	struct request_job job = {.buf = buf, .size = size, .err = SVSM_OK};
	uint64_t stubs = stub_count != NULL ? stub_count() : 0;
	enum svsm_err err;

	*reply_size = 0;
	if (!uefi_vars_service_ready()) {
		return SVSM_E_UNSUPPORTED_PROTOCOL;
	}
	job.want_blob = commit_fn != NULL;
	services_run(request_job_run, &job);
	err = job.err;
	if (stub_count != NULL && stub_count() != stubs) {
		pr_warn("uefi: a request reached %lu failing libc stubs\n",
			(unsigned long)(stub_count() - stubs));
	}
	if (err == SVSM_OK && job.blob != NULL) {
		/* Durable before the guest sees the answer (write-through, as the vTPM). */
		err = job.blob_size > UINT32_MAX ? SVSM_E_NOMEM
						 : commit_fn(job.blob, (uint32_t)job.blob_size);
		if (err == SVSM_OK) {
			committed_changes = job.changes;
			commits++;
		} else {
			err = SVSM_E_IO; /* not durable: the guest must not see it as done */
		}
	}
	if (job.blob != NULL) {
		explicit_bzero(job.blob, job.blob_size);
		free(job.blob);
	}
	if (err == SVSM_OK) {
		*reply_size = job.reply_size;
	}
	return err;
}

bool uefi_vars_service_manifest(uint8_t out[8])
{
	struct svsm_uefi_mm_manifest m = {
		.version = SVSM_UEFI_MM_MANIFEST_VERSION,
		.flags = __atomic_load_n(&manifest_flags, __ATOMIC_ACQUIRE),
	};

	if (!uefi_vars_service_ready()) {
		return false;
	}
	memcpy(out, &m, sizeof(m));
	return true;
}

uint64_t uefi_vars_service_commits(void)
{
	return commits;
}

void uefi_vars_service_reset(void)
{
	__atomic_store_n(&ready, false, __ATOMIC_RELEASE);
	uefi_vars_free(store);
	store = NULL;
	commit_fn = NULL;
	committed_changes = 0;
	commits = 0;
	__atomic_store_n(&manifest_flags, 0, __ATOMIC_RELEASE);
}

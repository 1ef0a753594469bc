/*
 * Owns building the services manifest and computing REPORT_DATA. Stateless: service
 * data is read from its owner (the vTPM EK cache in services/vtpm/ek.c, the UEFI variable
 * service's flags in services/uefi_vars_service.c, the log's debug switch in
 * kernel/lib/log.c) at build time; callers serialise builds (the attestation lock, or
 * boot), which share one small buffer for the UEFI entry.
 */
#include "kernel/services/attest/manifest.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#include "kernel/lib/log.h"
#include "kernel/services/uefi_vars_service.h"
#include "kernel/services/vtpm/ek.h"
#include "svsm/abi/log.h"
#include "svsm/abi/uefi_mm.h"

static const struct svsm_guid manifest_guid = SVSM_ATTEST_MANIFEST_GUID;
static const struct svsm_guid vtpm_guid = SVSM_ATTEST_VTPM_GUID;
static const struct svsm_guid uefi_mm_guid = SVSM_ATTEST_UEFI_MM_GUID;
static const struct svsm_guid log_guid = SVSM_LOG_MANIFEST_GUID;
static uint8_t uefi_mm_data[sizeof(struct svsm_uefi_mm_manifest)];

/**
 * struct manifest_service - one service's GUID and data, looked up at build time.
 * @inline_data: small data built at look-up time (@data points here).
 */
struct manifest_service {
	struct svsm_guid guid;
	const uint8_t *data;
	uint32_t size;
	uint8_t inline_data[sizeof(struct svsm_log_manifest)];
};

#define MANIFEST_MAX_SERVICES 3

static size_t manifest_services(struct manifest_service *svc)
{
	size_t n = 0;
	uint32_t size = 0;
	const uint8_t *ek = vtpm_ek_public(&size);
	struct svsm_log_manifest lm = {
		.version = SVSM_LOG_MANIFEST_VERSION,
		.flags = (log_get_debug() ? SVSM_LOG_MANIFEST_DEBUG_ON : 0) |
			 (log_debug_was_on() ? SVSM_LOG_MANIFEST_DEBUG_WAS_ON : 0) |
			 (log_get_level() != LOG_HOST ? SVSM_LOG_MANIFEST_CONSOLE_LEVELED : 0),
	};

	if (ek != NULL) {
		svc[n].guid = vtpm_guid;
		svc[n].data = ek;
		svc[n].size = size;
		n++;
	}
	if (uefi_vars_service_manifest(uefi_mm_data)) {
		svc[n].guid = uefi_mm_guid;
		svc[n].data = uefi_mm_data;
		svc[n].size = sizeof(uefi_mm_data);
		n++;
	}
	/* The log service: whether debug mode mirrors (or mirrored) the log to the host. */
	svc[n].guid = log_guid;
	memcpy(svc[n].inline_data, &lm, sizeof(lm));
	svc[n].data = svc[n].inline_data;
	svc[n].size = sizeof(lm);
	n++;
	return n;
}

enum svsm_err manifest_build_services(uint8_t *buf, size_t cap, uint32_t *size)
{
	struct manifest_service svc[MANIFEST_MAX_SERVICES];
	struct svsm_manifest_header hdr;
	struct svsm_manifest_entry ent;
	size_t count = manifest_services(svc);
	size_t total = sizeof(hdr) + count * sizeof(ent);
	size_t data_off = total;
	size_t i;

	for (i = 0; i < count; i++) {
		total += svc[i].size;
	}
	*size = (uint32_t)total;
	if (buf == NULL || cap < total) {
		return SVSM_E_INVALID_PARAM;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.guid = manifest_guid;
	hdr.total_size = (uint32_t)total;
	hdr.entry_count = (uint32_t)count;
	memcpy(buf, &hdr, sizeof(hdr));
	for (i = 0; i < count; i++) {
		memset(&ent, 0, sizeof(ent));
		ent.guid = svc[i].guid;
		ent.offset = (uint32_t)data_off;
		ent.size = svc[i].size;
		memcpy(buf + sizeof(hdr) + i * sizeof(ent), &ent, sizeof(ent));
		memcpy(buf + data_off, svc[i].data, svc[i].size);
		data_off += svc[i].size;
	}
	return SVSM_OK;
}

enum svsm_err manifest_build_single(const struct svsm_guid *guid, uint8_t *buf, size_t cap,
				    uint32_t *size)
{
	struct manifest_service svc[MANIFEST_MAX_SERVICES];
	size_t count = manifest_services(svc);
	size_t i;

	*size = 0;
	for (i = 0; i < count; i++) {
		if (memcmp(&svc[i].guid, guid, sizeof(*guid)) != 0) {
			continue;
		}
		*size = svc[i].size;
		if (buf == NULL || cap < svc[i].size) {
			return SVSM_E_INVALID_PARAM;
		}
		memcpy(buf, svc[i].data, svc[i].size);
		return SVSM_OK;
	}
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err manifest_report_data(const uint8_t nonce[SVSM_ATTEST_NONCE_SIZE],
				   const uint8_t *manifest, size_t size, uint8_t out[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	bool ok = false;

	if (ctx == NULL) {
		return SVSM_E_NOMEM;
	}
	ok = EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, nonce, SVSM_ATTEST_NONCE_SIZE) == 1 &&
	     (size == 0 || EVP_DigestUpdate(ctx, manifest, size) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 64;
	EVP_MD_CTX_free(ctx);
	return ok ? SVSM_OK : SVSM_E_CRYPTO;
}

enum svsm_err manifest_vtpm_ek_sha256(uint8_t out[32])
{
	static const struct svsm_guid guid = SVSM_ATTEST_VTPM_GUID;
	struct manifest_service svc[MANIFEST_MAX_SERVICES];
	size_t count = manifest_services(svc);
	unsigned int len = 0;

	for (size_t i = 0; i < count; i++) {
		if (memcmp(&svc[i].guid, &guid, sizeof(guid)) == 0) {
			return EVP_Digest(svc[i].data, svc[i].size, out, &len, EVP_sha256(), NULL) == 1 &&
					       len == 32
				       ? SVSM_OK
				       : SVSM_E_CRYPTO;
		}
	}
	return SVSM_E_UNSUPPORTED;
}

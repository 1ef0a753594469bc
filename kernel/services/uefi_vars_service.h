/*
 * The SVSM's UEFI variable service (uefi_vars_service.c): the one UEFI variable store of
 * the SVSM (lib/uefi_vars.h), served through MM communicate buffers (lib/uefi_mm.h) by the
 * UEFI MM protocol (kernel/protocols/uefi_mm.c), kept in the state store as record
 * STATE_REC_UEFI_MM when the SVSM has a state disk, and described in the attestation
 * manifest (svsm/abi/uefi_mm.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/**
 * uefi_vars_service_commit_fn - make @data (the serialised store, @size bytes) durable;
 * returns once it is on disk. Called outside the library context.
 */
typedef enum svsm_err (*uefi_vars_service_commit_fn)(const uint8_t *data, uint32_t size);

/**
 * uefi_vars_service_init - in the library context at boot: an empty store, or the store
 * parsed from @saved (@size bytes; NULL: none saved). A saved store that does not parse
 * is an error (the boot stops: the state authenticated, so its bytes are ours).
 */
enum svsm_err uefi_vars_service_init(const uint8_t *saved, uint32_t size) SVSM_MUST_CHECK;

/**
 * uefi_vars_service_boot - (uefi_vars_boot.c, kernel only) in the library context after
 * persist_boot(): init from the saved record, if any, and commit to it from now on when the
 * SVSM has a state disk.
 */
enum svsm_err uefi_vars_service_boot(void) SVSM_MUST_CHECK;

/**
 * uefi_vars_service_set_stub_counter - @count returns how many calls reached the kernel C
 * library's failing stubs so far (libc_unsupported_calls()); a request during which it
 * grows is logged as a warning (libcrypto's PKCS#7 path must not need them).
 */
void uefi_vars_service_set_stub_counter(uint64_t (*count)(void));

/** uefi_vars_service_ready - the store is up (the protocol is offered). */
bool uefi_vars_service_ready(void);

/**
 * uefi_vars_service_set_commit - from now on every request that changed the store is
 * committed through @commit before it is answered (NULL: the store is volatile).
 */
void uefi_vars_service_set_commit(uefi_vars_service_commit_fn commit);

/**
 * uefi_vars_service_request - serve one MM communicate buffer (@buf, @size bytes, already
 * copied out of guest memory) in place; @reply_size gets the bytes of @buf to copy back.
 * Runs the library in services_run(); commits a changed store before returning (a failed
 * commit returns SVSM_E_IO and no reply). Call outside the library context; callers
 * serialise (the protocol's lock).
 */
enum svsm_err uefi_vars_service_request(uint8_t *buf, size_t size,
					size_t *reply_size) SVSM_MUST_CHECK;

/**
 * uefi_vars_service_manifest - the service's manifest entry data (struct
 * svsm_uefi_mm_manifest, 8 bytes) into @out; false while the service is not up.
 */
bool uefi_vars_service_manifest(uint8_t out[8]);

/**
 * uefi_vars_service_reset - drop the store and the commit hook: the service is not up
 * (host tests, so that the next test starts without it; the kernel never calls it).
 */
void uefi_vars_service_reset(void);

/** uefi_vars_service_commits - commits of the store since boot. */
uint64_t uefi_vars_service_commits(void);

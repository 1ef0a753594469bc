/*
 * SNP secrets page handling: the guest's copy (VMPCKs the guest must not have are zeroed, SVSM
 * fields filled) and the panic-time wipe of every VMPCK the SVSM holds.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/snp.h"
#include "svsm/err.h"

/** struct snp_svsm_info - what the guest learns about the SVSM from its secrets page. */
struct snp_svsm_info {
	uint64_t base;
	uint64_t size;
	uint64_t caa_gpa;
};

/**
 * snp_secrets_copy_for_vmpl() - build in @dst the secrets page for a guest at @guest_vmpl
 * (1..3) from the SVSM's @src: VMPCK0..VMPCK(guest_vmpl-1) zeroed, SVSM fields set.
 */
SVSM_MUST_CHECK enum svsm_err snp_secrets_copy_for_vmpl(struct snp_secrets_page *dst,
							const struct snp_secrets_page *src,
							unsigned int guest_vmpl,
							const struct snp_svsm_info *svsm);

/** snp_secrets_register_page() - the SVSM's own secrets page, wiped by snp_wipe_vmpcks(). */
void snp_secrets_register_page(struct snp_secrets_page *page);
/** snp_secrets_register_key() - a private key copy wiped by snp_wipe_vmpcks(); SVSM_E_NOMEM if full. */
SVSM_MUST_CHECK enum svsm_err snp_secrets_register_key(uint8_t *key, size_t len);
void snp_secrets_unregister_key(uint8_t *key);

/** snp_wipe_vmpcks() - zero every registered VMPCK copy; called on panic. */
void snp_wipe_vmpcks(void);

/** snp_memzero_explicit() - memset 0 that the compiler cannot drop. */
void snp_memzero_explicit(void *p, size_t len);

/*
 * Builders of the TPM 2.0 commands the SVSM, its test guest and its tests send (Part 3
 * layouts), on top of lib/tpm_marshal.h, and the TCG default EK templates. Freestanding:
 * the kernel, the guest and host code share them. Each builder starts the command in @w;
 * the caller finishes it with tpm_cmd_end().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/tpm_marshal.h"

#define TPM_CC_CREATE_PRIMARY 0x00000131u
#define TPM_CC_STARTUP        0x00000144u
#define TPM_CC_SHUTDOWN       0x00000145u
#define TPM_CC_QUOTE          0x00000158u
#define TPM_CC_FLUSH_CONTEXT  0x00000165u
#define TPM_CC_READ_PUBLIC    0x00000173u
#define TPM_CC_GET_RANDOM     0x0000017bu
#define TPM_CC_PCR_READ       0x0000017eu
#define TPM_CC_PCR_EXTEND     0x00000182u
#define TPM_RH_OWNER          0x40000001u
#define TPM_RH_ENDORSEMENT    0x4000000bu
#define TPM_SU_CLEAR          0x0000u
#define TPM_ALG_RSA           0x0001u
#define TPM_ALG_AES           0x0006u
#define TPM_ALG_SHA256        0x000bu
#define TPM_ALG_NULL          0x0010u
#define TPM_ALG_ECDSA         0x0018u
#define TPM_ALG_ECC           0x0023u
#define TPM_ALG_CFB           0x0043u
#define TPM_ECC_NIST_P256     0x0003u

void tpm_cmd_startup(struct tpm_writer *w, uint16_t startup_type);
void tpm_cmd_get_random(struct tpm_writer *w, uint16_t bytes);
void tpm_cmd_flush(struct tpm_writer *w, uint32_t handle);
/** tpm_cmd_pcr_selection - TPML_PCR_SELECTION of one SHA-256 PCR (0..23). */
void tpm_cmd_pcr_selection(struct tpm_writer *w, unsigned pcr);
void tpm_cmd_pcr_read(struct tpm_writer *w, unsigned pcr);
/** tpm_cmd_pcr_extend - extend SHA-256 bank of @pcr with @digest (password session). */
void tpm_cmd_pcr_extend(struct tpm_writer *w, unsigned pcr, const uint8_t digest[32]);
/** tpm_cmd_create_primary - CreatePrimary under @hierarchy with an empty-auth session. */
void tpm_cmd_create_primary(struct tpm_writer *w, uint32_t hierarchy, const uint8_t *tmpl,
			    uint16_t tmpl_size);

/**
 * tpm_ek_template - the TCG EK Credential Profile default template (TPMT_PUBLIC): L-1
 * (RSA-2048) when @rsa, else L-2 (ECC NIST P-256). Returns its size, 0 if @cap is short.
 */
size_t tpm_ek_template(bool rsa, uint8_t *buf, size_t cap);

/*
 * The TPM client the tests share: the host unit tests (tests/unit/vtpm_service_test.c), the
 * in-kernel tests (tests/kernel/vtpm_test.c) and the test guest (guest/tpm.c) send the same
 * commands (lib/tpm_cmd.h) and read the same response fields, through different transports.
 * Freestanding: it builds for the host, the kernel and the guest.
 *
 * Each program that links it supplies tpm_client_transport() (a link-time choice, as
 * kernel/platform/snp/vc.h does with snp_vc_virt_to_phys): a direct vtpm_run() on the host,
 * services_run() in the kernel, SVSM_VTPM_CMD in the guest. One command at a time; the last
 * response stays readable through tpm_client_rsp until the next command.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/tpm_cmd.h"

/* Response codes of the client itself (never TPM_RC values). */
#define TPM_CLIENT_NO_RESPONSE 0xdeadu /* the transport failed or the response is short */
#define TPM_CLIENT_MALFORMED   0xbadu  /* success, but the response is not as Part 3 says */

/** The last response (header included) and its size; NULL/0 before the first. */
extern const uint8_t *tpm_client_rsp;
extern uint32_t tpm_client_rsp_size;

/**
 * tpm_client_transport - supplied by the program: run the @len-byte command @cmd and point
 * *@rsp at the response of *@rsp_size bytes. False when no response came back.
 */
bool tpm_client_transport(uint8_t *cmd, uint32_t len, const uint8_t **rsp, uint32_t *rsp_size);

/**
 * tpm_client_put_envelope - write the SVSM_VTPM_CMD request for the @size-byte TPM command
 * @cmd at locality @locality into @buf (a guest's vTPM buffer): TPM_SEND_COMMAND, locality,
 * size (little-endian, as the SVSM vTPM protocol says), command bytes.
 */
void tpm_client_put_envelope(void *buf, uint8_t locality, const uint8_t *cmd, uint32_t size);

/** tpm_client_begin - start a command in the client's buffer; finish it with tpm_client_run(). */
void tpm_client_begin(struct tpm_writer *w);

/**
 * tpm_client_run - end the command in @w, send it, and resend it (up to 5 times) on the
 * warnings that ask for that (RETRY, YIELDED, TESTING), as TPM client stacks do. Returns the
 * TPM response code, or TPM_CLIENT_NO_RESPONSE.
 */
uint32_t tpm_client_run(struct tpm_writer *w);

uint32_t tpm_client_startup(void);
/** tpm_client_get_random - GetRandom(@n) into @out (at most 64 bytes). */
uint32_t tpm_client_get_random(uint8_t *out, uint16_t n);
/** tpm_client_pcr_read - the SHA-256 value of @pcr into @out. */
uint32_t tpm_client_pcr_read(unsigned pcr, uint8_t out[32]);
uint32_t tpm_client_pcr_extend(unsigned pcr, const uint8_t digest[32]);
/**
 * tpm_client_create_primary - CreatePrimary of the TPMT_PUBLIC @tmpl under @hierarchy;
 * *@handle gets the object. The outPublic is at tpm_client_public().
 */
uint32_t tpm_client_create_primary(uint32_t hierarchy, const uint8_t *tmpl, uint16_t tmpl_size,
				   uint32_t *handle);
/** tpm_client_public - the outPublic of the last CreatePrimary (TPMT_PUBLIC) and its size. */
const uint8_t *tpm_client_public(uint16_t *size);
uint32_t tpm_client_flush(uint32_t handle);

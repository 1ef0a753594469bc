/*
 * The tests' shared TPM client (see tpm_client.h). Owns one command buffer and the pointer
 * to the last response; single-threaded, like every test that uses it.
 */
#include "tests/common/tpm_client.h"

#include <stddef.h>
#include <string.h>

#include "svsm/abi/vtpm.h"

#define TPM_RC_YIELDED 0x908u
#define TPM_RC_TESTING 0x90au
#define TPM_RC_RETRY   0x922u

const uint8_t *tpm_client_rsp;
uint32_t tpm_client_rsp_size;
static uint8_t tpm_client_cmd[2048];

void tpm_client_put_envelope(void *buf, uint8_t locality, const uint8_t *cmd, uint32_t size)
{
	uint8_t *b = buf;
	uint32_t send = TPM_SEND_COMMAND;

	memcpy(b, &send, 4);
	b[4] = locality;
	memcpy(b + 5, &size, 4);
	memcpy(b + 9, cmd, size);
}

void tpm_client_begin(struct tpm_writer *w)
{
	tpm_writer_init(w, tpm_client_cmd, sizeof(tpm_client_cmd));
}

static uint32_t tpm_client_send(size_t len)
{
	tpm_client_rsp = NULL;
	tpm_client_rsp_size = 0;
	if (len == 0 || !tpm_client_transport(tpm_client_cmd, (uint32_t)len, &tpm_client_rsp,
					      &tpm_client_rsp_size) ||
	    tpm_client_rsp == NULL || tpm_client_rsp_size < TPM_HEADER_SIZE) {
		return TPM_CLIENT_NO_RESPONSE;
	}
	return tpm_be32(tpm_client_rsp + 6);
}

uint32_t tpm_client_run(struct tpm_writer *w)
{
	size_t len = tpm_cmd_end(w);
	uint32_t rc = tpm_client_send(len);

	for (unsigned i = 0; i < 5 && (rc == TPM_RC_RETRY || rc == TPM_RC_YIELDED ||
				       rc == TPM_RC_TESTING); i++) {
		rc = tpm_client_send(len);
	}
	return rc;
}

uint32_t tpm_client_startup(void)
{
	struct tpm_writer w;

	tpm_client_begin(&w);
	tpm_cmd_startup(&w, TPM_SU_CLEAR);
	return tpm_client_run(&w);
}

uint32_t tpm_client_get_random(uint8_t *out, uint16_t n)
{
	struct tpm_writer w;
	uint32_t rc;

	tpm_client_begin(&w);
	tpm_cmd_get_random(&w, n);
	rc = tpm_client_run(&w);
	if (rc != 0) {
		return rc;
	}
	/* header, TPM2B_DIGEST randomBytes */
	if (tpm_client_rsp_size != TPM_HEADER_SIZE + 2u + n ||
	    tpm_be16(tpm_client_rsp + TPM_HEADER_SIZE) != n) {
		return TPM_CLIENT_MALFORMED;
	}
	memcpy(out, tpm_client_rsp + TPM_HEADER_SIZE + 2, n);
	return 0;
}

uint32_t tpm_client_pcr_read(unsigned pcr, uint8_t out[32])
{
	struct tpm_writer w;
	uint32_t rc;

	tpm_client_begin(&w);
	tpm_cmd_pcr_read(&w, pcr);
	rc = tpm_client_run(&w);
	if (rc != 0) {
		return rc;
	}
	/* header, updateCounter, selection (4+2+1+3), digest count, TPM2B size, digest */
	if (tpm_client_rsp_size < 30 + 32 || tpm_be32(tpm_client_rsp + 24) != 1 ||
	    tpm_be16(tpm_client_rsp + 28) != 32) {
		return TPM_CLIENT_MALFORMED;
	}
	memcpy(out, tpm_client_rsp + 30, 32);
	return 0;
}

uint32_t tpm_client_pcr_extend(unsigned pcr, const uint8_t digest[32])
{
	struct tpm_writer w;

	tpm_client_begin(&w);
	tpm_cmd_pcr_extend(&w, pcr, digest);
	return tpm_client_run(&w);
}

uint32_t tpm_client_create_primary(uint32_t hierarchy, const uint8_t *tmpl, uint16_t tmpl_size,
				   uint32_t *handle)
{
	struct tpm_writer w;
	uint32_t rc;

	*handle = 0;
	tpm_client_begin(&w);
	tpm_cmd_create_primary(&w, hierarchy, tmpl, tmpl_size);
	rc = tpm_client_run(&w);
	if (rc != 0) {
		return rc;
	}
	/* header, objectHandle, parameterSize, TPM2B_PUBLIC outPublic */
	if (tpm_client_rsp_size < 20 ||
	    tpm_client_rsp_size < 20u + tpm_be16(tpm_client_rsp + 18)) {
		return TPM_CLIENT_MALFORMED;
	}
	*handle = tpm_be32(tpm_client_rsp + 10);
	return 0;
}

const uint8_t *tpm_client_public(uint16_t *size)
{
	*size = tpm_client_rsp_size >= 20 ? tpm_be16(tpm_client_rsp + 18) : 0;
	return tpm_client_rsp_size >= 20 ? tpm_client_rsp + 20 : NULL;
}

uint32_t tpm_client_flush(uint32_t handle)
{
	struct tpm_writer w;

	tpm_client_begin(&w);
	tpm_cmd_flush(&w, handle);
	return tpm_client_run(&w);
}

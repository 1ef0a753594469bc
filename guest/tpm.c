/*
 * Test-guest checks of the vTPM protocol (2) and the attestation protocol (1): real TPM
 * commands through SVSM_VTPM_CMD (Startup, GetRandom, PCR_Extend, PCR_Read,
 * CreatePrimary, Quote), malformed envelopes, and attestation whose manifest must hold
 * exactly the TPM's EK and whose REPORT_DATA must be SHA-512(nonce || manifest).
 */
#include <string.h>

#include "guest/guest.h"
#include "lib/sha512.h"
#include "svsm/abi/attest.h"
#include "svsm/abi/log.h"
#include "svsm/abi/vtpm.h"
#include "tests/common/tpm_client.h"

#define PCR_TEST 16

static volatile uint8_t *vbuf; /* the 4 KiB vTPM buffer in guest memory */
static uint64_t tpm_rax;        /* RAX of the last SVSM_VTPM_CMD */

static const uint8_t zero32[32];

static uint64_t vtpm_call(uint32_t id, uint64_t rcx, struct call *out)
{
	struct call c = {SVSM_CALL(SVSM_VTPM_PROTOCOL, id), rcx, 0, 0, 0};
	volatile struct svsm_ca *ca = (volatile struct svsm_ca *)guest_rdmsr(MSR_SVSM_CAA);

	if (!svsm_call(ca, &c)) {
		return ~0ull;
	}
	if (out != NULL) {
		*out = c;
	}
	return c.rax;
}

/* The shared test TPM client (tests/common/tpm_client.c) sends through SVSM_VTPM_CMD. */
bool tpm_client_transport(uint8_t *cmd, uint32_t len, const uint8_t **rsp, uint32_t *rsp_size)
{
	tpm_client_put_envelope((void *)vbuf, 0, cmd, len);
	tpm_rax = vtpm_call(SVSM_VTPM_CMD, (uint64_t)vbuf, NULL);
	if (tpm_rax != SVSM_SUCCESS) {
		return false;
	}
	memcpy(rsp_size, (const void *)vbuf, 4);
	*rsp = (const uint8_t *)vbuf + 4;
	return true;
}

static void signing_key_template(struct tpm_writer *w)
{
	tpm_put_u16(w, TPM_ALG_ECC);
	tpm_put_u16(w, TPM_ALG_SHA256);
	tpm_put_u32(w, 0x00040072); /* fixedTPM fixedParent sensitiveDataOrigin userWithAuth sign */
	tpm_put_u16(w, 0);          /* no policy */
	tpm_put_u16(w, TPM_ALG_NULL); /* symmetric */
	tpm_put_u16(w, TPM_ALG_ECDSA);
	tpm_put_u16(w, TPM_ALG_SHA256);
	tpm_put_u16(w, TPM_ECC_NIST_P256);
	tpm_put_u16(w, TPM_ALG_NULL);
	tpm_put_u16(w, 0);
	tpm_put_u16(w, 0);
}

/* CreatePrimary under @hierarchy; returns the rc, the handle and outPublic. */
static uint32_t create_primary(uint32_t hierarchy, bool ek, uint32_t *handle, uint8_t *pub,
			       uint16_t *pub_size)
{
	uint8_t tmpl[256];
	struct tpm_writer t;
	size_t tmpl_size;
	const uint8_t *out;
	uint32_t rc;

	tpm_writer_init(&t, tmpl, sizeof(tmpl));
	if (ek) {
		tmpl_size = tpm_ek_template(false, tmpl, sizeof(tmpl));
	} else {
		signing_key_template(&t);
		tmpl_size = t.len;
	}
	rc = tpm_client_create_primary(hierarchy, tmpl, (uint16_t)tmpl_size, handle);
	if (rc == 0) {
		out = tpm_client_public(pub_size);
		if (*pub_size <= 512) {
			memcpy(pub, out, *pub_size);
		}
	}
	return rc;
}

static bool pcr_read(uint8_t out[32])
{
	return tpm_client_pcr_read(PCR_TEST, out) == 0;
}

static uint32_t pcr_extend(uint8_t byte)
{
	uint8_t d[32];

	memset(d, byte, sizeof(d));
	return tpm_client_pcr_extend(PCR_TEST, d);
}

static void test_tpm_commands(uint8_t *ek_pub, uint16_t *ek_pub_size)
{
	struct tpm_writer w;
	uint8_t r1[16], r2[16], p0[32], p1[32], p2[32], pub[512];
	uint8_t qdata[16] = "svsm-test-nonce";
	uint32_t ek_handle = 0, key_handle = 0;
	uint16_t pub_size = 0;
	bool ok;

	check("tpm_startup", tpm_client_startup() == 0);

	ok = tpm_client_get_random(r1, 16) == 0;
	ok = ok && tpm_client_get_random(r2, 16) == 0 && memcmp(r1, r2, 16) != 0;
	check("tpm_get_random", ok);

	ok = pcr_read(p0) && memcmp(p0, zero32, 32) == 0;
	ok = ok && pcr_extend(0x11) == 0 && pcr_read(p1) && memcmp(p1, p0, 32) != 0;
	ok = ok && pcr_extend(0x11) == 0 && pcr_read(p2) && memcmp(p2, p1, 32) != 0;
	check("tpm_pcr_extend_and_read", ok);

	ok = create_primary(TPM_RH_ENDORSEMENT, true, &ek_handle, ek_pub, ek_pub_size) == 0;
	check("tpm_create_primary_ek", ok && *ek_pub_size > 100);
	if (ok) {
		check("tpm_flush_ek", tpm_client_flush(ek_handle) == 0);
	}

	ok = create_primary(TPM_RH_OWNER, false, &key_handle, pub, &pub_size) == 0;
	check("tpm_create_primary_signing_key", ok);
	tpm_client_begin(&w);
	tpm_cmd_begin(&w, TPM_ST_SESSIONS, TPM_CC_QUOTE);
	tpm_put_u32(&w, key_handle);
	tpm_put_pw_session(&w);
	tpm_put_tpm2b(&w, qdata, sizeof(qdata));
	tpm_put_u16(&w, TPM_ALG_NULL); /* the key's own scheme */
	tpm_cmd_pcr_selection(&w, PCR_TEST);
	if (ok) {
		uint32_t rc = tpm_client_run(&w);

		if (rc != 0) {
			gprintf("[guest] TPM2_Quote: response code %#x (call %#lx)\n", rc, tpm_rax);
		}
		ok = rc == 0;
	}
	/* Response: header, parameterSize, TPM2B_ATTEST { magic, type, qualifiedSigner, extraData ... } */
	if (ok) {
		const uint8_t *att = tpm_client_rsp + 10 + 4 + 2;
		uint16_t signer = tpm_be16(att + 6);

		ok = tpm_be32(att) == 0xff544347 && tpm_be16(att + 4) == 0x8018 &&
		     tpm_be16(att + 8 + signer) == sizeof(qdata) &&
		     memcmp(att + 10 + signer, qdata, sizeof(qdata)) == 0;
	}
	check("tpm_quote", ok);
	if (key_handle != 0) {
		(void)tpm_client_flush(key_handle);
	}
}

static void test_vtpm_envelopes(const struct native_boot_info *bi)
{
	uint32_t send = TPM_SEND_COMMAND, size = 12;
	static const uint8_t getrand[12] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8};

	memcpy((void *)vbuf, &send, 4);
	vbuf[4] = 1; /* locality 1 */
	memcpy((void *)(vbuf + 5), &size, 4);
	memcpy((void *)(vbuf + 9), getrand, 12);
	check("vtpm_locality_1_rejected", vtpm_call(SVSM_VTPM_CMD, (uint64_t)vbuf, NULL) ==
						  SVSM_ERR_INVALID_PARAMETER);
	vbuf[4] = 0;
	size = 13;
	memcpy((void *)(vbuf + 5), &size, 4);
	check("vtpm_size_mismatch_rejected", vtpm_call(SVSM_VTPM_CMD, (uint64_t)vbuf, NULL) ==
						     SVSM_ERR_INVALID_PARAMETER);
	size = 5000;
	memcpy((void *)(vbuf + 5), &size, 4);
	check("vtpm_oversize_rejected", vtpm_call(SVSM_VTPM_CMD, (uint64_t)vbuf, NULL) ==
						SVSM_ERR_INVALID_PARAMETER);
	send = TPM_SIGNAL_POWER_OFF;
	memcpy((void *)vbuf, &send, 4);
	check("vtpm_platform_cmd_unsupported", vtpm_call(SVSM_VTPM_CMD, (uint64_t)vbuf, NULL) ==
						       SVSM_ERR_UNSUPPORTED_CALL);
	check("vtpm_buffer_in_svsm", vtpm_call(SVSM_VTPM_CMD, bi->svsm_base, NULL) ==
					     SVSM_ERR_INVALID_ADDRESS);
	check("vtpm_buffer_straddles_svsm",
	      vtpm_call(SVSM_VTPM_CMD, bi->svsm_base - 2048, NULL) == SVSM_ERR_INVALID_ADDRESS);
	check("vtpm_unknown_call", vtpm_call(9, (uint64_t)vbuf, NULL) == SVSM_ERR_UNSUPPORTED_CALL);
}

static uint64_t attest(uint32_t id, uint64_t req_gpa, struct call *out)
{
	struct call c = {SVSM_CALL(SVSM_ATTEST_PROTOCOL, id), req_gpa, ~0ull, 0, ~0ull};
	volatile struct svsm_ca *ca = (volatile struct svsm_ca *)guest_rdmsr(MSR_SVSM_CAA);

	if (!svsm_call(ca, &c)) {
		return ~0ull;
	}
	*out = c;
	return c.rax;
}

/* The services manifest: a 24-byte header and three 24-byte entries (vTPM, the UEFI
 * variable service, the log service), the EK's TPMT_PUBLIC, then the UEFI entry's 8 bytes
 * (uefi_mm_tests.c) and the log entry's 8 bytes (log_tests.c). */
#define MANIFEST_EK_OFFSET (24u + 3u * 24u)
#define MANIFEST_SIZE(ek)  (MANIFEST_EK_OFFSET + (ek) + 8u + sizeof(struct svsm_log_manifest))

static void test_attestation(uint64_t area, const uint8_t *ek_pub, uint16_t ek_pub_size,
			     const struct native_boot_info *bi)
{
	struct svsm_attest_services_req *req = (void *)(area);
	uint8_t *nonce = (uint8_t *)(area + 0x800);
	uint8_t *manifest = (uint8_t *)(area + 0x1000);
	const struct snp_attestation_report *rep = (const void *)(area + 0x2000);
	struct svsm_attest_single_req *single = (void *)(area + 0x3000);
	const struct svsm_guid vtpm_guid = SVSM_ATTEST_VTPM_GUID;
	uint8_t expect[64];
	struct sha512_ctx h;
	struct call c;
	uint64_t rax;

	for (unsigned i = 0; i < 64; i++) {
		nonce[i] = (uint8_t)(0xa5 ^ i);
	}
	memset(req, 0, sizeof(*req));
	req->report_gpa = (uint64_t)rep;
	req->report_size = 4096;
	req->nonce_gpa = (uint64_t)nonce;
	req->nonce_size = 64;
	req->manifest_gpa = (uint64_t)manifest;
	req->manifest_size = 8; /* too small: the SVSM must say what it needs */
	rax = attest(SVSM_ATTEST_SERVICES, (uint64_t)req, &c);
	check("attest_size_negotiation", rax == SVSM_ERR_INVALID_PARAMETER &&
					 c.rcx == MANIFEST_SIZE(ek_pub_size) && c.r8 == 0x4a0 &&
					 c.rdx == 0);

	req->manifest_size = 4096;
	rax = attest(SVSM_ATTEST_SERVICES, (uint64_t)req, &c);
	check("attest_services", rax == SVSM_SUCCESS && c.rcx == MANIFEST_SIZE(ek_pub_size) &&
					 c.r8 == 0x4a0);
	check("attest_manifest_ek_equals_tpm_ek",
	      ek_pub_size > 0 && memcmp(manifest + MANIFEST_EK_OFFSET, ek_pub, ek_pub_size) == 0);
	sha512_init(&h);
	sha512_update(&h, nonce, 64);
	sha512_update(&h, manifest, c.rcx);
	sha512_final(&h, expect);
	check("attest_report_data_is_sha512_nonce_manifest", memcmp(rep->report_data, expect, 64) == 0);
	check("attest_native_report_marked_unrooted",
	      rep->signature_algo == SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384 &&
		      (rep->platform_info & SVSM_PLATFORM_INFO_NATIVE_UNROOTED) != 0);

	memset(single, 0, sizeof(*single));
	memcpy(&single->base, req, sizeof(*req));
	single->service_guid = vtpm_guid;
	rax = attest(SVSM_ATTEST_SINGLE_SERVICE, (uint64_t)single, &c);
	check("attest_single_service_vtpm", rax == SVSM_SUCCESS && c.rcx == ek_pub_size &&
						    memcmp(manifest, ek_pub, ek_pub_size) == 0);
	single->service_guid.bytes[0] ^= 1;
	check("attest_single_unknown_service", attest(SVSM_ATTEST_SINGLE_SERVICE, (uint64_t)single,
						      &c) == SVSM_ERR_UNSUPPORTED_PROTOCOL);
	req->report_gpa = bi->svsm_base;
	check("attest_report_into_svsm", attest(SVSM_ATTEST_SERVICES, (uint64_t)req, &c) ==
						 SVSM_ERR_INVALID_ADDRESS);
	req->report_gpa = (uint64_t)rep;
	req->nonce_size = 32;
	check("attest_bad_nonce_size", attest(SVSM_ATTEST_SERVICES, (uint64_t)req, &c) ==
					       SVSM_ERR_INVALID_PARAMETER);
}

/*
 * The guest's vector registers must survive SVSM calls that run vector code in the SVSM
 * (libtpms and libcrypto use SSE/AVX): enable AVX, load YMM0 and XMM15, call, compare.
 */
static void test_vector_state(void)
{
	static const uint8_t pattern[32] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
	uint8_t ymm0[32] = {0}, xmm15[16] = {0};
	uint32_t a, b, c, d;
	uint64_t cr4;
	struct tpm_writer w;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if ((c & (1u << 26)) == 0 || (c & (1u << 28)) == 0) {
		check("vector_state_needs_avx", false);
		return;
	}
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1u << 9) | (1u << 10) | (1u << 18); /* OSFXSR, OSXMMEXCPT, OSXSAVE */
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("xsetbv" ::"c"(0), "a"(7), "d"(0)); /* x87 | SSE | AVX */
	__asm__ volatile("vmovdqu (%0), %%ymm0; vmovdqu (%0), %%xmm15" ::"r"(pattern) : "memory");
	tpm_client_begin(&w);
	tpm_cmd_get_random(&w, 32);
	(void)tpm_client_run(&w);
	__asm__ volatile("vmovdqu %%ymm0, (%0); vmovdqu %%xmm15, (%1)" ::"r"(ymm0), "r"(xmm15)
			 : "memory");
	check("vector_state_preserved_across_svsm_calls",
	      memcmp(ymm0, pattern, 32) == 0 && memcmp(xmm15, pattern, 16) == 0);
}

/*
 * With XCR0 = x87 only (as firmware runs) SSE still works once CR4.OSFXSR is set: the
 * guest's XMM registers must survive, and must not show what the SVSM's libcrypto left.
 */
static void test_sse_state_with_x87_xcr0(void)
{
	static const uint8_t pattern[16] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
					    0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0};
	uint8_t x0[16], x7[16], x15[16];
	uint64_t cr4;
	struct tpm_writer w;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1u << 9) | (1u << 10) | (1u << 18);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("xsetbv" ::"c"(0), "a"(1), "d"(0)); /* x87 only */
	__asm__ volatile("movdqu (%0), %%xmm0; movdqu (%0), %%xmm7; movdqu (%0), %%xmm15"
			 ::"r"(pattern) : "memory");
	tpm_client_begin(&w);
	tpm_cmd_pcr_extend(&w, PCR_TEST, zero32); /* hashing runs SSE code in the SVSM */
	(void)tpm_client_run(&w);
	__asm__ volatile("movdqu %%xmm0, (%0); movdqu %%xmm7, (%1); movdqu %%xmm15, (%2)"
			 ::"r"(x0), "r"(x7), "r"(x15) : "memory");
	check("sse_state_preserved_with_x87_xcr0", memcmp(x0, pattern, 16) == 0 &&
							 memcmp(x7, pattern, 16) == 0 &&
							 memcmp(x15, pattern, 16) == 0);
}

void guest_tpm_tests(uint64_t area, const struct native_boot_info *bi)
{
	struct call c;
	uint8_t ek_pub[512];
	uint16_t ek_pub_size = 0;
	bool offered;

	vbuf = (volatile uint8_t *)area;
	offered = vtpm_call(SVSM_VTPM_QUERY, 0, &c) == SVSM_SUCCESS;
	check("vtpm_query", offered && c.rcx == (1ull << 8) && c.rdx == 0);
	if (!offered) {
		return;
	}
	test_tpm_commands(ek_pub, &ek_pub_size);
	test_vtpm_envelopes(bi);
	test_attestation(area + 0x1000, ek_pub, ek_pub_size, bi);
	test_sse_state_with_x87_xcr0();
	test_vector_state();
}

/* One SVSM_ATTEST_SERVICES call with its request, nonce, manifest and report in @area. */
bool guest_attest_once(uint64_t area)
{
	struct svsm_attest_services_req *req = (void *)area;
	struct call c;

	memset(req, 0, sizeof(*req));
	req->report_gpa = area + 0x2000;
	req->report_size = 4096;
	req->nonce_gpa = area + 0x800;
	req->nonce_size = 64;
	req->manifest_gpa = area + 0x1000;
	req->manifest_size = 4096;
	return attest(SVSM_ATTEST_SERVICES, area, &c) == SVSM_SUCCESS;
}

uint32_t guest_tpm_startup(uint64_t area)
{
	vbuf = (volatile uint8_t *)area;
	return tpm_client_startup();
}

uint32_t guest_tpm_shutdown_clear(uint64_t area)
{
	struct tpm_writer w;

	vbuf = (volatile uint8_t *)area;
	tpm_client_begin(&w);
	tpm_cmd_begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_SHUTDOWN);
	tpm_put_u16(&w, TPM_SU_CLEAR);
	return tpm_client_run(&w);
}

/*
 * TPM2_NV_DefineSpace then TPM2_NV_UndefineSpace of an 8-byte owner index (empty owner
 * auth, password sessions): two changes of the TPM's permanent state (an index a killed run
 * left defined is only undefined). Returns the first failing response code, or 0.
 */
uint32_t guest_tpm_nv_churn(uint64_t area, uint32_t index)
{
	struct tpm_writer w;
	uint32_t rc;

	vbuf = (volatile uint8_t *)area;
	tpm_client_begin(&w);
	tpm_cmd_begin(&w, TPM_ST_SESSIONS, 0x0000012au); /* TPM2_NV_DefineSpace */
	tpm_put_u32(&w, 0x40000001u);                    /* TPM_RH_OWNER */
	tpm_put_pw_session(&w);
	tpm_put_u16(&w, 0);          /* auth: empty */
	tpm_put_u16(&w, 14);         /* TPM2B_NV_PUBLIC size */
	tpm_put_u32(&w, index);
	tpm_put_u16(&w, TPM_ALG_SHA256);
	tpm_put_u32(&w, 0x00020002u); /* TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD */
	tpm_put_u16(&w, 0);          /* authPolicy: empty */
	tpm_put_u16(&w, 8);          /* dataSize */
	rc = tpm_client_run(&w);
	if (rc != 0 && rc != 0x14cu) { /* TPM_RC_NV_DEFINED: left by a run killed here */
		return rc;
	}
	tpm_client_begin(&w);
	tpm_cmd_begin(&w, TPM_ST_SESSIONS, 0x00000122u); /* TPM2_NV_UndefineSpace */
	tpm_put_u32(&w, 0x40000001u);
	tpm_put_u32(&w, index);
	tpm_put_pw_session(&w);
	return tpm_client_run(&w);
}

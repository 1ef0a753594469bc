/*
 * Kernel tests of the vTPM running inside the SVSM on Debian's libtpms.a/libcrypto.a:
 * services_init() (manufacture + EK at boot), then TPM2_Startup, GetRandom, PCR_Extend and
 * PCR_Read (checked against a precomputed SHA-256 and against libcrypto's EVP inside the
 * kernel), CreatePrimary of the EK (equal to the cached EK public area), and the EK
 * creation benchmark (`vtpm_bench=N` on the command line: N fresh TPMs per key type;
 * default 1), which prints "bench ek_create_ms_ecc_p256|rsa2048" lines (medians in the SVSM) for make bench-kvtpm.
 * All TPM work runs through services_run() (library stack, interrupts off): the shared test
 * TPM client over tests/kernel/tpm_client_kernel.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/libc/libc.h"
#include "kernel/libc/strto.h"
#include "kernel/services/services.h"
#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/vtpm.h"
#include "lib/cmdline.h"
#include "tests/common/tpm_client.h"
#include <string.h>

#define BENCH_MAX 15

/* libcrypto, declared here because the kernel build has no OpenSSL headers. */
struct evp_md_st;
const struct evp_md_st *EVP_sha256(void);
int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
	       const struct evp_md_st *type, void *engine);

static void ensure_services(void)
{
	if (!services_ready() && services_init() != SVSM_OK) {
		ktest_fail(__FILE__, __LINE__, "services_init() == SVSM_OK", 0, 0);
	}
}

static void reset_fn(void *arg)
{
	*(enum svsm_err *)arg = vtpm_reset();
}

/* Tests run in any order: each starts from a reset TPM (state kept, PCRs fresh). */
static bool started_tpm(void)
{
	enum svsm_err err = SVSM_E_IO;

	ensure_services();
	services_run(reset_fn, &err);
	return err == SVSM_OK && tpm_client_startup() == 0;
}

KTEST(vtpm, services_init_creates_ek)
{
	uint32_t size = 0;

	ensure_services();
	KASSERT(services_ready());
	KEXPECT(vtpm_is_on());
	KEXPECT(vtpm_ek_public(&size) != NULL);
	KEXPECT(size > 64);
	KEXPECT(services_ek_create_us() > 0);
	KEXPECT((read_rflags() & RFLAGS_IF) == 0);
	/* The TPM path never reaches a failing stub (files, mmap, sockets, dl*, ...). */
	KEXPECT_EQ(libc_unsupported_calls(), 0);
}

KTEST(vtpm, startup_and_getrandom)
{
	enum svsm_err err = SVSM_E_IO;
	uint8_t a[16], b[16];

	ensure_services();
	services_run(reset_fn, &err); /* a TPM awaiting Startup, whatever ran before */
	KEXPECT_EQ(err, SVSM_OK);
	KEXPECT_EQ(tpm_client_startup(), 0);
	KEXPECT_EQ(tpm_client_startup(), VTPM_RC_INITIALIZE); /* second Startup is refused */
	KEXPECT_EQ(tpm_client_get_random(a, 16), 0);
	KEXPECT_EQ(tpm_client_get_random(b, 16), 0);
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
}

struct digest_job {
	uint8_t in[64];
	uint8_t out[32];
	int ok;
};

static void sha256_fn(void *arg)
{
	struct digest_job *j = arg;
	unsigned int n = 0;

	j->ok = EVP_Digest(j->in, sizeof(j->in), j->out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

KTEST(vtpm, pcr_extend_and_read)
{
	/* SHA-256(0^32 || 01 02 .. 20), computed on the host with Python's hashlib. */
	static const uint8_t expect[32] = {0x0b, 0x8f, 0x4c, 0x5b, 0x6a, 0xdc, 0x4c, 0x08,
					   0x7a, 0xb9, 0xf4, 0x3a, 0xae, 0xb6, 0x00, 0x70,
					   0x84, 0xc2, 0x64, 0xad, 0xca, 0xa3, 0xcb, 0x07,
					   0x17, 0x6b, 0x79, 0x23, 0x42, 0x85, 0x04, 0x12};
	struct digest_job job = {.ok = 0};
	struct tpm_writer w;
	uint8_t digest[32];

	KASSERT(started_tpm());
	for (unsigned i = 0; i < 32; i++) {
		digest[i] = (uint8_t)(i + 1);
	}
	tpm_client_begin(&w);
	tpm_cmd_pcr_extend(&w, 16, digest);
	KEXPECT_EQ(tpm_client_run(&w), 0);

	tpm_client_begin(&w);
	tpm_cmd_pcr_read(&w, 16);
	KASSERT(tpm_client_run(&w) == 0);
	/* header, updateCounter, selection (10), digest count, TPM2B size */
	KASSERT(tpm_client_rsp_size >= 30 + 32);
	KEXPECT_EQ(tpm_be32(tpm_client_rsp + 24), 1);
	KEXPECT_EQ(tpm_be16(tpm_client_rsp + 28), 32);
	KEXPECT(memcmp(tpm_client_rsp + 30, expect, 32) == 0);
	/* And libcrypto in the kernel agrees. */
	memcpy(job.in + 32, digest, 32);
	services_run(sha256_fn, &job);
	KEXPECT(job.ok);
	KEXPECT(memcmp(job.out, expect, 32) == 0);
}

KTEST(vtpm, create_primary_ek_matches_cache)
{
	uint8_t tmpl[VTPM_EK_PUBLIC_MAX];
	size_t n = vtpm_ek_template(VTPM_EK_ECC_P256, tmpl, sizeof(tmpl));
	const uint8_t *cached;
	uint32_t cached_size = 0, handle;
	struct tpm_writer w;

	KASSERT(started_tpm());
	tpm_client_begin(&w);
	tpm_cmd_create_primary(&w, TPM_RH_ENDORSEMENT, tmpl, (uint16_t)n);
	KASSERT(tpm_client_run(&w) == 0);
	handle = tpm_be32(tpm_client_rsp + 10);
	KEXPECT_EQ(handle >> 24, 0x80); /* transient */
	cached = vtpm_ek_public(&cached_size);
	/* The boot EK is ECC unless the command line asked for RSA. */
	if (!cmdline_has(boot_info.cmdline, "vtpm_ek") && cached != NULL) {
		KEXPECT_EQ(tpm_be16(tpm_client_rsp + 18), cached_size);
		KEXPECT(memcmp(tpm_client_rsp + 20, cached, cached_size) == 0);
	}
	tpm_client_begin(&w);
	tpm_cmd_flush(&w, handle);
	KEXPECT_EQ(tpm_client_run(&w), 0);
}

struct ek_bench {
	enum vtpm_ek_type type;
	enum svsm_err err;
	uint64_t us;
};

/* A freshly manufactured TPM (new EPS), then the EK: the boot-time work, timed. */
static void ek_bench_fn(void *arg)
{
	struct ek_bench *b = arg;
	uint64_t t0;

	vtpm_power_off();
	ram_store_clear();
	vtpm_ek_forget();
	b->err = vtpm_power_on();
	if (b->err != SVSM_OK) {
		return;
	}
	t0 = rdtsc();
	b->err = vtpm_ek_create(b->type);
	b->us = tsc_ticks_to_us(rdtsc() - t0);
}

static uint64_t median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	return v[n / 2];
}

static void bench_one(enum vtpm_ek_type type, unsigned runs, const char *name)
{
	uint64_t us[BENCH_MAX];
	struct ek_bench b = {.type = type};
	uint64_t m;

	for (unsigned i = 0; i < runs; i++) {
		b.err = SVSM_E_IO;
		services_run(ek_bench_fn, &b);
		KEXPECT_EQ(b.err, SVSM_OK);
		us[i] = b.us;
	}
	m = median(us, runs);
	log_raw("bench %s %lu.%03lu ms\n", name, m / 1000, m % 1000);
	log_raw("  (%u fresh TPMs; min %lu us, max %lu us)\n", runs, us[0], us[runs - 1]);
}

KTEST(vtpm, ek_create_bench)
{
	char val[8] = "";
	unsigned runs = 1;

	ensure_services();
	if (cmdline_get(boot_info.cmdline, "vtpm_bench", val, sizeof(val))) {
		runs = (unsigned)strtoul(val, NULL, 10);
	}
	if (runs == 0 || runs > BENCH_MAX) {
		runs = 1;
	}
	bench_one(VTPM_EK_ECC_P256, runs, "ek_create_ms_ecc_p256");
	bench_one(VTPM_EK_RSA_2048, runs, "ek_create_ms_rsa2048");
	/* Leave a TPM with the default boot EK behind. */
	{
		struct ek_bench b = {.type = VTPM_EK_ECC_P256};

		services_run(ek_bench_fn, &b);
		KEXPECT_EQ(b.err, SVSM_OK);
	}
}

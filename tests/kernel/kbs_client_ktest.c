/*
 * Kernel tests of lib/kbs_client.c on the kernel's libcrypto.a (inside services_run()):
 * the jwcrypto-made JWE decrypts (EC key import, ECDH, Concat KDF, AES key unwrap,
 * AES-GCM), Trustee's JCS/SHA-384 vector, and a fetch that generates its P-256 key and
 * stops at a refusing transport. The full exchange through COM2 is the integrator's
 * boot test; tests/kbs/test-kbs.sh runs it on the host.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/drivers/proxy_serial.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/services/services.h"
#include "lib/cmdline.h"
#include "lib/kbs_client.h"
#include "tests/unit/data/kbs_jwe_vectors.h"
#include <string.h>

struct kbs_ktest {
	enum kbs_status jwe, refused;
	enum svsm_err digest;
	bool secret_ok, digest_ok;
};

static void hexdec(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t v = 0;

		for (int j = 0; j < 2; j++) {
			char c = h[2 * i + j];

			v = (uint8_t)(v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10));
		}
		out[i] = v;
	}
}

static enum svsm_err refuse(void *ctx, const char *method, const char *path, const uint8_t *body,
			    uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			    uint32_t *rsp_len)
{
	*status = 401;
	*rsp_len = 0;
	return SVSM_OK;
}

static void kbs_work(void *arg)
{
	static const char tv[] = "{\"b\": 1, \"a\": \"test\", \"c\": {\"d\": \"e\"}}";
	struct kbs_ktest *r = arg;
	struct kbs_transport t = {.http = refuse};
	struct kbs_client_config cfg = {
	    .tee = "sample",
	    .evidence = kbs_sample_evidence,
	    .secret_size = 32,
	    .resource_path = "/kbs/v0/resource/default/svsm/state-key",
	};
	uint8_t d[32], want[48], out[64];
	uint32_t n = 0;

	hexdec(kbs_vec_d_hex, d, 32);
	r->jwe = kbs_jwe_decrypt(d, kbs_vec_jwe, sizeof(kbs_vec_jwe) - 1, out, sizeof(out), &n);
	hexdec(kbs_vec_secret_hex, want, 32);
	r->secret_ok = n == 32 && memcmp(out, want, 32) == 0;
	r->digest = kbs_binding_digest(tv, sizeof(tv) - 1, out);
	hexdec("e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
	       "4597480a186427c813ca941da78870c3",
	       want, 48);
	r->digest_ok = memcmp(out, want, 48) == 0;
	r->refused = kbs_client_fetch(&cfg, &t, out, sizeof(out), NULL);
}

KTEST(kbs_client, jwe_binding_and_keygen_in_kernel)
{
	struct kbs_ktest r = {0};

	KASSERT(services_ready() || services_init() == SVSM_OK);
	services_run(kbs_work, &r);
	KEXPECT_EQ(r.jwe, KBS_OK);
	KEXPECT(r.secret_ok);
	KEXPECT_EQ(r.digest, SVSM_OK);
	KEXPECT(r.digest_ok);
	KEXPECT_EQ(r.refused, KBS_ERR_REFUSED);
}

/*
 * The whole exchange from inside the SVSM through COM2 and tools/svsm-proxy to the test
 * KBS (tests/kbs/test-kbs-kernel.sh). Runs only with `kbs_com2=<expect>` on the command
 * line: "ok" (the secret must equal `kbs_secret=<hex>`), "refused", or "absent" (no UART).
 * `kbs_gen=N` is the generation presented.
 */
struct com2_run {
	uint64_t generation;
	enum svsm_err init;
	enum kbs_status st;
	uint32_t http;
	uint8_t secret[32];
};

static void com2_work(void *arg)
{
	struct com2_run *r = arg;
	struct kbs_client_config cfg = {
	    .tee = "sample",
	    .evidence = kbs_sample_evidence,
	    .secret_size = 32,
	    .resource_path = "/kbs/v0/resource/default/svsm/state-key",
	    .generation = r->generation,
	};

	r->init = proxy_serial_init(2000, 2);
	if (r->init == SVSM_OK) {
		r->st = kbs_client_fetch(&cfg, proxy_serial_transport(), r->secret,
					 sizeof(r->secret), &r->http);
	}
}

KTEST(proxy_serial, fetch_through_com2)
{
	char expect[16], hex[80], gen[24];
	struct com2_run r = {0};
	uint8_t want[32];

	if (!cmdline_get(boot_info.cmdline, "kbs_com2", expect, sizeof(expect))) {
		return; /* needs the proxy and the test KBS: tests/kbs/test-kbs-kernel.sh */
	}
	if (cmdline_get(boot_info.cmdline, "kbs_gen", gen, sizeof(gen))) {
		for (const char *p = gen; *p >= '0' && *p <= '9'; p++) {
			r.generation = r.generation * 10 + (uint64_t)(*p - '0');
		}
	}
	KASSERT(services_ready() || services_init() == SVSM_OK);
	services_run(com2_work, &r);
	pr_info("kbs-com2: init %d, %s (http %u)%s%s\n", r.init, kbs_status_str(r.st), r.http,
		proxy_serial_last_error() != NULL ? ": " : "",
		proxy_serial_last_error() != NULL ? proxy_serial_last_error() : "");
	if (strcmp(expect, "absent") == 0) {
		KEXPECT_EQ(r.init, SVSM_E_NOT_FOUND);
	} else if (strcmp(expect, "refused") == 0) {
		KEXPECT_EQ(r.init, SVSM_OK);
		KEXPECT_EQ(r.st, KBS_ERR_REFUSED);
	} else {
		KASSERT(cmdline_get(boot_info.cmdline, "kbs_secret", hex, sizeof(hex)) &&
			strlen(hex) == 64);
		hexdec(hex, want, 32);
		KEXPECT_EQ(r.init, SVSM_OK);
		KEXPECT_EQ(r.st, KBS_OK);
		KEXPECT(memcmp(r.secret, want, 32) == 0);
	}
}

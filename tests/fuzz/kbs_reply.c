/*
 * libFuzzer target for the KBS client's parsers of untrusted replies (lib/kbs_client.c,
 * lib/json.c, lib/base64.c). The first byte picks: 0 a JWE decrypted with a fixed key,
 * 1 a JSON document (parse, then the canonical form must re-parse to itself), anything
 * else the whole exchange with the rest split at NUL bytes into the auth, attest and
 * resource replies. Nothing may crash or read out of bounds; a secret is never larger than
 * asked for.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/json.h"
#include "lib/kbs_client.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct replies {
	const uint8_t *part[3];
	uint32_t len[3];
	unsigned next;
};

static enum svsm_err fuzz_http(void *ctx, const char *method, const char *path, const uint8_t *body,
			       uint32_t len, uint32_t *status, uint8_t *rsp, uint32_t cap,
			       uint32_t *rsp_len)
{
	struct replies *r = ctx;
	unsigned i = r->next++;

	if (i >= 3 || r->len[i] > cap) {
		return SVSM_E_IO;
	}
	*status = 200;
	memcpy(rsp, r->part[i], r->len[i]);
	*rsp_len = r->len[i];
	return SVSM_OK;
}

static void fuzz_json(const char *s, uint32_t n)
{
	static struct json_tok toks[128], toks2[128];
	static char canon[8192], canon2[8192];
	struct json_doc doc, doc2;
	uint32_t clen, clen2;

	if (json_parse(&doc, s, n, toks, 128) != SVSM_OK ||
	    json_canon(&doc, 0, canon, sizeof(canon), &clen) != SVSM_OK) {
		return;
	}
	if (json_parse(&doc2, canon, clen, toks2, 128) != SVSM_OK ||
	    json_canon(&doc2, 0, canon2, sizeof(canon2), &clen2) != SVSM_OK || clen != clen2 ||
	    memcmp(canon, canon2, clen) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t d[32] = {0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16,
				      0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1, 0xd6, 0x93,
				      0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12,
				      0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21};
	uint8_t out[64];
	uint32_t n = 0;

	if (size < 1 || size > 20000) {
		return 0;
	}
	if (data[0] == 0) {
		if (kbs_jwe_decrypt(d, (const char *)data + 1, (uint32_t)size - 1, out, 48, &n) ==
			KBS_OK &&
		    n > 48) {
			abort();
		}
	} else if (data[0] == 1) {
		fuzz_json((const char *)data + 1, (uint32_t)size - 1);
	} else {
		struct replies r = {0};
		struct kbs_transport t = {.ctx = &r, .http = fuzz_http};
		struct kbs_client_config cfg = {
		    .tee = "sample",
		    .evidence = kbs_sample_evidence,
		    .resource_path = "/kbs/v0/resource/default/svsm/state-key",
		    .secret_size = 32,
		};
		const uint8_t *p = data + 1, *end = data + size;

		for (unsigned i = 0; i < 3; i++) {
			const uint8_t *z = memchr(p, 0, (size_t)(end - p));

			r.part[i] = p;
			r.len[i] = (uint32_t)((z != NULL ? z : end) - p);
			p = z != NULL ? z + 1 : end;
		}
		(void)kbs_client_fetch(&cfg, &t, out, sizeof(out), NULL);
	}
	return 0;
}

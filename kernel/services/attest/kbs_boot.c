/*
 * Early attestation (kbs_boot.h): COM2 to the host proxy, then the KBS client with the
 * native platform's `sample` evidence. Boot only, on the boot CPU in the library context
 * (the proxy's round trips hold the library lock, which nothing else wants yet). No state.
 */
#include "kernel/services/attest/kbs_boot.h"

#include <string.h>

#include "kernel/drivers/proxy_serial.h"
#include "kernel/init/boot_info.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/kbs_client.h"

#define DEFAULT_RESOURCE "/kbs/v0/resource/default/svsm/state-key"

enum svsm_err kbs_boot_unlock(uint64_t generation, uint8_t secret[32], char *msg, size_t cap)
{
	static char resource[256]; /* longer than any path the client accepts (200) */
	struct kbs_client_config cfg = {.tee = "sample", .evidence = kbs_sample_evidence,
					.resource_path = DEFAULT_RESOURCE, .generation = generation,
					.secret_size = 32};
	uint32_t http = 0;
	enum kbs_status st;
	enum svsm_err err;

	if (cmdline_get(boot_info.cmdline, "kbs_resource", resource, sizeof(resource))) {
		if (strlen(resource) + 1 >= sizeof(resource)) {
			format_snprintf(msg, cap, "kbs_resource= is too long");
			return SVSM_E_INVALID_PARAM; /* cut short it could name another resource */
		}
		cfg.resource_path = resource;
	}
	err = proxy_serial_init(PROXY_SERIAL_TIMEOUT_MS, PROXY_SERIAL_ATTEMPTS);
	if (err == SVSM_E_NOT_FOUND) {
		format_snprintf(msg, cap, "no attestation proxy: no UART at COM2 (0x2f8)");
		return err;
	}
	if (err != SVSM_OK) {
		format_snprintf(msg, cap, "attestation proxy unreachable: %s",
				proxy_serial_last_error() != NULL ? proxy_serial_last_error() : "?");
		return err;
	}
	st = kbs_client_fetch(&cfg, proxy_serial_transport(), secret, 32, &http);
	if (st != KBS_OK) {
		const char *why = st == KBS_ERR_TRANSPORT ? proxy_serial_last_error() : NULL;

		format_snprintf(msg, cap, "%s (HTTP %u%s%s)", kbs_status_str(st), http,
				why != NULL ? "; " : "", why != NULL ? why : "");
		return st == KBS_ERR_REFUSED ? SVSM_E_INVALID_REQUEST : SVSM_E_IO;
	}
	return SVSM_OK;
}

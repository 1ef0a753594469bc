/*
 * kbs-client-host: the SVSM's attestation client (lib/kbs_client.c) and proxy framing
 * (lib/proxy_frame.c) on the host, speaking frames over a UNIX socket to tools/svsm-proxy,
 * so tests/kbs/test-kbs.sh checks the whole chain client -> frames -> proxy -> HTTP -> test
 * KBS -> JWE -> client without booting. Prints "secret <hex>" or "kbs: <error>" and exits
 * with the enum kbs_status value.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lib/kbs_client.h"
#include "lib/proxy_frame.h"
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static enum svsm_err sock_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	int fd = *(int *)ctx;

	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0) {
			if (n < 0 && errno == EINTR) {
				continue;
			}
			return SVSM_E_IO;
		}
		buf += n;
		len -= (uint32_t)n;
	}
	return SVSM_OK;
}

static uint32_t sock_recv(void *ctx, uint8_t *buf, uint32_t len, uint64_t deadline_us)
{
	int fd = *(int *)ctx;

	for (;;) {
		uint64_t now = now_us(NULL);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;
		int r;

		if (now >= deadline_us) {
			return 0;
		}
		r = poll(&p, 1, (int)((deadline_us - now + 999) / 1000));
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return 0;
		}
		n = recv(fd, buf, len, 0);
		if (n <= 0) {
			return 0; /* closed: like a silent line, the attempt times out */
		}
		return (uint32_t)n;
	}
}

static void usage(void)
{
	printf("usage: kbs-client-host --socket SOCK [--resource PATH] [--generation N]\n"
	       "                       [--timeout-ms N] [--attempts N] [--secret-size N]\n"
	       "Runs the SVSM's KBS client against tools/svsm-proxy listening on SOCK.\n");
}

int main(int argc, char **argv)
{
	static struct proxy_link link;
	const char *sock_path = NULL;
	struct kbs_client_config cfg = {
	    .tee = "sample",
	    .evidence = kbs_sample_evidence,
	    .resource_path = "/kbs/v0/resource/default/svsm/state-key",
	    .generation = 0,
	    .secret_size = 32,
	};
	struct proxy_link_ops ops = {.send = sock_send, .recv = sock_recv, .now_us = now_us};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct kbs_transport t = {.ctx = &link, .http = proxy_link_http};
	uint64_t timeout_ms = 3000;
	uint32_t attempts = 3, http_status = 0;
	uint8_t secret[64];
	enum kbs_status st;
	int fd;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--help") == 0) {
			usage();
			return 0;
		} else if (v == NULL) {
			usage();
			return 100;
		} else if (strcmp(argv[i], "--socket") == 0) {
			sock_path = v;
		} else if (strcmp(argv[i], "--resource") == 0) {
			cfg.resource_path = v;
		} else if (strcmp(argv[i], "--generation") == 0) {
			cfg.generation = strtoull(v, NULL, 0);
		} else if (strcmp(argv[i], "--timeout-ms") == 0) {
			timeout_ms = strtoull(v, NULL, 0);
		} else if (strcmp(argv[i], "--attempts") == 0) {
			attempts = (uint32_t)strtoul(v, NULL, 0);
		} else if (strcmp(argv[i], "--secret-size") == 0) {
			cfg.secret_size = (uint32_t)strtoul(v, NULL, 0);
		} else {
			usage();
			return 100;
		}
		i++;
	}
	if (sock_path == NULL || strlen(sock_path) >= sizeof(addr.sun_path)) {
		usage();
		return 100;
	}
	strcpy(addr.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		printf("kbs: %s\n", kbs_status_str(KBS_ERR_TRANSPORT));
		return KBS_ERR_TRANSPORT;
	}
	ops.ctx = &fd;
	proxy_link_init(&link, &ops, timeout_ms * 1000, attempts);
	if (proxy_link_hello(&link) != SVSM_OK) {
		printf("kbs: %s (%s)\n", kbs_status_str(KBS_ERR_TRANSPORT), link.last_error);
		close(fd);
		return KBS_ERR_TRANSPORT;
	}
	st = kbs_client_fetch(&cfg, &t, secret, sizeof(secret), &http_status);
	close(fd);
	if (st != KBS_OK) {
		printf("kbs: %s (http %" PRIu32 "%s%s)\n", kbs_status_str(st), http_status,
		       link.last_error != NULL ? ", " : "",
		       link.last_error != NULL ? link.last_error : "");
		return st;
	}
	printf("secret ");
	for (uint32_t i = 0; i < cfg.secret_size; i++) {
		printf("%02x", secret[i]);
	}
	printf("\n");
	return 0;
}

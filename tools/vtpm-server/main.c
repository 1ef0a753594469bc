/*
 * vtpm-server: the SVSM's vTPM service (kernel/services/vtpm, the same code the kernel
 * links) served over the TPM simulator ("mssim") socket protocol on 127.0.0.1, so
 * unmodified tpm2-tools/tpm2-tss (mssim TCTI) and IBM TSS (socsim) can drive it.
 * Owns the listening sockets, the connections and their input buffers; what each frame
 * does is frame_handler.c. One thread, one ppoll() loop; TPM commands run to completion
 * one at a time.
 *
 * Wire format (big-endian), as ibmswtpm2/ms-tpm-20-ref TcpServer.c and tpm2-tss
 * tcti-mssim.c speak it:
 *   command port N:  u32 TPM_SEND_COMMAND, u8 locality, u32 size, size bytes
 *                      -> u32 size, size bytes, u32 0
 *                    u32 TPM_REMOTE_HANDSHAKE, u32 client version -> u32 1, u32 flags, u32 0
 *                    u32 HASH_START | HASH_END -> u32 0; HASH_DATA u32 n, n bytes -> u32 0
 *                    u32 SET_ALTERNATIVE_RESULT, u32 -> u32 0
 *                    u32 SESSION_END: close; u32 STOP: stop the server
 *   platform port N+1: u32 signal -> u32 0 (1 for an unknown signal, then close)
 * Anything else is bad framing: that connection is closed and the server goes on.
 *
 * Any local process may connect (and, as with every mssim server, send STOP). So that
 * silent or slow connections cannot hold all SERVER_MAX_CONNS slots (conn_policy.h): a
 * frame must be complete CONN_POLICY_FRAME_MS after its first byte or the connection is
 * closed; a new connection that finds no slot evicts the one whose last complete frame (or
 * connect) is oldest, if over CONN_POLICY_IDLE_MS; command connections leave one slot for
 * the platform port. A response write gives up after SERVER_WRITE_MS (frame_handler.c) in
 * all, so a client that does not read stalls the others at most that long.
 */
#define _GNU_SOURCE 1 /* accept4, ppoll */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/vtpm.h"
#include "tools/vtpm-server/conn_policy.h"
#include "tools/vtpm-server/frame_handler.h"
#include "tools/vtpm-server/mssim_frame.h"

#define SERVER_MAX_CONNS   16
/* Largest frame payload accepted; libtpms answers TPM_RC_COMMAND_SIZE above 4096. */
#define SERVER_MAX_PAYLOAD MSSIM_MAX_PAYLOAD
#define SERVER_INBUF_SIZE  (9u + SERVER_MAX_PAYLOAD)

/** struct conn - one client connection and the bytes it sent that are not yet used. */
struct conn {
	int fd;
	enum conn_kind kind;
	struct conn_timing timing; /* what conn_policy decides on */
	uint32_t len;
	uint8_t in[SERVER_INBUF_SIZE];
};

static volatile sig_atomic_t server_stop_signal;
static bool server_verbose;
static struct conn *conns[SERVER_MAX_CONNS];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void server_on_signal(int sig)
{
	server_stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vtpm-server [--port N] [--ek ecc|rsa] [--verbose] [--help]\n"
		"Serve the SVSM vTPM (libtpms TPM 2.0, state in RAM) over the TPM simulator\n"
		"(mssim) protocol on 127.0.0.1: TPM commands on port N (default 2321),\n"
		"platform signals (power, NV, reset, cancel) on port N+1.\n"
		"  --port N     command port; the platform port is N+1\n"
		"  --ek TYPE    create the TCG default EK (ecc = template L-2 P-256, rsa = L-1\n"
		"               RSA-2048) at start and print \"ek-public <hex TPMT_PUBLIC>\"\n"
		"  --verbose    log connections and platform signals to stderr\n"
		"The TPM starts powered on and not yet started (send TPM2_Startup).\n"
		"Prints \"vtpm-server ready <N>\" on stdout once listening; SIGTERM or SIGINT\n"
		"(or the mssim STOP command) stops it cleanly. Any local user can connect:\n"
		"up to 16 connections, one of them kept for the platform port; a frame must\n"
		"arrive whole within 2 s of its first byte; when full, a connection without a\n"
		"complete frame for 1 s makes room.\n"
		"Example: TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=2321 tpm2_startup -c\n");
}

static int server_listen(uint16_t port)
{
	struct sockaddr_in addr;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("vtpm-server: socket");
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only, never 0.0.0.0 */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 8) != 0) {
		fprintf(stderr, "vtpm-server: cannot listen on 127.0.0.1:%u: %s\n", port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void conn_close(int slot)
{
	if (server_verbose) {
		fprintf(stderr, "vtpm-server: %s connection closed\n",
			conns[slot]->kind == CONN_COMMAND ? "command" : "platform");
	}
	close(conns[slot]->fd);
	free(conns[slot]);
	conns[slot] = NULL;
}

/* The slot for a new @kind connection (after evicting its holder if need be); -1 if none. */
static int server_free_slot(enum conn_kind kind)
{
	struct conn_timing view[SERVER_MAX_CONNS];
	uint64_t now = now_ms();
	bool evict = false;
	int slot;

	for (slot = 0; slot < SERVER_MAX_CONNS; slot++) {
		view[slot] = conns[slot] != NULL ? conns[slot]->timing : (struct conn_timing){0};
	}
	slot = conn_policy_place(view, SERVER_MAX_CONNS, kind, now, &evict);
	if (slot >= 0 && evict) {
		if (server_verbose) {
			fprintf(stderr, "vtpm-server: table full, evicting a connection without a "
				"complete frame for %llu ms\n",
				(unsigned long long)(now - conns[slot]->timing.progress_ms));
		}
		conn_close(slot);
	}
	return slot;
}

/* Closes every connection whose frame has been incomplete too long; ms to the next deadline. */
static int server_expire(void)
{
	struct conn_timing view[SERVER_MAX_CONNS];
	uint64_t now = now_ms();
	int slot;

	for (slot = 0; slot < SERVER_MAX_CONNS; slot++) {
		if (conns[slot] != NULL && conn_policy_expired(&conns[slot]->timing, now)) {
			if (server_verbose) {
				fprintf(stderr, "vtpm-server: frame incomplete after %u ms\n",
					CONN_POLICY_FRAME_MS);
			}
			conn_close(slot);
		}
		view[slot] = conns[slot] != NULL ? conns[slot]->timing : (struct conn_timing){0};
	}
	return conn_policy_wait_ms(view, SERVER_MAX_CONNS, now);
}

static void server_accept(int lfd, enum conn_kind kind)
{
	int one = 1;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int slot;

	if (fd < 0) {
		return;
	}
	slot = server_free_slot(kind);
	if (slot < 0) {
		close(fd);
		return;
	}
	conns[slot] = calloc(1, sizeof(struct conn));
	if (conns[slot] == NULL) {
		close(fd);
		return;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	conns[slot]->fd = fd;
	conns[slot]->kind = kind;
	conns[slot]->timing = conn_policy_accepted(kind, now_ms());
	if (server_verbose) {
		fprintf(stderr, "vtpm-server: %s connection accepted\n",
			kind == CONN_COMMAND ? "command" : "platform");
	}
}


/* Read what the connection has and handle every complete frame in it. */
static enum frame_result server_conn_input(struct conn *c)
{
	enum frame_result res = FRAME_DONE;
	uint32_t frames = 0;
	uint32_t used = 0;
	int one = 1;
	ssize_t n = read(c->fd, c->in + c->len, sizeof(c->in) - c->len);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		return FRAME_CLOSE;
	}
	if (n < 0) {
		return FRAME_DONE;
	}
	/*
	 * ACK at once: tpm2-tss writes the 9-byte mssim header and the command separately,
	 * so with Nagle on its side a delayed ACK here would stall every command ~40 ms.
	 * Linux clears TCP_QUICKACK by itself, hence after every read.
	 */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	c->len += (uint32_t)n;
	while (c->len > 0) {
		struct mssim_frame f;
		enum mssim_decode d = mssim_frame_decode(
			c->kind == CONN_COMMAND ? MSSIM_COMMAND_PORT : MSSIM_PLATFORM_PORT, c->in,
			c->len, &f);

		if (d == MSSIM_NEED_MORE) {
			break;
		}
		if (d == MSSIM_BAD) {
			if (c->kind == CONN_PLATFORM) {
				(void)frame_handler_ack(c->fd, 1);
			}
			return FRAME_CLOSE;
		}
		res = c->kind == CONN_COMMAND ? frame_handler_command(c->fd, &f)
					      : frame_handler_platform(c->fd, &f, server_verbose);
		if (res != FRAME_DONE) {
			return res;
		}
		used = f.used;
		memmove(c->in, c->in + used, c->len - used);
		c->len -= used;
		frames++;
	}
	conn_policy_after_input(&c->timing, frames, c->len, now_ms());
	return FRAME_DONE;
}

static void print_ek(void)
{
	uint32_t size = 0;
	const uint8_t *pub = vtpm_ek_public(&size);
	uint32_t i;

	printf("ek-public ");
	for (i = 0; i < size; i++) {
		printf("%02x", pub[i]);
	}
	printf("\n");
}

static int server_run(int lfd_cmd, int lfd_plat)
{
	struct pollfd pfds[2 + SERVER_MAX_CONNS];
	int slots[2 + SERVER_MAX_CONNS];
	enum frame_result res = FRAME_DONE;
	struct timespec timeout;
	sigset_t run_mask;
	int wait_ms = -1;
	sigset_t block;
	int count;
	int i;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &run_mask);
	sigdelset(&run_mask, SIGTERM);
	sigdelset(&run_mask, SIGINT);
	while (!server_stop_signal) {
		pfds[0] = (struct pollfd){ .fd = lfd_cmd, .events = POLLIN };
		pfds[1] = (struct pollfd){ .fd = lfd_plat, .events = POLLIN };
		count = 2;
		for (i = 0; i < SERVER_MAX_CONNS; i++) {
			if (conns[i] != NULL) {
				pfds[count] = (struct pollfd){ .fd = conns[i]->fd, .events = POLLIN };
				slots[count++] = i;
			}
		}
		timeout = (struct timespec){ .tv_sec = wait_ms / 1000,
					     .tv_nsec = (long)(wait_ms % 1000) * 1000000 };
		/* Signals are unblocked only inside ppoll: none is lost between checks. */
		if (ppoll(pfds, (nfds_t)count, wait_ms >= 0 ? &timeout : NULL, &run_mask) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("vtpm-server: ppoll");
			return 1;
		}
		for (i = 2; i < count; i++) {
			if (pfds[i].revents == 0) {
				continue;
			}
			res = server_conn_input(conns[slots[i]]);
			if (res == FRAME_STOP) {
				return 0;
			}
			if (res == FRAME_CLOSE) {
				conn_close(slots[i]);
			}
		}
		/* After the reads: a client whose bytes were waiting is not blamed for our delay. */
		wait_ms = server_expire();
		if (pfds[0].revents & POLLIN) {
			server_accept(lfd_cmd, CONN_COMMAND);
		}
		if (pfds[1].revents & POLLIN) {
			server_accept(lfd_plat, CONN_PLATFORM);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "ek", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa;
	long port = 2321;
	char *end = NULL;
	int ek = -1;
	int lfd_cmd = -1;
	int lfd_plat = -1;
	int rc = 1;
	int opt;
	int i;

	while ((opt = getopt_long(argc, argv, "p:e:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 1 || port > 65534) {
				fprintf(stderr, "vtpm-server: bad port '%s' (1..65534)\n", optarg);
				return 2;
			}
			break;
		case 'e':
			if (strcmp(optarg, "ecc") == 0) {
				ek = VTPM_EK_ECC_P256;
			} else if (strcmp(optarg, "rsa") == 0) {
				ek = VTPM_EK_RSA_2048;
			} else {
				fprintf(stderr, "vtpm-server: --ek takes ecc or rsa\n");
				return 2;
			}
			break;
		case 'v':
			server_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = server_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (vtpm_power_on() != SVSM_OK) {
		fprintf(stderr, "vtpm-server: TPM manufacture/power-on failed\n");
		return 1;
	}
	if (ek >= 0 && vtpm_ek_create((enum vtpm_ek_type)ek) != SVSM_OK) {
		fprintf(stderr, "vtpm-server: EK creation failed\n");
		goto out;
	}
	lfd_cmd = server_listen((uint16_t)port);
	lfd_plat = server_listen((uint16_t)(port + 1));
	if (lfd_cmd < 0 || lfd_plat < 0) {
		goto out;
	}
	if (ek >= 0) {
		print_ek();
	}
	printf("vtpm-server ready %ld\n", port);
	fflush(stdout);
	rc = server_run(lfd_cmd, lfd_plat);
	if (server_verbose || server_stop_signal) {
		fprintf(stderr, "vtpm-server: stopping%s\n", server_stop_signal ? " on signal" : "");
	}
out:
	for (i = 0; i < SERVER_MAX_CONNS; i++) {
		if (conns[i] != NULL) {
			conn_close(i);
		}
	}
	if (lfd_cmd >= 0) {
		close(lfd_cmd);
	}
	if (lfd_plat >= 0) {
		close(lfd_plat);
	}
	vtpm_power_off();
	ram_store_clear();
	return rc;
}

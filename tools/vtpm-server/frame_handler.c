/*
 * frame_handler.c owns what vtpm-server does with one decoded mssim frame: TPM commands,
 * the handshake and the hash signals on the command port (run on kernel/services/vtpm),
 * platform signals on the platform port, the largest command and response sizes seen, and
 * writing each reply to the connection within SERVER_WRITE_MS. Framing is mssim_frame.c;
 * sockets and connections are main.c.
 */
#include "tools/vtpm-server/frame_handler.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "kernel/services/vtpm/vtpm.h"
#include "lib/tpm_marshal.h"
#include "svsm/abi/vtpm.h"

#define SERVER_WRITE_MS    2000

/* Largest command and response seen, for TPM_GET_COMMAND_RESPONSE_SIZES. */
static struct {
	uint32_t largest_cmd_size, largest_cmd, largest_rsp_size, largest_rsp;
} server_sizes;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Write all of @iov; the socket is non-blocking, so wait for room, but no longer than
 * SERVER_WRITE_MS for the whole write (a client reading a byte now and then cannot
 * stretch it).
 */
static bool conn_writev(int fd, struct iovec *iov, int count)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	uint64_t deadline = now_ms() + SERVER_WRITE_MS;
	uint64_t now;
	ssize_t n;

	while (count > 0) {
		n = writev(fd, iov, count);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			now = now_ms();
			if (errno != EAGAIN || now >= deadline ||
			    poll(&pfd, 1, (int)(deadline - now)) <= 0) {
				return false;
			}
			continue;
		}
		while (count > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			count--;
		}
		if (count > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return true;
}

static bool conn_write_u32s(int fd, const uint32_t *vals, int count)
{
	uint8_t buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = (size_t)count * 4 };
	int i;

	for (i = 0; i < count; i++) {
		tpm_store_be32(buf + 4 * i, vals[i]);
	}
	return conn_writev(fd, &iov, 1);
}

bool frame_handler_ack(int fd, uint32_t v)
{
	return conn_write_u32s(fd, &v, 1);
}

/* A TPM response for commands the TPM cannot run (off, bad locality): TPM_RC_FAILURE. */
static const uint8_t server_rsp_failure[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x01 };

static enum frame_result server_send_command(int fd, uint8_t locality, uint8_t *cmd,
					     uint32_t size)
{
	const uint8_t *rsp = server_rsp_failure;
	uint32_t rsp_size = sizeof(server_rsp_failure);
	uint8_t head[4];
	uint8_t tail[4] = { 0, 0, 0, 0 };
	struct iovec iov[3];
	int one = 1;

	if (vtpm_run(locality, cmd, size, &rsp, &rsp_size) != SVSM_OK) {
		rsp = server_rsp_failure;
		rsp_size = sizeof(server_rsp_failure);
	}
	if (size > server_sizes.largest_cmd_size && size >= TPM_HEADER_SIZE) {
		server_sizes.largest_cmd_size = size;
		server_sizes.largest_cmd = tpm_be32(cmd + 6);
	}
	if (rsp_size > server_sizes.largest_rsp_size) {
		server_sizes.largest_rsp_size = rsp_size;
		server_sizes.largest_rsp = tpm_be32(rsp + 6);
	}
	tpm_store_be32(head, rsp_size);
	iov[0] = (struct iovec){ .iov_base = head, .iov_len = 4 };
	iov[1] = (struct iovec){ .iov_base = (void *)rsp, .iov_len = rsp_size };
	iov[2] = (struct iovec){ .iov_base = tail, .iov_len = 4 };
	if (!conn_writev(fd, iov, 3)) {
		return FRAME_CLOSE;
	}
	/* Sending made the socket "interactive" again: keep ACKing the next header at once. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	return FRAME_DONE;
}

/* Act on one complete command-port frame. */
enum frame_result frame_handler_command(int fd, const struct mssim_frame *f)
{
	const uint32_t hs[2] = { TPM_SIM_SERVER_VERSION,
				 TPM_SIM_IN_RAW_MODE | TPM_SIM_PLATFORM_AVAILABLE |
					 TPM_SIM_SUPPORTS_PP };

	switch (f->code) {
	case TPM_SEND_COMMAND:
		return server_send_command(fd, f->locality, (uint8_t *)f->payload, f->size);
	case TPM_REMOTE_HANDSHAKE:
		if (f->arg == 0) {
			return FRAME_CLOSE;	/* client version 0 is not supported */
		}
		return conn_write_u32s(fd, hs, 2) && frame_handler_ack(fd, 0) ? FRAME_DONE : FRAME_CLOSE;
	case TPM_SIGNAL_HASH_START:
	case TPM_SIGNAL_HASH_END:
		if ((f->code == TPM_SIGNAL_HASH_START ? vtpm_hash_start() : vtpm_hash_end()) != SVSM_OK) {
			return FRAME_CLOSE;
		}
		return frame_handler_ack(fd, 0) ? FRAME_DONE : FRAME_CLOSE;
	case TPM_SIGNAL_HASH_DATA:
		if (vtpm_hash_data(f->payload, f->size) != SVSM_OK) {
			return FRAME_CLOSE;
		}
		return frame_handler_ack(fd, 0) ? FRAME_DONE : FRAME_CLOSE;
	case TPM_SET_ALTERNATIVE_RESULT:
		/* not applicable to a software TPM, as in the simulator */
		return frame_handler_ack(fd, 0) ? FRAME_DONE : FRAME_CLOSE;
	case TPM_STOP:
		return FRAME_STOP;
	case TPM_SESSION_END:
	default:
		return FRAME_CLOSE;
	}
}

/* Act on one complete platform-port frame. */
enum frame_result frame_handler_platform(int fd, const struct mssim_frame *f, bool verbose)
{
	enum svsm_err err = SVSM_OK;
	uint8_t sizes[4 + sizeof(server_sizes)];
	struct iovec iov = { .iov_base = sizes, .iov_len = sizeof(sizes) };

	if (verbose) {
		fprintf(stderr, "vtpm-server: platform signal %u\n", f->code);
	}
	switch (f->code) {
	case TPM_SIGNAL_POWER_ON:
		err = vtpm_power_on();	/* no-op when already on, as the simulator */
		break;
	case TPM_SIGNAL_POWER_OFF:
		vtpm_power_off();
		break;
	case TPM_SIGNAL_RESET:
	case TPM_SIGNAL_RESTART:
		/* _TPM_Init; a restart differs only in what the next TPM2_Startup says. */
		if (vtpm_is_on()) {
			err = vtpm_reset();
		}
		break;
	case TPM_SIGNAL_CANCEL_ON:
		vtpm_cancel();
		break;
	case TPM_ACT_GET_SIGNALED:
		return frame_handler_ack(fd, 0) && frame_handler_ack(fd, 0) ? FRAME_DONE : FRAME_CLOSE;
	case TPM_GET_COMMAND_RESPONSE_SIZES:
		/* Raw host-order structure after a big-endian length, as the simulator does. */
		tpm_store_be32(sizes, sizeof(server_sizes));
		memcpy(sizes + 4, &server_sizes, sizeof(server_sizes));
		memset(&server_sizes, 0, sizeof(server_sizes));
		if (!conn_writev(fd, &iov, 1)) {
			return FRAME_CLOSE;
		}
		break;
	case TPM_SESSION_END:
		return FRAME_CLOSE;
	case TPM_STOP:
		return FRAME_STOP;
	default:
		break;	/* NV, physical presence, key cache: no effect on this TPM */
	}
	return frame_handler_ack(fd, err == SVSM_OK ? 0 : 1) ? FRAME_DONE : FRAME_CLOSE;
}

// SPDX-License-Identifier: MIT
/*
 * svsm-tpmping: the guest's TPM timing helper (docs/guest-os.md), two subcommands:
 *
 *   svsm-tpmping ping [M] [DEVICE]
 *       Sends TPM2_GetRandom(8) M times (default 100) to DEVICE (default /dev/tpm0) with one
 *       write() and one read() each, checks every response (tag, size, TPM_RC_SUCCESS, 8
 *       bytes), and prints "svsm-tpmbench roundtrip <total_us> <M>": the transport round trip
 *       through the kernel's TPM driver and the TPM device, with no TSS in between.
 *   svsm-tpmping time N CMD [ARG...]
 *       Runs CMD N times (fork + execvp, stdout and stderr to /dev/null) and prints the total
 *       wall time in microseconds, alone on a line. Fails (status 1) at the first run that
 *       does not exit 0; the caller reruns the command to show why.
 *
 * Both time with clock_gettime(CLOCK_MONOTONIC); busybox date has no %N.
 * Built by scripts/guest-os.sh with the host gcc -static, like svsm-hostile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_CC_GET_RANDOM 0x0000017bu
#define GET_RANDOM_BYTES 8u
#define TPM_HEADER_SIZE 10u

static uint64_t now_us(void)
{
	struct timespec ts = { 0 };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One TPM2_GetRandom(8) round trip; returns 0 when the response is a well-formed success. */
static int ping_once(int fd, unsigned long i)
{
	static const uint8_t cmd[12] = {
		0x80, 0x01,			/* TPM_ST_NO_SESSIONS */
		0x00, 0x00, 0x00, 0x0c,		/* commandSize */
		0x00, 0x00, 0x01, 0x7b,		/* TPM_CC_GetRandom */
		0x00, GET_RANDOM_BYTES,		/* bytesRequested */
	};
	uint8_t rsp[64] = { 0 };
	ssize_t n = 0;

	n = write(fd, cmd, sizeof(cmd));
	if (n != (ssize_t)sizeof(cmd)) {
		fprintf(stderr, "svsm-tpmping: write %lu: %s\n", i, n < 0 ? strerror(errno) : "short");
		return -1;
	}
	n = read(fd, rsp, sizeof(rsp));
	if (n < (ssize_t)(TPM_HEADER_SIZE + 2 + GET_RANDOM_BYTES)) {
		fprintf(stderr, "svsm-tpmping: read %lu: %s (%zd bytes)\n", i,
			n < 0 ? strerror(errno) : "short response", n);
		return -1;
	}
	if (be16(rsp) != TPM_ST_NO_SESSIONS || be32(rsp + 2) != (uint32_t)n || be32(rsp + 6) != 0 ||
	    be16(rsp + TPM_HEADER_SIZE) != GET_RANDOM_BYTES) {
		fprintf(stderr, "svsm-tpmping: response %lu: tag 0x%04x size %u rc 0x%08x\n", i,
			be16(rsp), be32(rsp + 2), be32(rsp + 6));
		return -1;
	}
	return 0;
}

static int cmd_ping(unsigned long count, const char *dev)
{
	uint64_t t0 = 0;
	unsigned long i = 0;
	int fd = -1;

	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "svsm-tpmping: open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	t0 = now_us();
	for (i = 0; i < count; i++) {
		if (ping_once(fd, i) != 0) {
			close(fd);
			return 1;
		}
	}
	printf("svsm-tpmbench roundtrip %llu %lu\n", (unsigned long long)(now_us() - t0), count);
	close(fd);
	return 0;
}

static int cmd_time(unsigned long count, char **argv)
{
	uint64_t t0 = now_us();
	unsigned long i = 0;

	for (i = 0; i < count; i++) {
		int status = 0;
		pid_t pid = fork();

		if (pid < 0) {
			perror("svsm-tpmping: fork");
			return 1;
		}
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
			execvp(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "svsm-tpmping: run %lu of %s failed (status 0x%x)\n", i, argv[0],
				status);
			return 1;
		}
	}
	printf("%llu\n", (unsigned long long)(now_us() - t0));
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: svsm-tpmping ping [M] [DEVICE] | time N CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;

	if (argc >= 2 && strcmp(argv[1], "ping") == 0 && argc <= 4) {
		count = argc >= 3 ? strtoul(argv[2], NULL, 0) : 100;
		return count > 0 ? cmd_ping(count, argc >= 4 ? argv[3] : "/dev/tpm0") : usage();
	}
	if (argc >= 4 && strcmp(argv[1], "time") == 0) {
		count = strtoul(argv[2], NULL, 0);
		return count > 0 ? cmd_time(count, argv + 3) : usage();
	}
	return usage();
}

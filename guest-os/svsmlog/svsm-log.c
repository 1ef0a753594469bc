// SPDX-License-Identifier: MIT
/*
 * svsm-log: reads the SVSM's log ring through the log device (32 I/O ports at 0x5e0,
 * include/svsm/abi/log.h, docs/logging.md "The log device") and switches debug mode, from
 * a guest OS that makes no SVSM calls (paravisor mode). Root (ioperm).
 *
 *   svsm-log [read] [FROM_SEQ]   prints every record from FROM_SEQ (default 0), one line
 *                                each: "<seq> <seconds.micro> cpu<N> <level>[ host] <text>";
 *                                a gap (records dropped from the ring) as "... N dropped"
 *   svsm-log debug on|off        switches debug mode (the SVSM mirrors its log to the host
 *                                console while it is on; the attestation manifest says so)
 *   svsm-log status              "svsm-log device v<version> debug on|off next <seq>"
 *
 * Exit status 0, 1 when the device is absent or a record is malformed, 2 on bad usage.
 * Built by scripts/guest-os.sh with the host gcc -static, like svsm-tpmping.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

#include "svsm/abi/log.h"

#define REG(r) ((unsigned short)(SVSM_LOG_DEV_PORT + SVSM_LOG_DEV_REG_##r))

static const char *const level_names[] = {"error", "warn", "info", "debug", "raw"};

static int usage(void)
{
	fprintf(stderr, "usage: svsm-log [read] [FROM_SEQ] | debug on|off | status\n");
	return 2;
}

static int open_device(void)
{
	if (ioperm(SVSM_LOG_DEV_PORT, SVSM_LOG_DEV_PORTS, 1) != 0) {
		perror("svsm-log: ioperm");
		return -1;
	}
	if (inl(REG(ID)) != SVSM_LOG_DEV_ID) {
		fprintf(stderr, "svsm-log: no SVSM log device at port %#x\n", SVSM_LOG_DEV_PORT);
		return -1;
	}
	return 0;
}

static void set_seq(uint64_t seq)
{
	outl((uint32_t)seq, REG(SEQ_LO));
	outl((uint32_t)(seq >> 32), REG(SEQ_HI));
}

static uint64_t get_seq(void)
{
	return ((uint64_t)inl(REG(SEQ_HI)) << 32) | inl(REG(SEQ_LO));
}

static int read_ring(uint64_t from)
{
	uint8_t rec[SVSM_LOG_RECORD_MAX];
	struct svsm_log_record_hdr h;
	uint64_t expect = from;

	set_seq(from);
	for (;;) {
		uint32_t len;
		unsigned level;

		outl(SVSM_LOG_DEV_CMD_FETCH, REG(CTRL));
		len = inl(REG(LEN));
		if (len == 0) {
			return 0;
		}
		if (len < SVSM_LOG_HDR_SIZE || len > sizeof(rec)) {
			fprintf(stderr, "svsm-log: record of %u bytes\n", len);
			return 1;
		}
		for (uint32_t i = 0; i < len; i += 4) {
			uint32_t v = inl(REG(DATA));

			for (unsigned b = 0; b < 4 && i + b < len; b++) {
				rec[i + b] = (uint8_t)(v >> (8 * b));
			}
		}
		memcpy(&h, rec, sizeof(h));
		if (SVSM_LOG_HDR_SIZE + (uint32_t)h.len != len) {
			fprintf(stderr, "svsm-log: record %llu: length %u in a %u-byte record\n",
				(unsigned long long)h.seq, h.len, len);
			return 1;
		}
		if (h.seq > expect) {
			printf("... %llu dropped\n", (unsigned long long)(h.seq - expect));
		}
		expect = h.seq + 1;
		level = h.level & SVSM_LOG_LEVEL_MASK;
		printf("%llu %llu.%06llu cpu%u %s%s%s %.*s\n", (unsigned long long)h.seq,
		       (unsigned long long)(h.time_us / 1000000),
		       (unsigned long long)(h.time_us % 1000000), h.cpu,
		       level_names[level <= SVSM_LOG_LEVEL_RAW ? level : SVSM_LOG_LEVEL_RAW],
		       (h.level & SVSM_LOG_F_HOST) ? " host" : "",
		       (h.level & SVSM_LOG_F_TRUNCATED) ? " truncated" : "", (int)h.len,
		       (const char *)rec + SVSM_LOG_HDR_SIZE);
	}
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "read";
	char *end = NULL;
	uint64_t from = 0;

	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage();
		return 0;
	}
	if (strcmp(cmd, "debug") == 0) {
		if (argc != 3 || (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0)) {
			return usage();
		}
		if (open_device() != 0) {
			return 1;
		}
		outl(strcmp(argv[2], "on") == 0 ? SVSM_LOG_DEV_CMD_DEBUG_ON
						 : SVSM_LOG_DEV_CMD_DEBUG_OFF,
		     REG(CTRL));
		printf("svsm-log debug %s\n",
		       (inl(REG(STATUS)) & SVSM_LOG_DEV_STATUS_DEBUG) ? "on" : "off");
		return 0;
	}
	if (strcmp(cmd, "status") == 0) {
		if (argc != 2 || open_device() != 0) {
			return argc != 2 ? usage() : 1;
		}
		/* A FETCH past the end leaves SEQ at the seq the next record will get. */
		set_seq(~0ull >> 1);
		outl(SVSM_LOG_DEV_CMD_FETCH, REG(CTRL));
		printf("svsm-log device v%u debug %s next %llu\n", inl(REG(VERSION)),
		       (inl(REG(STATUS)) & SVSM_LOG_DEV_STATUS_DEBUG) ? "on" : "off",
		       (unsigned long long)get_seq());
		return 0;
	}
	if (strcmp(cmd, "read") == 0) {
		argv++;
		argc--;
	}
	if (argc > 2) {
		return usage();
	}
	if (argc == 2) {
		from = strtoull(argv[1], &end, 0);
		if (end == argv[1] || *end != '\0') {
			return usage();
		}
	}
	if (open_device() != 0) {
		return 1;
	}
	return read_ring(from);
}

/*
 * libFuzzer target for lib/tpm_crb.c: the input is a stream of 12-byte register accesses
 * (op, offset, value) applied to one CRB device (heap-allocated at its exact size, so ASan
 * sees any access outside it). A START that returns EXECUTE is answered by a fake TPM with a
 * fuzzer-chosen response size, including too short and too large, at once or after more
 * accesses. Checked after every step: the data buffer matches a shadow copy kept from the
 * guest's writes and the responses; START reads 1 exactly while a command runs; the command
 * handed out is 10..TPM_CRB_DATA_SIZE bytes and matches its header; the constant registers
 * and pages 1..4 read as specified; a read never sets bits beyond its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tpm_crb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEP 12u

struct model {
	struct tpm_crb *c;
	uint8_t shadow[TPM_CRB_DATA_SIZE];
	bool running;
	uint32_t seed;
};

static const uint8_t size_error[10] = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x42};

static uint32_t rd(const struct model *m, uint32_t off)
{
	return (uint32_t)tpm_crb_read(m->c, off, 4);
}

static void check_invariants(const struct model *m)
{
	uint32_t loc_state = rd(m, TPM_CRB_LOC_STATE);
	uint32_t loc_sts = rd(m, TPM_CRB_LOC_STS);

	if ((loc_state & ~(uint32_t)TPM_CRB_LOC_STATE_ASSIGNED) != 0x81u) {
		abort();
	}
	if (loc_sts != ((loc_state & TPM_CRB_LOC_STATE_ASSIGNED) ? TPM_CRB_LOC_STS_GRANTED : 0)) {
		abort();
	}
	if ((rd(m, TPM_CRB_CTRL_STS) & ~3u) != 0 || rd(m, TPM_CRB_CTRL_REQ) != 0 ||
	    rd(m, TPM_CRB_LOC_CTRL) != 0 || rd(m, TPM_CRB_INT_STS) != 0 ||
	    (rd(m, TPM_CRB_CTRL_CANCEL) & ~1u) != 0) {
		abort();
	}
	if (rd(m, TPM_CRB_CTRL_START) != (m->running ? 1u : 0u)) {
		abort();
	}
	if (rd(m, TPM_CRB_INTF_ID) != TPM_CRB_INTF_ID_VALUE ||
	    rd(m, TPM_CRB_INTF_ID2) != TPM_CRB_INTF_ID2_VALUE ||
	    rd(m, TPM_CRB_CMD_SIZE) != TPM_CRB_DATA_SIZE ||
	    rd(m, TPM_CRB_RSP_SIZE) != TPM_CRB_DATA_SIZE ||
	    tpm_crb_read(m->c, TPM_CRB_RSP_ADDR, 8) != TPM_CRB_BASE + TPM_CRB_DATA ||
	    rd(m, TPM_CRB_CMD_LADDR) != (uint32_t)(TPM_CRB_BASE + TPM_CRB_DATA) ||
	    rd(m, TPM_CRB_CMD_HADDR) != 0) {
		abort();
	}
	if (memcmp(m->c->data, m->shadow, TPM_CRB_DATA_SIZE) != 0) {
		abort();
	}
}

/* The fake TPM: a response of @rsp_size bytes (any size), heap-allocated at exactly that. */
static void answer(struct model *m, uint32_t rsp_size)
{
	uint8_t *rsp = malloc(rsp_size ? rsp_size : 1);
	bool was_error = rd(m, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR;

	if (rsp == NULL) {
		abort();
	}
	for (uint32_t i = 0; i < rsp_size; i++) {
		rsp[i] = (uint8_t)(m->seed + i * 7);
	}
	tpm_crb_complete(m->c, rsp, rsp_size);
	if (m->running) {
		if (rsp_size >= 10 && rsp_size <= TPM_CRB_DATA_SIZE) {
			memcpy(m->shadow, rsp, rsp_size);
			memset(m->shadow + rsp_size, 0, TPM_CRB_DATA_SIZE - rsp_size);
			if (((rd(m, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR) != 0) !=
			    was_error) {
				abort();
			}
		} else if (!(rd(m, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR)) {
			abort();
		}
	}
	m->running = false;
	if (rd(m, TPM_CRB_CTRL_START) != 0) {
		abort();
	}
	free(rsp);
}

static void write_access(struct model *m, uint32_t off, unsigned size, uint64_t value,
			 const uint8_t *next, size_t left)
{
	bool was_running = m->running;
	enum tpm_crb_action act = tpm_crb_write(m->c, off, size, value);
	bool valid = (size == 1 || size == 2 || size == 4 || size == 8) &&
		     (uint64_t)off + size <= TPM_CRB_MMIO_SIZE;

	for (unsigned i = 0; valid && i < size; i++) {
		uint32_t b = off + i;

		if (b >= TPM_CRB_DATA && b < TPM_CRB_PAGE) {
			m->shadow[b - TPM_CRB_DATA] = (uint8_t)(value >> (8 * i));
		}
	}
	if (act == TPM_CRB_ACT_CANCEL && !was_running) {
		abort();
	}
	if (act == TPM_CRB_ACT_EXECUTE) {
		uint32_t cmd_size = 0;
		const uint8_t *cmd = tpm_crb_command(m->c, &cmd_size);
		uint32_t hdr = (uint32_t)m->shadow[2] << 24 | (uint32_t)m->shadow[3] << 16 |
			       (uint32_t)m->shadow[4] << 8 | m->shadow[5];
		uint8_t copy[TPM_CRB_DATA_SIZE];

		if (was_running || cmd != m->c->data || cmd_size < 10 ||
		    cmd_size > TPM_CRB_DATA_SIZE || cmd_size != hdr ||
		    rd(m, TPM_CRB_CTRL_CANCEL) != 0) {
			abort();
		}
		memcpy(copy, cmd, cmd_size);
		m->running = true;
		m->seed = copy[cmd_size - 1];
		/* The next input byte says whether the TPM answers now, and how big. */
		if (left >= 3 && (next[0] & 1)) {
			answer(m, (uint32_t)(next[1] | next[2] << 8) % (TPM_CRB_DATA_SIZE + 16));
		}
		return;
	}
	if (!m->running && memcmp(m->c->data, m->shadow, TPM_CRB_DATA_SIZE) != 0) {
		/* Only a malformed header at START may change the buffer behind our back. */
		if (memcmp(m->c->data, size_error, sizeof(size_error)) != 0 ||
		    rd(m, TPM_CRB_CTRL_START) != 0) {
			abort();
		}
		for (uint32_t i = sizeof(size_error); i < TPM_CRB_DATA_SIZE; i++) {
			if (m->c->data[i] != 0) {
				abort();
			}
		}
		memcpy(m->shadow, m->c->data, TPM_CRB_DATA_SIZE);
	}
}

static void read_access(const struct model *m, uint32_t off, unsigned size)
{
	uint64_t v = tpm_crb_read(m->c, off, size);
	bool valid = (size == 1 || size == 2 || size == 4 || size == 8) &&
		     (uint64_t)off + size <= TPM_CRB_MMIO_SIZE;

	if (!valid) {
		if (size < 8 && size > 0 ? v != (1ull << (8 * size)) - 1 : v != ~0ull) {
			abort();
		}
		return;
	}
	if (size < 8 && (v >> (8 * size)) != 0) {
		abort();
	}
	for (unsigned i = 0; i < size; i++) {
		uint32_t b = off + i;
		uint8_t byte = (uint8_t)(v >> (8 * i));

		if (b >= TPM_CRB_PAGE && byte != 0xff) {
			abort();
		}
		if (b >= TPM_CRB_DATA && b < TPM_CRB_PAGE && byte != m->shadow[b - TPM_CRB_DATA]) {
			abort();
		}
		if (b >= 0x70 && b < TPM_CRB_DATA && byte != 0) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[8] = {1, 2, 4, 8, 4, 4, 3, 0};
	struct model m;
	size_t i = 0;

	memset(&m, 0, sizeof(m));
	m.c = malloc(sizeof(*m.c));
	if (m.c == NULL) {
		return 0;
	}
	tpm_crb_init(m.c);
	check_invariants(&m);
	while (i + STEP <= size) {
		uint8_t op = data[i];
		uint32_t off = (uint32_t)(data[i + 1] | data[i + 2] << 8);
		unsigned acc = sizes[(data[i + 3] >> 4) & 7];
		uint64_t value = 0;

		memcpy(&value, data + i + 4, 8);
		i += STEP;
		/* Mostly the registers and the buffer's header; sometimes anywhere (and past). */
		off = (data[i - STEP + 3] & 1) ? off % (TPM_CRB_MMIO_SIZE + 16) : off % 0x90;
		switch (op & 7) {
		case 0:
		case 1:
			read_access(&m, off, acc);
			break;
		case 2:
		case 3:
		case 4:
			write_access(&m, off, acc, value, data + i, size - i);
			break;
		case 5:
			if (m.running) {
				answer(&m, (uint32_t)value % (TPM_CRB_DATA_SIZE + 16));
			}
			break;
		case 6:
			if (m.running) {
				tpm_crb_fail(m.c);
				m.running = false;
				if (!(rd(&m, TPM_CRB_CTRL_STS) & TPM_CRB_CTRL_STS_ERROR)) {
					abort();
				}
			}
			break;
		default:
			if (op == 0xff) {
				tpm_crb_init(m.c);
				memset(m.shadow, 0, sizeof(m.shadow));
				m.running = false;
			} else if (op == 0xf7) {
				/* A commandSize near the bounds, big-endian at bytes 2..5. */
				uint32_t n = (uint32_t)value % (TPM_CRB_DATA_SIZE + 32);

				write_access(&m, TPM_CRB_DATA + 2, 4, __builtin_bswap32(n),
					     data + i, size - i);
			} else {
				/* A 32-bit write to a chosen register: the common guest access. */
				write_access(&m, (uint32_t)(op >> 3) * 4 % TPM_CRB_DATA, 4,
					     (uint32_t)value, data + i, size - i);
			}
			break;
		}
		check_invariants(&m);
	}
	free(m.c);
	return 0;
}

/*
 * libFuzzer target: the GDB stub's protocol layer (kernel/debug/gdbstub_proto.c). The input
 * is a byte stream from the debugger: it goes through the receive framer, each complete
 * packet through the interpreter against the fake machine (tests/common/gdb_fake_target.h),
 * and the whole input once more as one packet body. Every reply must be NUL-terminated
 * within its buffer and survive framing and re-parsing unchanged.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel/debug/gdbstub_proto.h"
#include "tests/common/gdb_fake_target.h"
#include <string.h>

static struct gdb_rx rx, rx2;
static char out[GDB_PACKET_MAX];
static char framed[2 * GDB_PACKET_MAX + 8];

static void check_reply(void)
{
	size_t len = strnlen(out, sizeof(out));
	size_t n;
	enum gdb_rx_event ev = GDB_RX_NONE;

	if (len >= sizeof(out)) {
		abort();
	}
	n = gdbstub_proto_frame(out, len, framed, sizeof(framed));
	if (n == 0) {
		abort();
	}
	gdbstub_proto_rx_init(&rx2);
	for (size_t i = 0; i < n; i++) {
		ev = gdbstub_proto_rx_feed(&rx2, (uint8_t)framed[i]);
	}
	if (ev != GDB_RX_PACKET || rx2.len != len || memcmp(rx2.body, out, len) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake_machine m;
	struct gdb_target t;
	struct gdb_session s;

	fake_target_init(&t, &m);
	gdbstub_proto_session_init(&s, &t);
	gdbstub_proto_rx_init(&rx);
	for (size_t i = 0; i < size; i++) {
		if (gdbstub_proto_rx_feed(&rx, data[i]) == GDB_RX_PACKET) {
			if (rx.len >= sizeof(rx.body) || rx.body[rx.len] != '\0') {
				abort();
			}
			(void)gdbstub_proto_handle_packet(&s, rx.body, rx.len, out, sizeof(out));
			check_reply();
		}
	}
	(void)gdbstub_proto_handle_packet(&s, (const char *)data, size, out, sizeof(out));
	check_reply();
	(void)gdbstub_proto_stop_reply(&s, out, sizeof(out));
	check_reply();
	return 0;
}

/*
 * Unit tests of kernel/debug/gdbstub_proto.c against the fake machine of
 * tests/common/gdb_fake_target.h: the framer (checksums, escapes, Ctrl-C, acks, overflow),
 * framing of replies, and each packet: registers, memory (bounds, faults), breakpoints,
 * threads, resume, stop replies, and malformed input answered with an error.
 */
#include "kernel/debug/gdbstub_proto.h"
#include "tests/common/gdb_fake_target.h"
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>

static struct fake_machine m;
static struct gdb_target t;
static struct gdb_session s;
static char out[GDB_PACKET_MAX];

static void setup(void)
{
	fake_target_init(&t, &m);
	gdbstub_proto_session_init(&s, &t);
}

static enum gdb_action pkt(const char *p)
{
	return gdbstub_proto_handle_packet(&s, p, strlen(p), out, sizeof(out));
}

/* Feeds @wire; returns the last event and leaves the body in @rx. */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *wire, size_t n)
{
	enum gdb_rx_event ev = GDB_RX_NONE;

	for (size_t i = 0; i < n; i++) {
		ev = gdbstub_proto_rx_feed(rx, (uint8_t)wire[i]);
	}
	return ev;
}

TEST(gdbstub, rx_checksum_escape_interrupt)
{
	struct gdb_rx rx;
	char framed[64];
	size_t n;

	gdbstub_proto_rx_init(&rx);
	EXPECT_EQ(feed(&rx, "$g#67", 5), GDB_RX_PACKET);
	EXPECT_STREQ(rx.body, "g");
	EXPECT_EQ(feed(&rx, "$g#68", 5), GDB_RX_BAD);
	EXPECT_EQ(feed(&rx, "$g#z", 4), GDB_RX_BAD);
	EXPECT_EQ(feed(&rx, "7", 1), GDB_RX_NONE); /* the rest is noise */
	EXPECT_EQ(feed(&rx, "\x03", 1), GDB_RX_INTERRUPT);
	EXPECT_EQ(feed(&rx, "+", 1), GDB_RX_ACK);
	EXPECT_EQ(feed(&rx, "-", 1), GDB_RX_NAK);
	/* A '$' inside a body restarts the frame. */
	EXPECT_EQ(feed(&rx, "$xx$g#67", 8), GDB_RX_PACKET);
	EXPECT_STREQ(rx.body, "g");
	/* An empty packet after a longer one reads as "" (found by the fuzz target). */
	EXPECT_EQ(feed(&rx, "$#00", 4), GDB_RX_PACKET);
	EXPECT_EQ(rx.len, 0);
	EXPECT_STREQ(rx.body, "");
	/* Escapes round-trip through gdbstub_proto_frame. */
	n = gdbstub_proto_frame("a#b$c}d*", 8, framed, sizeof(framed));
	ASSERT_NE(n, 0);
	EXPECT_EQ(feed(&rx, framed, n), GDB_RX_PACKET);
	EXPECT_EQ(rx.len, 8);
	EXPECT_MEMEQ(rx.body, "a#b$c}d*", 8);
	EXPECT_EQ(gdbstub_proto_frame("abc", 3, framed, 6), 0); /* too small */
}

TEST(gdbstub, rx_overflow_is_bad)
{
	static struct gdb_rx rx;

	gdbstub_proto_rx_init(&rx);
	gdbstub_proto_rx_feed(&rx, '$');
	for (unsigned i = 0; i < GDB_PACKET_MAX + 10; i++) {
		EXPECT_EQ(gdbstub_proto_rx_feed(&rx, 'a'), GDB_RX_NONE);
	}
	EXPECT_LT(rx.len, sizeof(rx.body));
	gdbstub_proto_rx_feed(&rx, '#');
	gdbstub_proto_rx_feed(&rx, '0');
	EXPECT_EQ(gdbstub_proto_rx_feed(&rx, '0'), GDB_RX_BAD);
}

TEST(gdbstub, registers)
{
	setup();
	EXPECT_EQ(pkt("g"), GDB_ACT_REPLY);
	EXPECT_EQ(strlen(out), GDB_G_BYTES * 2);
	/* thread 1, RBX = 0x0101010101: little-endian after RAX's 16 hex digits */
	EXPECT_MEMEQ(out + 16, "0101010101000001", 16);
	/* FS (reg 22) unavailable: "xxxxxxxx" at byte 17*8 + 5*4 */
	EXPECT_MEMEQ(out + 2 * (17 * 8 + 5 * 4), "xxxxxxxx", 8);
	EXPECT_EQ(pkt("p10"), GDB_ACT_REPLY); /* RIP */
	EXPECT_MEMEQ(out, "1010101010000001", 16);
	pkt("p63");
	EXPECT_STREQ(out, ""); /* beyond the layout: not supported */
	pkt("P10=efbeadde00000000");
	EXPECT_STREQ(out, "OK");
	EXPECT_EQ(m.regs[1][GDB_REG_RIP], 0xdeadbeefu);
	pkt("P10=efbe");
	EXPECT_STREQ(out, "E02"); /* short value */
	pkt("Hg2");
	EXPECT_STREQ(out, "OK");
	pkt("G0100000000000000");
	EXPECT_STREQ(out, "OK");
	EXPECT_EQ(m.regs[2][GDB_REG_RAX], 1);
	pkt("G01zz");
	EXPECT_STREQ(out, "E02");
	pkt("Hg3"); /* exists but did not stop: listed, every register unavailable */
	EXPECT_STREQ(out, "OK");
	pkt("g");
	EXPECT_EQ(strlen(out), GDB_G_BYTES * 2);
	EXPECT_EQ(strspn(out, "x"), GDB_G_BYTES * 2);
	pkt("p10");
	EXPECT_STREQ(out, "E01");
	pkt("Hg9");
	EXPECT_STREQ(out, "E02");
	pkt("Hg-1");
	EXPECT_STREQ(out, "OK");
	pkt("Hx1");
	EXPECT_STREQ(out, "E02");
}

TEST(gdbstub, memory)
{
	setup();
	pkt("m1000,4");
	EXPECT_STREQ(out, "00010203");
	pkt("m10fe,4"); /* runs off the end within one chunk: nothing is answered */
	EXPECT_STREQ(out, "E14");
	pkt("m0,4");
	EXPECT_STREQ(out, "E14");
	pkt("m1000,0");
	EXPECT_STREQ(out, "E02");
	pkt("mffffffffffffffff,2"); /* wraps */
	EXPECT_STREQ(out, "E02");
	pkt("m11111111111111111,1"); /* 17 digits */
	EXPECT_STREQ(out, "E02");
	pkt("M1004,2:abcd");
	EXPECT_STREQ(out, "OK");
	EXPECT_EQ(m.mem[4], 0xab);
	EXPECT_EQ(m.mem[5], 0xcd);
	pkt("M1004,2:abc");
	EXPECT_STREQ(out, "E02");
	pkt("M1004,1:zz");
	EXPECT_STREQ(out, "E02");
	pkt("M0,1:00");
	EXPECT_STREQ(out, "E14");
	pkt("X1000,1:a");
	EXPECT_STREQ(out, ""); /* binary writes not offered: GDB uses M */
	/* A huge length is cut to what the reply buffer holds; a fault after the first chunk
	 * answers the bytes read so far (all 256 of the fake's memory). */
	pkt("m1000,100000");
	EXPECT_EQ(strlen(out), 2 * FAKE_MEM_SIZE);
}

/*
 * M with a length whose doubling wraps (2^63 + 2: twice it is 4, the 4 hex digits sent).
 * The body is an exact-size heap copy, so a read past it is an ASan error, not stale '\0'.
 */
TEST(gdbstub, write_mem_length_wraps)
{
	static const char body[] = "M1000,8000000000000002:abcd";
	char *p = malloc(sizeof(body) - 1);

	setup();
	EXPECT_TRUE(p != NULL);
	memcpy(p, body, sizeof(body) - 1);
	gdbstub_proto_handle_packet(&s, p, sizeof(body) - 1, out, sizeof(out));
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(m.mem[0], 0x00); /* nothing written */
	EXPECT_EQ(m.mem[1], 0x01);
	free(p);
}

TEST(gdbstub, breakpoints)
{
	setup();
	pkt("Z0,1010,1");
	EXPECT_STREQ(out, "OK");
	EXPECT_EQ(m.last_bp_type, GDB_BP_SW);
	EXPECT_EQ(m.last_bp_addr, 0x1010);
	EXPECT_TRUE(m.last_bp_insert);
	pkt("z0,1010,1");
	EXPECT_STREQ(out, "OK");
	EXPECT_FALSE(m.last_bp_insert);
	pkt("Z0,5,1");
	EXPECT_STREQ(out, "E0e");
	pkt("Z3,1000,4");
	EXPECT_STREQ(out, ""); /* unsupported kind: empty */
	pkt("Z9,1000,4");
	EXPECT_STREQ(out, "");
	for (unsigned i = 0; i < 4; i++) {
		pkt("Z1,2000,1");
		EXPECT_STREQ(out, "OK");
	}
	pkt("Z1,2000,1");
	EXPECT_STREQ(out, "E0e"); /* four debug registers */
	pkt("Z1,2000");
	EXPECT_STREQ(out, "E02");
	pkt("Z0,1010,1;X1,ff");
	EXPECT_STREQ(out, "OK"); /* conditions ignored, breakpoint set */
	pkt("Z0,1010,1x");
	EXPECT_STREQ(out, "E02");
}

TEST(gdbstub, threads_and_queries)
{
	setup();
	pkt("qfThreadInfo");
	EXPECT_STREQ(out, "m1,2,3");
	pkt("qsThreadInfo");
	EXPECT_STREQ(out, "l");
	s.stop_tid = 2;
	pkt("qC");
	EXPECT_STREQ(out, "QC2");
	pkt("T2");
	EXPECT_STREQ(out, "OK");
	pkt("T4");
	EXPECT_STREQ(out, "E01");
	pkt("qThreadExtraInfo,2");
	EXPECT_STREQ(out, "4350552031"); /* "CPU 1" */
	pkt("qThreadExtraInfo,7");
	EXPECT_STREQ(out, "E02");
	pkt("qAttached");
	EXPECT_STREQ(out, "1");
	pkt("qSupported:multiprocess+;swbreak+");
	EXPECT_TRUE(strstr(out, "swbreak+") != NULL);
	EXPECT_TRUE(strstr(out, "PacketSize=") != NULL);
	pkt("qOffsets");
	EXPECT_STREQ(out, "");
	pkt("vCont?");
	EXPECT_STREQ(out, "vCont;c;C;s;S");
	pkt("vMustReplyEmpty");
	EXPECT_STREQ(out, "");
	EXPECT_FALSE(s.no_ack);
	pkt("QStartNoAckMode");
	EXPECT_STREQ(out, "OK");
	EXPECT_TRUE(s.no_ack);
}

TEST(gdbstub, resume_and_stop_reply)
{
	setup();
	s.stop_tid = 2;
	s.stop_signal = 5;
	s.stop_why = "swbreak:;";
	pkt("?");
	EXPECT_STREQ(out, "T05thread:2;swbreak:;");
	s.stop_why = "watch:";
	s.watch_addr = 0xabc0;
	pkt("?");
	EXPECT_STREQ(out, "T05thread:2;watch:abc0;");
	EXPECT_EQ(pkt("c"), GDB_ACT_CONTINUE);
	EXPECT_EQ(s.resume_tid, 2);
	EXPECT_FALSE(s.resume_addr_set);
	pkt("Hc1");
	EXPECT_EQ(pkt("s"), GDB_ACT_STEP);
	EXPECT_EQ(s.resume_tid, 1);
	EXPECT_EQ(pkt("c1234"), GDB_ACT_CONTINUE);
	EXPECT_TRUE(s.resume_addr_set);
	EXPECT_EQ(s.resume_addr, 0x1234);
	EXPECT_EQ(pkt("cxyz"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	pkt("Hc3"); /* did not stop: the step falls back to the stopped thread */
	EXPECT_EQ(pkt("s"), GDB_ACT_STEP);
	EXPECT_EQ(s.resume_tid, 2);
	/* Without vCont, Hc0 + s steps the thread last selected with Hg. */
	pkt("Hc0");
	pkt("Hg1");
	EXPECT_EQ(pkt("s"), GDB_ACT_STEP);
	EXPECT_EQ(s.resume_tid, 1);
	pkt("Hg0");
	EXPECT_EQ(pkt("vCont;s:1;c"), GDB_ACT_STEP);
	EXPECT_EQ(s.resume_tid, 1);
	EXPECT_EQ(pkt("vCont;c:-1"), GDB_ACT_CONTINUE);
	EXPECT_EQ(pkt("vCont;S05:2"), GDB_ACT_STEP);
	EXPECT_EQ(s.resume_tid, 2);
	EXPECT_EQ(pkt("vCont;s:3"), GDB_ACT_STEP); /* did not stop: the stopped thread steps */
	EXPECT_EQ(s.resume_tid, 2);
	EXPECT_EQ(pkt("vCont;c"), GDB_ACT_CONTINUE);
	EXPECT_EQ(pkt("vCont;s:9"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(pkt("vCont;x"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(pkt("vCont;"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(pkt("vCont;C:1"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(pkt("vCont;c;"), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "E02");
	EXPECT_EQ(pkt("D"), GDB_ACT_DETACH);
	EXPECT_STREQ(out, "OK");
	EXPECT_EQ(pkt("k"), GDB_ACT_KILL);
	EXPECT_EQ(pkt(""), GDB_ACT_REPLY);
	EXPECT_STREQ(out, "");
}

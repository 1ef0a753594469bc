/*
 * GDB remote serial protocol: receive framer and packet interpreter (gdbstub_proto.h).
 * Owns no global state: everything lives in struct gdb_session / struct gdb_rx. Every
 * number and length in a packet is parsed with bounds (no overflow past 64 bits, no
 * reply larger than the caller's buffer), every thread ID checked against the target.
 */
#include "kernel/debug/gdbstub_proto.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* A cursor over the packet body. */
struct cur {
	const char *p;
	const char *end;
};

static bool at_end(const struct cur *c)
{
	return c->p >= c->end;
}

static bool eat(struct cur *c, char ch)
{
	if (!at_end(c) && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* At least one hex digit, at most 16; false on none or on overflow. */
static bool parse_hex(struct cur *c, uint64_t *out)
{
	uint64_t v = 0;
	unsigned n = 0;

	while (!at_end(c) && hexval(*c->p) >= 0) {
		if (n == 16) {
			return false;
		}
		v = (v << 4) | (uint64_t)hexval(*c->p);
		c->p++;
		n++;
	}
	*out = v;
	return n > 0;
}

/* A thread ID: hex, "-1" (all) or "0" (any); both of the latter become 0. */
static bool parse_tid(struct cur *c, unsigned *tid)
{
	uint64_t v;

	if (eat(c, '-')) {
		if (!eat(c, '1')) {
			return false;
		}
		*tid = 0;
		return true;
	}
	if (!parse_hex(c, &v) || v > GDB_MAX_THREADS) {
		return false;
	}
	*tid = (unsigned)v;
	return true;
}

/* Output with a fixed capacity; once full, further output is dropped and ok is false. */
struct out {
	char *buf;
	size_t cap;
	size_t len;
	bool ok;
};

static void put_c(struct out *o, char ch)
{
	if (o->len + 1 >= o->cap) {
		o->ok = false;
		return;
	}
	o->buf[o->len++] = ch;
	o->buf[o->len] = '\0';
}

static void put_s(struct out *o, const char *s)
{
	while (*s != '\0') {
		put_c(o, *s++);
	}
}

static void put_byte(struct out *o, uint8_t b)
{
	put_c(o, hexdigits[b >> 4]);
	put_c(o, hexdigits[b & 15]);
}

/* Big-endian hex without leading zeros (thread IDs, addresses in stop replies). */
static void put_num(struct out *o, uint64_t v)
{
	char tmp[16];
	unsigned n = 0;

	do {
		tmp[n++] = hexdigits[v & 15];
		v >>= 4;
	} while (v != 0);
	while (n > 0) {
		put_c(o, tmp[--n]);
	}
}

/* Little-endian target bytes, as 'g' and 'p' carry registers. */
static void put_le(struct out *o, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		put_byte(o, (uint8_t)(v >> (8 * i)));
	}
}

static void reply(struct out *o, const char *s)
{
	o->len = 0;
	o->buf[0] = '\0';
	o->ok = true;
	put_s(o, s);
}

static unsigned reg_size(enum gdb_reg r)
{
	return r <= GDB_REG_RIP ? 8 : 4;
}

void gdbstub_proto_session_init(struct gdb_session *s, const struct gdb_target *t)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->stop_tid = 1;
	s->stop_signal = 5;
	s->stop_why = "";
}

static bool tid_valid(const struct gdb_session *s, unsigned tid)
{
	return tid >= 1 && tid <= s->t->thread_count(s->t->ctx);
}

static unsigned reg_tid(const struct gdb_session *s)
{
	return s->g_tid != 0 ? s->g_tid : s->stop_tid;
}

size_t gdbstub_proto_stop_reply(const struct gdb_session *s, char *out, size_t cap)
{
	struct out o = {out, cap, 0, true};

	if (cap == 0) {
		return 0;
	}
	out[0] = '\0';
	put_c(&o, 'T');
	put_byte(&o, (uint8_t)s->stop_signal);
	put_s(&o, "thread:");
	put_num(&o, s->stop_tid);
	put_c(&o, ';');
	put_s(&o, s->stop_why);
	if (strncmp(s->stop_why, "watch", 5) == 0 || strncmp(s->stop_why, "awatch", 6) == 0) {
		put_num(&o, s->watch_addr);
		put_c(&o, ';');
	}
	return o.len;
}

static void do_read_regs(struct gdb_session *s, struct out *o)
{
	unsigned tid = reg_tid(s);
	bool alive;

	if (!tid_valid(s, tid)) {
		reply(o, "E01");
		return;
	}
	/* A thread that did not stop: every register unavailable, so that GDB still lists it. */
	alive = s->t->thread_alive(s->t->ctx, tid);
	for (unsigned r = 0; r < GDB_REG_COUNT; r++) {
		uint64_t v = 0;

		if (!alive || !s->t->get_reg(s->t->ctx, tid, (enum gdb_reg)r, &v)) {
			/* "xx" marks a register as unavailable. */
			for (unsigned i = 0; i < reg_size((enum gdb_reg)r); i++) {
				put_s(o, "xx");
			}
			continue;
		}
		put_le(o, v, reg_size((enum gdb_reg)r));
	}
}

/* @n bytes of little-endian hex at the cursor; false on a short or bad field. */
static bool parse_le(struct cur *c, unsigned n, uint64_t *v)
{
	uint64_t x = 0;

	if ((size_t)(c->end - c->p) < (size_t)n * 2) {
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		int hi = hexval(c->p[0]), lo = hexval(c->p[1]);

		if (hi < 0 || lo < 0) {
			return false;
		}
		x |= (uint64_t)(hi << 4 | lo) << (8 * i);
		c->p += 2;
	}
	*v = x;
	return true;
}

static void do_write_regs(struct gdb_session *s, struct cur *c, struct out *o)
{
	unsigned tid = reg_tid(s);
	uint64_t vals[GDB_REG_COUNT];
	unsigned n = 0;

	if (!tid_valid(s, tid) || !s->t->thread_alive(s->t->ctx, tid)) {
		reply(o, "E01");
		return;
	}
	/* Parse everything first: a malformed packet changes no register. */
	while (n < GDB_REG_COUNT && !at_end(c)) {
		if (!parse_le(c, reg_size((enum gdb_reg)n), &vals[n])) {
			reply(o, "E02");
			return;
		}
		n++;
	}
	for (unsigned r = 0; r < n; r++) {
		if (!s->t->set_reg(s->t->ctx, tid, (enum gdb_reg)r, vals[r])) {
			reply(o, "E03");
			return;
		}
	}
	reply(o, "OK");
}

static void do_read_reg(struct gdb_session *s, struct cur *c, struct out *o)
{
	uint64_t r, v = 0;
	unsigned tid = reg_tid(s);

	if (!parse_hex(c, &r) || !at_end(c)) {
		reply(o, "E02");
		return;
	}
	if (r >= GDB_REG_COUNT) {
		return; /* empty: GDB then reads it as unavailable from the 'g' layout */
	}
	if (!tid_valid(s, tid) || !s->t->thread_alive(s->t->ctx, tid)) {
		reply(o, "E01");
		return;
	}
	if (!s->t->get_reg(s->t->ctx, tid, (enum gdb_reg)r, &v)) {
		for (unsigned i = 0; i < reg_size((enum gdb_reg)r); i++) {
			put_s(o, "xx");
		}
		return;
	}
	put_le(o, v, reg_size((enum gdb_reg)r));
}

static void do_write_reg(struct gdb_session *s, struct cur *c, struct out *o)
{
	uint64_t r, v;
	unsigned tid = reg_tid(s);

	if (!parse_hex(c, &r) || !eat(c, '=')) {
		reply(o, "E02");
		return;
	}
	if (r >= GDB_REG_COUNT) {
		reply(o, "E02");
		return;
	}
	if (!parse_le(c, reg_size((enum gdb_reg)r), &v) || !at_end(c)) {
		reply(o, "E02");
		return;
	}
	if (!tid_valid(s, tid) || !s->t->thread_alive(s->t->ctx, tid) ||
	    !s->t->set_reg(s->t->ctx, tid, (enum gdb_reg)r, v)) {
		reply(o, "E01");
		return;
	}
	reply(o, "OK");
}

/* "ADDR,LEN" with LEN > 0 and ADDR + LEN not wrapping. */
static bool parse_range(struct cur *c, uint64_t *addr, uint64_t *len)
{
	return parse_hex(c, addr) && eat(c, ',') && parse_hex(c, len) && *len > 0 &&
	       *addr + *len > *addr;
}

static void do_read_mem(struct gdb_session *s, struct cur *c, struct out *o)
{
	uint64_t addr, len;
	uint8_t buf[256];

	if (!parse_range(c, &addr, &len) || !at_end(c)) {
		reply(o, "E02");
		return;
	}
	/* GDB splits reads to fit PacketSize; a larger request is cut to what fits. */
	if (len > (o->cap - 1) / 2) {
		len = (o->cap - 1) / 2;
	}
	while (len > 0) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		if (!s->t->read_mem(s->t->ctx, addr, buf, n)) {
			if (o->len == 0) {
				reply(o, "E14");
			}
			return; /* a partial read is answered with the bytes before the fault */
		}
		for (size_t i = 0; i < n; i++) {
			put_byte(o, buf[i]);
		}
		addr += n;
		len -= n;
	}
}

static void do_write_mem(struct gdb_session *s, struct cur *c, struct out *o)
{
	uint64_t addr, len;
	uint8_t buf[256];

	/* The data is exactly 2 * LEN hex digits; compared without doubling LEN, which a
	 * length of 2^63 or more would wrap (then the loop reads past the packet). */
	if (!parse_range(c, &addr, &len) || !eat(c, ':') || (size_t)(c->end - c->p) % 2 != 0 ||
	    (uint64_t)(c->end - c->p) / 2 != len) {
		reply(o, "E02");
		return;
	}
	while (len > 0) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		for (size_t i = 0; i < n; i++) {
			int hi = hexval(c->p[0]), lo = hexval(c->p[1]);

			if (hi < 0 || lo < 0) {
				reply(o, "E02");
				return;
			}
			buf[i] = (uint8_t)(hi << 4 | lo);
			c->p += 2;
		}
		if (!s->t->write_mem(s->t->ctx, addr, buf, n)) {
			reply(o, "E14");
			return;
		}
		addr += n;
		len -= n;
	}
	reply(o, "OK");
}

static void do_breakpoint(struct gdb_session *s, struct cur *c, struct out *o, bool insert)
{
	uint64_t type, addr, kind;
	int rc;

	if (!parse_hex(c, &type) || !eat(c, ',') || !parse_hex(c, &addr) || !eat(c, ',') ||
	    !parse_hex(c, &kind)) {
		reply(o, "E02");
		return;
	}
	/* Conditions and commands after ';' (target-side evaluation) are not offered. */
	if (!at_end(c) && *c->p != ';') {
		reply(o, "E02");
		return;
	}
	if (type > GDB_BP_ACCESS || kind > 8) {
		return; /* empty: not supported */
	}
	rc = s->t->breakpoint(s->t->ctx, (enum gdb_bp_type)type, addr, (unsigned)kind, insert);
	if (rc > 0) {
		return;
	}
	reply(o, rc == 0 ? "OK" : "E0e");
}

/* c [ADDR] and s [ADDR]. */
static enum gdb_action do_resume(struct gdb_session *s, struct cur *c, struct out *o,
				 enum gdb_action act)
{
	/* Hc0 ("any"): the thread GDB last selected with Hg, as GDB means it without vCont. */
	unsigned tid = s->c_tid != 0 ? s->c_tid : s->g_tid != 0 ? s->g_tid : s->stop_tid;

	s->resume_addr_set = false;
	if (!at_end(c)) {
		if (!parse_hex(c, &s->resume_addr) || !at_end(c)) {
			reply(o, "E02");
			return GDB_ACT_REPLY;
		}
		s->resume_addr_set = true;
	}
	if (!tid_valid(s, tid) || !s->t->thread_alive(s->t->ctx, tid)) {
		tid = s->stop_tid;
	}
	s->resume_tid = tid;
	return act;
}

/*
 * vCont;ACTION[:TID]... (after "vCont"): c, C sig, s, S sig; signals are ignored. A step of
 * one thread wins: that thread steps and the others stay stopped until it ends (as with
 * scheduler-locking); without one everything continues.
 */
static enum gdb_action do_vcont(struct gdb_session *s, struct cur *c, struct out *o)
{
	enum gdb_action act = GDB_ACT_CONTINUE;
	unsigned step_tid = 0;
	bool any = false;

	s->resume_addr_set = false;
	while (eat(c, ';')) {
		uint64_t sig = 0;
		unsigned tid = 0;
		char a = at_end(c) ? '\0' : *c->p++;

		if (a == 'C' || a == 'S') {
			if (!parse_hex(c, &sig) || sig > 0xff) {
				goto bad;
			}
		} else if (a != 'c' && a != 's') {
			goto bad;
		}
		if (eat(c, ':') && (!parse_tid(c, &tid) || (tid != 0 && !tid_valid(s, tid)))) {
			goto bad;
		}
		any = true;
		if ((a == 's' || a == 'S') && act != GDB_ACT_STEP) {
			act = GDB_ACT_STEP;
			step_tid = tid;
		}
	}
	if (!any || !at_end(c)) {
		goto bad;
	}
	if (step_tid == 0 || !s->t->thread_alive(s->t->ctx, step_tid)) {
		step_tid = s->stop_tid;
	}
	s->resume_tid = step_tid;
	return act;
bad:
	reply(o, "E02");
	return GDB_ACT_REPLY;
}

static void do_set_thread(struct gdb_session *s, struct cur *c, struct out *o)
{
	char which;
	unsigned tid;

	if (at_end(c)) {
		reply(o, "E02");
		return;
	}
	which = *c->p++;
	if ((which != 'g' && which != 'c') || !parse_tid(c, &tid) || !at_end(c) ||
	    (tid != 0 && !tid_valid(s, tid))) {
		reply(o, "E02");
		return;
	}
	if (which == 'g') {
		s->g_tid = tid;
	} else {
		s->c_tid = tid;
	}
	reply(o, "OK");
}

static bool starts(const struct cur *c, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(c->end - c->p) >= n && memcmp(c->p, prefix, n) == 0;
}

static bool is(const struct cur *c, const char *word)
{
	return (size_t)(c->end - c->p) == strlen(word) && starts(c, word);
}

static void do_thread_list(struct gdb_session *s, struct out *o, bool first)
{
	unsigned count = s->t->thread_count(s->t->ctx);

	if (first) {
		s->thread_iter = 1;
	}
	if (s->thread_iter > count) {
		reply(o, "l");
		return;
	}
	put_c(o, 'm');
	for (; s->thread_iter <= count && o->len + 20 < o->cap; s->thread_iter++) {
		if (o->len > 1) {
			put_c(o, ',');
		}
		put_num(o, s->thread_iter);
	}
}

static void do_query(struct gdb_session *s, struct cur *c, struct out *o)
{
	if (starts(c, "qSupported")) {
		put_s(o, "PacketSize=f00;QStartNoAckMode+;swbreak+;hwbreak+");
	} else if (is(c, "qfThreadInfo")) {
		do_thread_list(s, o, true);
	} else if (is(c, "qsThreadInfo")) {
		do_thread_list(s, o, false);
	} else if (is(c, "qC")) {
		put_s(o, "QC");
		put_num(o, s->stop_tid);
	} else if (starts(c, "qAttached")) {
		put_s(o, "1");
	} else if (starts(c, "qThreadExtraInfo,")) {
		unsigned tid;
		char name[64];

		c->p += strlen("qThreadExtraInfo,");
		if (!parse_tid(c, &tid) || !at_end(c) || !tid_valid(s, tid)) {
			reply(o, "E02");
			return;
		}
		name[0] = '\0';
		s->t->thread_name(s->t->ctx, tid, name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		for (const char *p = name; *p != '\0'; p++) {
			put_byte(o, (uint8_t)*p);
		}
	}
	/* Anything else (qOffsets, qSymbol, qTStatus, qXfer...): empty, not supported. */
}

enum gdb_action gdbstub_proto_handle_packet(struct gdb_session *s, const char *pkt, size_t len,
					    char *out, size_t cap)
{
	struct cur c = {pkt, pkt + len};
	struct out o = {out, cap, 0, true};
	char cmd;

	out[0] = '\0';
	if (len == 0) {
		return GDB_ACT_REPLY;
	}
	cmd = *c.p;
	switch (cmd) {
	case '?':
		o.len = gdbstub_proto_stop_reply(s, out, cap);
		break;
	case 'g':
		c.p++;
		if (!at_end(&c)) {
			reply(&o, "E02");
			break;
		}
		do_read_regs(s, &o);
		break;
	case 'G':
		c.p++;
		do_write_regs(s, &c, &o);
		break;
	case 'p':
		c.p++;
		do_read_reg(s, &c, &o);
		break;
	case 'P':
		c.p++;
		do_write_reg(s, &c, &o);
		break;
	case 'm':
		c.p++;
		do_read_mem(s, &c, &o);
		break;
	case 'M':
		c.p++;
		do_write_mem(s, &c, &o);
		break;
	case 'c':
		c.p++;
		return do_resume(s, &c, &o, GDB_ACT_CONTINUE);
	case 's':
		c.p++;
		return do_resume(s, &c, &o, GDB_ACT_STEP);
	case 'Z':
	case 'z':
		c.p++;
		do_breakpoint(s, &c, &o, cmd == 'Z');
		break;
	case 'H':
		c.p++;
		do_set_thread(s, &c, &o);
		break;
	case 'T': {
		unsigned tid;

		c.p++;
		if (parse_tid(&c, &tid) && at_end(&c) && tid_valid(s, tid)) {
			reply(&o, "OK");
		} else {
			reply(&o, "E01");
		}
		break;
	}
	case 'q':
		do_query(s, &c, &o);
		break;
	case 'Q':
		if (is(&c, "QStartNoAckMode")) {
			s->no_ack = true;
			reply(&o, "OK");
		}
		break;
	case 'D':
		reply(&o, "OK");
		return GDB_ACT_DETACH;
	case 'k':
		return GDB_ACT_KILL;
	case 'v':
		if (is(&c, "vCont?")) {
			reply(&o, "vCont;c;C;s;S");
		} else if (starts(&c, "vCont;")) {
			c.p += strlen("vCont");
			return do_vcont(s, &c, &o);
		}
		break; /* other v packets: not supported */
	default:
		/* X and anything unknown: empty reply (not supported). */
		break;
	}
	if (!o.ok) {
		reply(&o, "E03");
	}
	return GDB_ACT_REPLY;
}

void gdbstub_proto_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

enum gdb_rx_event gdbstub_proto_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	int v;

	switch (rx->state) {
	case GDB_RX_IDLE:
		if (c == '$') {
			rx->state = GDB_RX_BODY;
			rx->body[0] = '\0';
			rx->len = 0;
			rx->sum = 0;
			rx->overflow = false;
			rx->escape = false;
			return GDB_RX_NONE;
		}
		if (c == 0x03) {
			return GDB_RX_INTERRUPT;
		}
		if (c == '+') {
			return GDB_RX_ACK;
		}
		if (c == '-') {
			return GDB_RX_NAK;
		}
		return GDB_RX_NONE; /* noise between packets */
	case GDB_RX_BODY:
		if (c == '#') {
			rx->state = GDB_RX_CS1;
			return GDB_RX_NONE;
		}
		if (c == '$') { /* a new packet restarts the frame */
			rx->body[0] = '\0';
			rx->len = 0;
			rx->sum = 0;
			rx->overflow = false;
			rx->escape = false;
			return GDB_RX_NONE;
		}
		rx->sum = (uint8_t)(rx->sum + c);
		if (rx->escape) {
			c ^= 0x20;
			rx->escape = false;
		} else if (c == '}') {
			rx->escape = true;
			return GDB_RX_NONE;
		}
		if (rx->len + 1 >= sizeof(rx->body)) {
			rx->overflow = true;
		} else {
			rx->body[rx->len++] = (char)c;
			rx->body[rx->len] = '\0';
		}
		return GDB_RX_NONE;
	case GDB_RX_CS1:
		v = hexval((char)c);
		rx->cs = (uint8_t)(v < 0 ? 0 : v << 4);
		rx->state = v < 0 ? GDB_RX_IDLE : GDB_RX_CS2;
		return v < 0 ? GDB_RX_BAD : GDB_RX_NONE;
	case GDB_RX_CS2:
		v = hexval((char)c);
		rx->state = GDB_RX_IDLE;
		if (v < 0 || (uint8_t)(rx->cs | v) != rx->sum || rx->overflow) {
			return GDB_RX_BAD;
		}
		return GDB_RX_PACKET;
	}
	rx->state = GDB_RX_IDLE;
	return GDB_RX_NONE;
}

size_t gdbstub_proto_frame(const char *body, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	uint8_t sum = 0;

	if (cap < 4) {
		return 0;
	}
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		char ch = body[i];

		if (ch == '#' || ch == '$' || ch == '}' || ch == '*') {
			if (n + 2 + 3 > cap) {
				return 0;
			}
			out[n++] = '}';
			sum = (uint8_t)(sum + '}');
			ch ^= 0x20;
		} else if (n + 1 + 3 > cap) {
			return 0;
		}
		out[n++] = ch;
		sum = (uint8_t)(sum + (uint8_t)ch);
	}
	out[n++] = '#';
	out[n++] = hexdigits[sum >> 4];
	out[n++] = hexdigits[sum & 15];
	return n;
}

/*
 * The GDB remote serial protocol, independent of the CPU and the UART (docs/gdb.md): the
 * receive framer ($body#cs, acks, Ctrl-C) and the packet interpreter, which answers each
 * packet against a struct gdb_target (registers, memory, breakpoints of "threads", which
 * the kernel maps to CPUs). Portable: the kernel's debug image uses it (gdbstub.c), the
 * host unit tests and the libFuzzer target run it against a fake target. Every byte it
 * reads comes from the debugger and is validated here; nothing in it can fail other than
 * by an error reply.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffer size; qSupported advertises PacketSize=f00 (3840), which leaves room. */
#define GDB_PACKET_MAX 4096
#define GDB_MAX_THREADS 64

/* amd64 register numbers in GDB's default layout (no target.xml). */
enum gdb_reg {
	GDB_REG_RAX,
	GDB_REG_RBX,
	GDB_REG_RCX,
	GDB_REG_RDX,
	GDB_REG_RSI,
	GDB_REG_RDI,
	GDB_REG_RBP,
	GDB_REG_RSP,
	GDB_REG_R8,
	GDB_REG_R9,
	GDB_REG_R10,
	GDB_REG_R11,
	GDB_REG_R12,
	GDB_REG_R13,
	GDB_REG_R14,
	GDB_REG_R15,
	GDB_REG_RIP,	/* 16, 8 bytes */
	GDB_REG_EFLAGS, /* 17, 4 bytes, then 4-byte segment registers */
	GDB_REG_CS,
	GDB_REG_SS,
	GDB_REG_DS,
	GDB_REG_ES,
	GDB_REG_FS,
	GDB_REG_GS,
	GDB_REG_COUNT
};
#define GDB_G_BYTES (17 * 8 + 7 * 4) /* the 'g' reply: 164 bytes */

/* Breakpoint kinds, as numbered by Z/z packets. */
enum gdb_bp_type {
	GDB_BP_SW = 0,
	GDB_BP_HW = 1,
	GDB_BP_WRITE = 2,
	GDB_BP_READ = 3,
	GDB_BP_ACCESS = 4
};

/** struct gdb_target - what the interpreter needs from the machine; @ctx is passed back. */
struct gdb_target {
	void *ctx;
	/** thread_count - threads are numbered 1..count (the kernel: CPU index + 1). */
	unsigned (*thread_count)(void *ctx);
	/** thread_alive - false for a thread whose registers cannot be had (not stopped). */
	bool (*thread_alive)(void *ctx, unsigned tid);
	/** thread_name - a short description for qThreadExtraInfo (NUL-terminated, <= @n). */
	void (*thread_name)(void *ctx, unsigned tid, char *buf, size_t n);
	bool (*get_reg)(void *ctx, unsigned tid, enum gdb_reg r, uint64_t *val);
	bool (*set_reg)(void *ctx, unsigned tid, enum gdb_reg r, uint64_t val);
	/** read_mem / write_mem - false if any byte is not accessible (nothing is assumed). */
	bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t n);
	bool (*write_mem)(void *ctx, uint64_t addr, const void *buf, size_t n);
	/**
	 * breakpoint - insert (@insert) or remove one; 0 done, -1 refused (no slot, bad
	 * address), 1 this kind is not supported (the reply is empty).
	 */
	int (*breakpoint)(void *ctx, enum gdb_bp_type type, uint64_t addr, unsigned len,
			  bool insert);
};

/* What the caller does after a packet. */
enum gdb_action {
	GDB_ACT_REPLY,	  /* send reply (possibly empty) and read the next packet */
	GDB_ACT_CONTINUE, /* send nothing; resume every thread (thread @resume_tid first) */
	GDB_ACT_STEP,	  /* send nothing; single-step @resume_tid, the others stay stopped */
	GDB_ACT_DETACH,	  /* send reply ("OK"), remove every breakpoint, resume */
	GDB_ACT_KILL,	  /* send nothing; end the machine */
};

/** struct gdb_session - the interpreter's state between packets. */
struct gdb_session {
	const struct gdb_target *t;
	unsigned g_tid;	      /* thread of register packets (Hg), 0 = the stopped one */
	unsigned c_tid;	      /* thread of c/s (Hc), 0 = the stopped one */
	unsigned stop_tid;    /* the thread that reported the last stop */
	int stop_signal;      /* 5 SIGTRAP, 2 SIGINT */
	const char *stop_why; /* extra stop-reply field ("swbreak:;", "hwbreak:;"), or "" */
	uint64_t watch_addr;
	unsigned thread_iter; /* qsThreadInfo cursor */
	bool no_ack;	      /* QStartNoAckMode accepted */
	unsigned resume_tid;  /* set with GDB_ACT_CONTINUE / GDB_ACT_STEP */
	bool resume_addr_set;
	uint64_t resume_addr; /* c ADDR / s ADDR */
};

/** gdbstub_proto_session_init - a fresh session over @t. */
void gdbstub_proto_session_init(struct gdb_session *s, const struct gdb_target *t);

/**
 * gdbstub_proto_stop_reply - the stop reply for the session's last stop ("T05thread:1;swbreak:;")
 * into @out (NUL-terminated); returns its length.
 */
size_t gdbstub_proto_stop_reply(const struct gdb_session *s, char *out, size_t cap);

/**
 * gdbstub_proto_handle_packet - interpret packet body @pkt (@len bytes, checksum already checked)
 * and write the reply body to @out (NUL-terminated, at most @cap - 1 bytes; @cap must be
 * at least GDB_PACKET_MAX). Returns what to do next.
 */
enum gdb_action gdbstub_proto_handle_packet(struct gdb_session *s, const char *pkt, size_t len,
					    char *out, size_t cap);

/* The receive framer: one byte at a time. */
enum gdb_rx_event {
	GDB_RX_NONE,	  /* byte consumed, nothing complete */
	GDB_RX_PACKET,	  /* a packet with a good checksum is in body/len */
	GDB_RX_BAD,	  /* a packet ended with a bad checksum or overflowed: NAK it */
	GDB_RX_INTERRUPT, /* 0x03 outside a packet */
	GDB_RX_ACK,	  /* '+' */
	GDB_RX_NAK,	  /* '-' */
};

struct gdb_rx {
	enum { GDB_RX_IDLE, GDB_RX_BODY, GDB_RX_CS1, GDB_RX_CS2 } state;
	bool overflow;
	bool escape;
	uint8_t sum;
	uint8_t cs;
	size_t len;
	char body[GDB_PACKET_MAX];
};

void gdbstub_proto_rx_init(struct gdb_rx *rx);
/**
 * gdbstub_proto_rx_feed - feed byte @c; on GDB_RX_PACKET the unescaped body is rx->body, rx->len
 * bytes, NUL-terminated (an empty packet is "").
 */
enum gdb_rx_event gdbstub_proto_rx_feed(struct gdb_rx *rx, uint8_t c);

/**
 * gdbstub_proto_frame - frame @body (@len bytes) as "$body#cs" into @out (escaping '#', '$', '}'
 * and '*'); returns the framed length, or 0 if @cap is too small.
 */
size_t gdbstub_proto_frame(const char *body, size_t len, char *out, size_t cap);

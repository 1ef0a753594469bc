/*
 * The GDB stub of the debug image build/svsm-debug.elf (docs/gdb.md; the release and SNP
 * images link debug_absent.c instead). Owns COM3 (0x3e8, polled, no interrupts), the
 * stop-all protocol between CPUs, the breakpoint tables and the target side of
 * gdbstub_proto.c (threads = CPUs, registers = each CPU's trap frame, memory = the kernel
 * address space through the fault-tolerant copies).
 *
 * A stop: the CPU that hit a breakpoint, finished a step or noticed Ctrl-C becomes the
 * owner (one at a time), sends an NMI to every other CPU and waits until each has parked
 * in its NMI handler with its trap frame published; the owner then serves packets until
 * the debugger resumes. Continue releases everyone; a step lets only the stepped CPU run
 * (it becomes the owner; the others stay parked). Ctrl-C (0x03) and a debugger attaching
 * (a packet start '$') are noticed by polling COM3's line status after every guest exit.
 * While stopped nothing here takes a kernel lock (a parked CPU may hold one): output goes
 * straight to COM3.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/safe_copy.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"

#include "kernel/debug/debug.h"
#include "kernel/debug/gdbstub_proto.h"
#include "kernel/devices/bus.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include <string.h>

#define GDB_UART 0x3e8 /* COM3: COM1 is the console, COM2 the attestation proxy */
#define GDB_UART_PORTS 8
#define UART_RBR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_RF (1ull << 16)
#define DR6_BS (1ull << 14)
#define DR6_CLEAR 0xffff0ff0ull
#define SIG_INT 2
#define SIG_TRAP 5
#define PARK_WAIT_US 2000000
#define SW_BREAKPOINTS 32

static bool stub_on;
static volatile int owner = -1;	     /* CPU index serving the debugger, -1 = running */
static volatile bool stop_req;	     /* every CPU but the owner must park */
static volatile uint64_t resume_gen; /* bumped to release the parked CPUs */
static struct trap_frame *frames[MAX_CPUS];
static volatile bool parked[MAX_CPUS];
static volatile bool step_grant[MAX_CPUS]; /* leave the park loop to single-step */
static bool stepping[MAX_CPUS];
static uint8_t int3_signal[MAX_CPUS]; /* why this CPU executed the stub's own int3 */
static volatile int pending_rx = -1;  /* a byte the poller read before the stop */
static uint32_t poll_lock;
static bool attached; /* the debugger waits for a stop reply (it resumed us) */

struct sw_bp {
	uint64_t addr;
	uint8_t orig;
	bool used;
};
static struct sw_bp sw_bps[SW_BREAKPOINTS];

struct hw_bp {
	uint64_t addr;
	uint8_t rw;  /* DR7 R/W field: 0 exec, 1 write, 3 access */
	uint8_t len; /* DR7 LEN field */
	bool used;
};
static struct hw_bp hw_bps[4];
static volatile uint64_t dr7_value;

static struct gdb_session session;
static struct gdb_rx rx;
static char reply_buf[GDB_PACKET_MAX];
static char frame_buf[2 * GDB_PACKET_MAX + 8];

/* ---- COM3 ---- */

static void uart_out(uint8_t c)
{
	for (unsigned i = 0; i < 1000000; i++) {
		if ((inb(GDB_UART + UART_LSR) & UART_LSR_THRE) != 0) {
			break;
		}
	}
	outb(GDB_UART + UART_RBR, c);
}

/* Blocking: the debugger owns the machine while it is stopped. */
static uint8_t uart_in(void)
{
	int p = pending_rx;

	if (p >= 0) {
		pending_rx = -1;
		return (uint8_t)p;
	}
	while ((inb(GDB_UART + UART_LSR) & UART_LSR_DR) == 0) {
		cpu_relax();
	}
	return inb(GDB_UART + UART_RBR);
}

static bool uart_probe(void)
{
	outb(GDB_UART + UART_SCR, 0xa5);
	if (inb(GDB_UART + UART_SCR) != 0xa5) {
		return false;
	}
	outb(GDB_UART + UART_SCR, 0x5a);
	if (inb(GDB_UART + UART_SCR) != 0x5a) {
		return false;
	}
	outb(GDB_UART + UART_IER, 0x00);
	outb(GDB_UART + UART_LCR, 0x80);
	outb(GDB_UART + 0, 0x01); /* 115200 */
	outb(GDB_UART + 1, 0x00);
	outb(GDB_UART + UART_LCR, 0x03);
	outb(GDB_UART + UART_FCR, 0x07);
	outb(GDB_UART + UART_MCR, 0x03);
	return true;
}

/* ---- debug registers ---- */

#define DEFINE_DR(n)                                                                               \
	static inline uint64_t read_dr##n(void)                                                    \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%db" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}                                                                                          \
	static inline void write_dr##n(uint64_t v)                                                 \
	{                                                                                          \
		__asm__ volatile("mov %0, %%db" #n ::"r"(v));                                      \
	}
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)
#undef DEFINE_DR

/* This CPU's DR0-3 and DR7 from the table (every CPU, whenever it resumes). */
static void load_dregs(void)
{
	write_dr7(0);
	write_dr0(hw_bps[0].addr);
	write_dr1(hw_bps[1].addr);
	write_dr2(hw_bps[2].addr);
	write_dr3(hw_bps[3].addr);
	write_dr7(dr7_value);
}

static void compute_dr7(void)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 4; i++) {
		if (hw_bps[i].used) {
			v |= 1ull << (2 * i);
			v |= (uint64_t)hw_bps[i].rw << (16 + 4 * i);
			v |= (uint64_t)hw_bps[i].len << (18 + 4 * i);
		}
	}
	dr7_value = v;
}

/* ---- memory ---- */

static struct sw_bp *sw_find(uint64_t addr)
{
	for (unsigned i = 0; i < SW_BREAKPOINTS; i++) {
		if (sw_bps[i].used && sw_bps[i].addr == addr) {
			return &sw_bps[i];
		}
	}
	return NULL;
}

/*
 * Writes go through the fault-tolerant copy; kernel text and rodata are read-only (W^X,
 * also their direct-map alias), so a write that faults is retried once with CR0.WP clear.
 * Every other CPU is parked meanwhile. An unmapped address still faults and fails.
 */
static bool raw_write(uint64_t addr, const void *buf, size_t n)
{
	uint64_t cr0;
	bool ok;

	if (arch_safe_copy((void *)(uintptr_t)addr, buf, n)) {
		return true;
	}
	cr0 = read_cr0();
	write_cr0(cr0 & ~(1ull << 16));
	ok = arch_safe_copy((void *)(uintptr_t)addr, buf, n);
	write_cr0(cr0);
	return ok;
}

static bool t_read_mem(void *ctx, uint64_t addr, void *buf, size_t n)
{
	uint8_t *b = buf;

	(void)ctx;
	if (!arch_safe_copy(buf, (const void *)(uintptr_t)addr, n)) {
		return false;
	}
	/* The debugger sees the original bytes under its breakpoints. */
	for (unsigned i = 0; i < SW_BREAKPOINTS; i++) {
		if (sw_bps[i].used && sw_bps[i].addr >= addr && sw_bps[i].addr - addr < n) {
			b[sw_bps[i].addr - addr] = sw_bps[i].orig;
		}
	}
	return true;
}

static bool t_write_mem(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	static const uint8_t int3 = 0xcc;

	(void)ctx;
	if (!raw_write(addr, buf, n)) {
		return false;
	}
	/* A write under a breakpoint changes what it restores; the int3 stays. */
	for (unsigned i = 0; i < SW_BREAKPOINTS; i++) {
		if (sw_bps[i].used && sw_bps[i].addr >= addr && sw_bps[i].addr - addr < n) {
			sw_bps[i].orig = ((const uint8_t *)buf)[sw_bps[i].addr - addr];
			(void)raw_write(sw_bps[i].addr, &int3, 1);
		}
	}
	return true;
}

/* ---- breakpoints ---- */

static int sw_breakpoint(uint64_t addr, bool insert)
{
	static const uint8_t int3 = 0xcc;
	struct sw_bp *bp = sw_find(addr);

	if (!insert) {
		if (bp == NULL) {
			return 0;
		}
		bp->used = false;
		return raw_write(addr, &bp->orig, 1) ? 0 : -1;
	}
	if (bp != NULL) {
		return 0;
	}
	for (unsigned i = 0; i < SW_BREAKPOINTS; i++) {
		if (!sw_bps[i].used) {
			if (!arch_safe_copy(&sw_bps[i].orig, (const void *)(uintptr_t)addr, 1) ||
			    !raw_write(addr, &int3, 1)) {
				return -1;
			}
			sw_bps[i].addr = addr;
			sw_bps[i].used = true;
			return 0;
		}
	}
	return -1;
}

static int hw_breakpoint(enum gdb_bp_type type, uint64_t addr, unsigned len, bool insert)
{
	uint8_t rw, lenf;

	if (type == GDB_BP_READ) {
		return 1; /* x86 has no read-only watchpoint: GDB falls back to access (Z4) */
	}
	rw = type == GDB_BP_HW ? 0 : type == GDB_BP_WRITE ? 1 : 3;
	if (type == GDB_BP_HW) {
		lenf = 0;
	} else {
		switch (len) {
		case 1:
			lenf = 0;
			break;
		case 2:
			lenf = 1;
			break;
		case 4:
			lenf = 3;
			break;
		case 8:
			lenf = 2;
			break;
		default:
			return -1;
		}
		if ((addr & (len - 1)) != 0) {
			return -1;
		}
	}
	for (unsigned i = 0; i < 4; i++) {
		if (hw_bps[i].used && hw_bps[i].addr == addr && hw_bps[i].rw == rw) {
			if (!insert) {
				hw_bps[i].used = false;
				hw_bps[i].addr = 0;
			}
			compute_dr7();
			return 0;
		}
	}
	if (!insert) {
		return 0;
	}
	for (unsigned i = 0; i < 4; i++) {
		if (!hw_bps[i].used) {
			hw_bps[i] =
			    (struct hw_bp){.addr = addr, .rw = rw, .len = lenf, .used = true};
			compute_dr7();
			return 0;
		}
	}
	return -1;
}

static int t_breakpoint(void *ctx, enum gdb_bp_type type, uint64_t addr, unsigned len, bool insert)
{
	(void)ctx;
	if (type == GDB_BP_SW) {
		return sw_breakpoint(addr, insert);
	}
	return hw_breakpoint(type, addr, len, insert);
}

static void remove_all_breakpoints(void)
{
	for (unsigned i = 0; i < SW_BREAKPOINTS; i++) {
		if (sw_bps[i].used) {
			(void)sw_breakpoint(sw_bps[i].addr, false);
		}
	}
	memset(hw_bps, 0, sizeof(hw_bps));
	compute_dr7();
}

/* ---- threads and registers ---- */

static unsigned t_thread_count(void *ctx)
{
	(void)ctx;
	return smp_cpu_count();
}

static bool t_thread_alive(void *ctx, unsigned tid)
{
	unsigned cpu = tid - 1;

	(void)ctx;
	return cpu < smp_cpu_count() && frames[cpu] != NULL && (parked[cpu] || (int)cpu == owner);
}

static void t_thread_name(void *ctx, unsigned tid, char *buf, size_t n)
{
	unsigned cpu = tid - 1;

	(void)ctx;
	format_snprintf(buf, n, "CPU %u, APIC ID %u%s", cpu, percpu_area[cpu].apic_id,
			t_thread_alive(ctx, tid) ? "" : ", did not stop");
}

static uint64_t *frame_reg(struct trap_frame *f, enum gdb_reg r)
{
	switch (r) {
	case GDB_REG_RAX:
		return &f->rax;
	case GDB_REG_RBX:
		return &f->rbx;
	case GDB_REG_RCX:
		return &f->rcx;
	case GDB_REG_RDX:
		return &f->rdx;
	case GDB_REG_RSI:
		return &f->rsi;
	case GDB_REG_RDI:
		return &f->rdi;
	case GDB_REG_RBP:
		return &f->rbp;
	case GDB_REG_RSP:
		return &f->rsp;
	case GDB_REG_R8:
		return &f->r8;
	case GDB_REG_R9:
		return &f->r9;
	case GDB_REG_R10:
		return &f->r10;
	case GDB_REG_R11:
		return &f->r11;
	case GDB_REG_R12:
		return &f->r12;
	case GDB_REG_R13:
		return &f->r13;
	case GDB_REG_R14:
		return &f->r14;
	case GDB_REG_R15:
		return &f->r15;
	case GDB_REG_RIP:
		return &f->rip;
	case GDB_REG_EFLAGS:
		return &f->rflags;
	case GDB_REG_CS:
		return &f->cs;
	case GDB_REG_SS:
		return &f->ss;
	default:
		return NULL;
	}
}

static bool t_get_reg(void *ctx, unsigned tid, enum gdb_reg r, uint64_t *val)
{
	uint64_t *p;

	if (!t_thread_alive(ctx, tid)) {
		return false;
	}
	p = frame_reg(frames[tid - 1], r);
	if (p == NULL) {
		*val = r == GDB_REG_DS || r == GDB_REG_ES ? SEL_KDATA : 0; /* flat 64-bit */
		return true;
	}
	*val = *p;
	return true;
}

static bool t_set_reg(void *ctx, unsigned tid, enum gdb_reg r, uint64_t val)
{
	uint64_t *p, cur = 0;

	if (!t_thread_alive(ctx, tid)) {
		return false;
	}
	p = frame_reg(frames[tid - 1], r);
	if (r >= GDB_REG_CS) {
		/* Segment registers cannot change; writing back their value is fine. */
		(void)t_get_reg(ctx, tid, r, &cur);
		return (val & 0xffff) == (cur & 0xffff);
	}
	if (r == GDB_REG_EFLAGS) {
		val = (*p & ~0xffffffffull) | (val & 0xffffffffull);
	}
	*p = val;
	return true;
}

static const struct gdb_target target = {
    .ctx = NULL,
    .thread_count = t_thread_count,
    .thread_alive = t_thread_alive,
    .thread_name = t_thread_name,
    .get_reg = t_get_reg,
    .set_reg = t_set_reg,
    .read_mem = t_read_mem,
    .write_mem = t_write_mem,
    .breakpoint = t_breakpoint,
};

/* ---- packets ---- */

static void send_packet(const char *body, size_t len, bool want_ack)
{
	size_t n = gdbstub_proto_frame(body, len, frame_buf, sizeof(frame_buf));

	for (unsigned attempt = 0; attempt < 8; attempt++) {
		for (size_t i = 0; i < n; i++) {
			uart_out((uint8_t)frame_buf[i]);
		}
		if (!want_ack) {
			return;
		}
		for (;;) {
			uint8_t c = uart_in();

			if (c == '+') {
				return;
			}
			if (c == '-') {
				break; /* send again */
			}
			if (c == '$') {
				pending_rx = c; /* the next packet came first: take it as the ack */
				return;
			}
		}
	}
}

/* Serves packets until the debugger resumes, detaches or kills. */
static enum gdb_action serve(void)
{
	for (;;) {
		enum gdb_rx_event ev = gdbstub_proto_rx_feed(&rx, uart_in());
		enum gdb_action act;
		bool acks;

		/* Every debugger starts with qSupported, in acknowledged mode: a new connection
		 * (the last one may have dropped while in no-ack mode). */
		if (ev == GDB_RX_PACKET && strncmp(rx.body, "qSupported", 10) == 0) {
			session.no_ack = false;
		}
		acks = !session.no_ack;

		if (ev == GDB_RX_BAD && acks) {
			uart_out('-');
		}
		if (ev != GDB_RX_PACKET) {
			continue;
		}
		if (acks) {
			uart_out('+');
		}
		act = gdbstub_proto_handle_packet(&session, rx.body, rx.len, reply_buf,
						  sizeof(reply_buf));
		if (act == GDB_ACT_REPLY || act == GDB_ACT_DETACH) {
			send_packet(reply_buf, strlen(reply_buf), acks);
		}
		if (act != GDB_ACT_REPLY) {
			return act;
		}
	}
}

/* ---- stopping and resuming CPUs ---- */

/* A CPU other than the owner waits here (NMI handler, or a second breakpoint hit). */
static void park(unsigned me, struct trap_frame *f)
{
	uint64_t gen;

	if (parked[me]) {
		return; /* an NMI on a CPU that is already parked */
	}
	frames[me] = f;
	gen = __atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE);
	__atomic_store_n(&parked[me], true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&resume_gen, __ATOMIC_ACQUIRE) == gen) {
		if (__atomic_load_n(&step_grant[me], __ATOMIC_ACQUIRE)) {
			step_grant[me] = false;
			break; /* the frame has TF set: one instruction, then #DB makes us owner */
		}
		cpu_relax();
	}
	__atomic_store_n(&parked[me], false, __ATOMIC_RELEASE);
	load_dregs();
}

static void stop_others(unsigned me)
{
	unsigned n = smp_cpu_count();
	uint64_t end;

	__atomic_store_n(&stop_req, true, __ATOMIC_SEQ_CST);
	if (n > 1) {
		apic_send_nmi_all_but_self();
	}
	end = tsc_now_us() + PARK_WAIT_US;
	for (unsigned i = 0; i < n; i++) {
		while (i != me && !__atomic_load_n(&parked[i], __ATOMIC_ACQUIRE) &&
		       tsc_now_us() < end) {
			cpu_relax();
		}
	}
}

static void release_others(unsigned me)
{
	unsigned n = smp_cpu_count();
	uint64_t end = tsc_now_us() + PARK_WAIT_US;

	__atomic_store_n(&stop_req, false, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&resume_gen, 1, __ATOMIC_RELEASE);
	/* Wait until each has left, so that a next stop never reads a stale frame. */
	for (unsigned i = 0; i < n; i++) {
		while (i != me && __atomic_load_n(&parked[i], __ATOMIC_ACQUIRE) &&
		       tsc_now_us() < end) {
			cpu_relax();
		}
	}
}

/*
 * This CPU stopped (@sig, @why as the stop reply says it). Serves the debugger and
 * returns when this CPU may run again.
 */
static void stop_here(unsigned me, struct trap_frame *f, int sig, const char *why,
		      uint64_t watch_addr, bool hw_exec)
{
	enum gdb_action act;
	unsigned target_cpu;

	if (owner != (int)me) {
		if (!__atomic_compare_exchange_n(&owner, &(int){-1}, (int)me, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			/* Another CPU is stopping the machine: wait with the others. A software
			 * or hardware breakpoint re-triggers when we resume (RIP was rewound). */
			park(me, f);
			return;
		}
		frames[me] = f;
		stop_others(me);
	} else {
		frames[me] = f; /* a step of this CPU ended; the others stayed parked */
	}
	session.stop_tid = me + 1;
	session.stop_signal = sig;
	session.stop_why = why;
	session.watch_addr = watch_addr;
	session.g_tid = 0;
	session.c_tid = 0;
	if (attached) {
		size_t n = gdbstub_proto_stop_reply(&session, reply_buf, sizeof(reply_buf));

		send_packet(reply_buf, n, !session.no_ack);
	}
	act = serve();
	switch (act) {
	case GDB_ACT_KILL:
		exit_qemu(EXIT_QEMU_FAILURE);
		break;
	case GDB_ACT_DETACH:
		remove_all_breakpoints();
		attached = false;
		session.no_ack = false;
		break;
	case GDB_ACT_STEP:
		attached = true;
		target_cpu = session.resume_tid - 1;
		if (session.resume_addr_set) {
			frames[target_cpu]->rip = session.resume_addr;
		}
		frames[target_cpu]->rflags |= RFLAGS_TF;
		stepping[target_cpu] = true;
		if (target_cpu == me) {
			if (hw_exec) {
				f->rflags |= RFLAGS_RF;
			}
			load_dregs();
			return; /* the others stay parked */
		}
		/* Another CPU steps: it becomes the owner, this one parks. */
		__atomic_store_n(&owner, (int)target_cpu, __ATOMIC_RELEASE);
		__atomic_store_n(&step_grant[target_cpu], true, __ATOMIC_RELEASE);
		park(me, f);
		return;
	default:
		attached = true;
		if (session.resume_addr_set) {
			frames[session.resume_tid - 1]->rip = session.resume_addr;
		}
		break;
	}
	if (hw_exec) {
		f->rflags |= RFLAGS_RF; /* do not hit the same instruction breakpoint again */
	}
	load_dregs();
	release_others(me);
	__atomic_store_n(&owner, -1, __ATOMIC_RELEASE);
}

static bool on_breakpoint(unsigned me, struct trap_frame *f)
{
	uint64_t addr = f->rip - 1;
	int sig = int3_signal[me];

	if (sw_find(addr) != NULL) {
		f->rip = addr; /* re-execute the original instruction once it is restored */
		stop_here(me, f, SIG_TRAP, "swbreak:;", 0, false);
		return true;
	}
	int3_signal[me] = 0;
	/* The stub's own int3 (gdb=wait, Ctrl-C) or one compiled into the code. */
	stop_here(me, f, sig != 0 ? sig : SIG_TRAP, "", 0, false);
	return true;
}

static bool on_debug(unsigned me, struct trap_frame *f)
{
	uint64_t dr6 = read_dr6();

	write_dr6(DR6_CLEAR);
	if ((dr6 & DR6_BS) != 0 && stepping[me]) {
		stepping[me] = false;
		f->rflags &= ~RFLAGS_TF;
		stop_here(me, f, SIG_TRAP, "", 0, false);
		return true;
	}
	for (unsigned i = 0; i < 4; i++) {
		if ((dr6 & (1ull << i)) != 0 && hw_bps[i].used) {
			if (hw_bps[i].rw == 0) {
				stop_here(me, f, SIG_TRAP, "hwbreak:;", 0, true);
			} else {
				stop_here(me, f, SIG_TRAP,
					  hw_bps[i].rw == 1 ? "watch:" : "awatch:", hw_bps[i].addr,
					  false);
			}
			return true;
		}
	}
	if ((dr6 & DR6_BS) != 0) {
		f->rflags &= ~RFLAGS_TF; /* a stray step (TF left by a detached session) */
		return true;
	}
	return false;
}

bool debug_trap(struct trap_frame *f)
{
	unsigned me;

	if (!stub_on) {
		return false;
	}
	me = this_cpu()->index;
	switch (f->vector) {
	case VEC_NMI:
		if (!__atomic_load_n(&stop_req, __ATOMIC_ACQUIRE) || owner == (int)me) {
			return false; /* a vCPU kick: trap.c counts it */
		}
		park(me, f);
		return true;
	case VEC_BP:
		return on_breakpoint(me, f);
	case VEC_DB:
		return on_debug(me, f);
	default:
		return false;
	}
}

/* Enter the stub on this CPU with a trap frame: the stub's own breakpoint. */
static void stop_self(int sig)
{
	int3_signal[this_cpu()->index] = (uint8_t)sig;
	__asm__ volatile("int3" ::: "memory");
}

void debug_poll(void)
{
	uint8_t c = 0;
	bool got = false;

	if (!stub_on) {
		return;
	}
	if (dr7_value != 0) {
		load_dregs(); /* a guest may have changed DR0-3, #VMEXIT resets DR7 */
	}
	if (__atomic_load_n(&owner, __ATOMIC_ACQUIRE) != -1 ||
	    __atomic_exchange_n(&poll_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		return;
	}
	if ((inb(GDB_UART + UART_LSR) & UART_LSR_DR) != 0) {
		c = inb(GDB_UART + UART_RBR);
		if (c == '$') {
			pending_rx = '$'; /* a debugger attaching: its first packet */
			got = true;
		} else if (c == 0x03) {
			got = true;
		}
	}
	__atomic_store_n(&poll_lock, 0, __ATOMIC_RELEASE);
	if (got) {
		stop_self(SIG_INT);
	}
}

void debug_init(void)
{
	char mode[16] = "on";

	(void)cmdline_get(boot_info.cmdline, "gdb", mode, sizeof(mode));
	if (strcmp(mode, "off") == 0) {
		pr_info("debug: GDB stub off (gdb=off)\n");
		return;
	}
	if (strcmp(mode, "on") != 0 && strcmp(mode, "wait") != 0) {
		pr_err("debug: gdb=%s: use on, wait or off; the GDB stub stays off\n", mode);
		return;
	}
	if (!uart_probe()) {
		pr_warn("debug: no UART at COM3 (0x%x): the GDB stub is off (make run GDB=1)\n",
			GDB_UART);
		return;
	}
	gdbstub_proto_session_init(&session, &target);
	gdbstub_proto_rx_init(&rx);
	write_dr6(DR6_CLEAR);
	stub_on = true;
	pr_info("debug: GDB stub on COM3 (0x%x), %u CPUs as threads; Ctrl-C is polled after "
		"every guest exit\n",
		GDB_UART, smp_cpu_count());
	if (strcmp(mode, "wait") == 0) {
		pr_info("debug: gdb=wait: waiting for the debugger\n");
		stop_self(SIG_TRAP);
		pr_info("debug: the debugger resumed the SVSM\n");
	}
}

static enum bus_result gdb_uart_absent(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (!a->write) {
		a->value = a->size >= 8 ? UINT64_MAX : (1ull << (a->size * 8)) - 1;
	}
	return BUS_DONE;
}

enum svsm_err debug_guest_register(void)
{
	/* COM3 is the debugger's: OS guests see an empty ISA slot there, like COM2. */
	return bus_register_io(GDB_UART, GDB_UART_PORTS, gdb_uart_absent, NULL);
}

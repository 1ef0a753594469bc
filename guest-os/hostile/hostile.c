// SPDX-License-Identifier: MIT
/*
 * svsm-hostile: attacks a root user in the guest OS can make on the paravisor beneath it
 * (docs/guest-os.md). One subcommand per attack; each prints what it observed, then
 * "svsm-hostile <name> CONTAINED" or "svsm-hostile <name> BREACH". The verdict rests only on
 * what the guest can see: its CPUs still run, registers read back masked or unchanged,
 * reads outside its RAM return no data, privileged instructions fault.
 *
 * Built by scripts/guest-os.sh with the host gcc -static against Debian's static libc.
 * Usage: svsm-hostile NAME [NAME...] | all   (names: see attacks[] below)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#define PAGE_SIZE 4096UL

static const char *cur;		/* the attack being run, for say() */

#define say(...) do { printf("svsm-hostile %s: ", cur); printf(__VA_ARGS__); \
	putchar('\n'); fflush(stdout); } while (0)

/*
 * A verdict also goes to /dev/kmsg: printk writes the serial console synchronously, while
 * this process's stdout reaches the UART through its transmit interrupt, which may be routed
 * to a CPU the attack just stopped (seen on bare QEMU after icr: the line never appears).
 */
static void kmsg(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

static int verdict(bool contained)
{
	char line[128];

	snprintf(line, sizeof(line), "svsm-hostile %s %s\n", cur, contained ? "CONTAINED" : "BREACH");
	fputs(line, stdout);
	fflush(stdout);
	kmsg(line); /* both verdicts: a printk can cut this stdout line on the serial console */
	return contained ? 0 : 1;
}

/* --- helpers ----------------------------------------------------------------------- */

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* The APIC ID of each online CPU, from /proc/cpuinfo; returns how many. */
static int apic_ids(uint32_t *ids, int max)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned int id;

		if (sscanf(line, "apicid : %u", &id) == 1)
			ids[n++] = id;
	}
	fclose(f);
	return n;
}

/* Is every CPU still scheduling? A child pinned to each CPU must answer within 3 s. */
static bool cpus_alive(int ncpu, int *dead_out)
{
	int dead = 0;

	for (int c = 0; c < ncpu; c++) {
		int fd[2];
		pid_t pid;
		struct pollfd p;
		char b;

		if (pipe(fd) != 0)
			return false;
		pid = fork();
		if (pid == 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(c, &set);
			if (sched_setaffinity(0, sizeof(set), &set) == 0 && sched_getcpu() == c)
				(void)!write(fd[1], "y", 1);
			_exit(0);
		}
		close(fd[1]);
		p.fd = fd[0];
		p.events = POLLIN;
		if (poll(&p, 1, 3000) != 1 || read(fd[0], &b, 1) != 1 || b != 'y') {
			char line[96];

			snprintf(line, sizeof(line), "svsm-hostile %s: cpu %d did not run a pinned task "
				 "within 3 s\n", cur, c);
			kmsg(line);
			say("cpu %d did not run a pinned task within 3 s", c);
			dead++;
			if (pid > 0)
				kill(pid, SIGKILL);
		}
		close(fd[0]);
		/* A child stuck on a dead CPU cannot be reaped; do not wait for it. */
		if (pid > 0)
			waitpid(pid, NULL, WNOHANG);
	}
	if (dead_out)
		*dead_out = dead;
	return dead == 0;
}

/* LOC (local timer) interrupt counts per CPU from /proc/interrupts; returns how many. */
static int loc_counts(unsigned long *cnt, int max)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		while (*s == ' ')
			s++;
		if (strncmp(s, "LOC:", 4) != 0)
			continue;
		s += 4;
		while (n < max) {
			unsigned long v = strtoul(s, &e, 10);

			if (e == s)
				break;
			cnt[n++] = v;
			s = e;
		}
		break;
	}
	fclose(f);
	return n;
}

/* Every CPU alive: pinned tasks run and every LOC count advances over 1.2 s. */
static bool guest_runs(void)
{
	unsigned long a[64], b[64];
	int ncpu = cpu_count(), na, nb, dead = 0, stalled = 0;

	na = loc_counts(a, 64);
	usleep(1200000);
	nb = loc_counts(b, 64);
	for (int i = 0; i < na && i < nb; i++)
		if (b[i] <= a[i]) {
			say("cpu %d local timer count stalled at %lu", i, b[i]);
			stalled++;
		}
	cpus_alive(ncpu, &dead);
	say("%d CPUs: %d did not run a pinned task, %d local timers stalled", ncpu, dead, stalled);
	return dead == 0 && stalled == 0 && na > 0;
}

static int devmem_fd(void)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0)
		say("open /dev/mem: %s", strerror(errno));
	return fd;
}

static volatile uint32_t *map_mmio(int fd, uint64_t pa)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);

	if (p == MAP_FAILED) {
		say("mmap /dev/mem at %#" PRIx64 ": %s", pa, strerror(errno));
		return NULL;
	}
	return p;
}

static int msr_rdwr(int cpu, uint32_t msr, uint64_t *val, bool write)
{
	char path[64];
	int fd, rc;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	rc = write ? (int)pwrite(fd, val, 8, msr) : (int)pread(fd, val, 8, msr);
	rc = rc == 8 ? 0 : -errno;
	close(fd);
	return rc;
}

/* Guest-physical address of a locked user page, from /proc/self/pagemap (0 if unknown). */
static uint64_t user_pa(void *va)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)va / PAGE_SIZE * 8)) != 8)
		e = 0;
	close(fd);
	if (!(e & (1ULL << 63)) || !(e & ((1ULL << 55) - 1)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * PAGE_SIZE + (uintptr_t)va % PAGE_SIZE;
}

struct range { uint64_t start, end; };	/* end exclusive */

/*
 * The hole at the top of low RAM: svsm.hole=START-END from the command line, else from
 * /proc/iomem the gap between the end of the last top-level "System RAM" below 4 GiB and
 * the next top-level range.
 */
static bool find_hole(struct range *h)
{
	FILE *f;
	char line[256];
	uint64_t ram_end = 0, next = 0;

	f = fopen("/proc/cmdline", "r");
	if (f && fgets(line, sizeof(line), f)) {
		char *s = strstr(line, "svsm.hole=");

		if (s && sscanf(s, "svsm.hole=%" SCNx64 "-%" SCNx64, &h->start, &h->end) == 2) {
			fclose(f);
			return h->end > h->start;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/iomem", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		uint64_t s, e;

		if (line[0] == ' ' || sscanf(line, "%" SCNx64 "-%" SCNx64, &s, &e) != 2)
			continue;
		if (strstr(line, "System RAM") && e < (1ULL << 32)) {
			ram_end = e + 1;
			next = 0;
		} else if (ram_end && !next && s >= ram_end) {
			next = s;
		}
	}
	fclose(f);
	if (!ram_end || !next || next <= ram_end) {
		say("System RAM below 4 GiB ends at %#" PRIx64 ", next range at %#" PRIx64 ": no gap",
		    ram_end, next);
		return false;
	}
	h->start = ram_end;
	h->end = next;
	return true;
}

static void hexdump8(const char *what, const uint8_t *p)
{
	say("%s: %02x %02x %02x %02x %02x %02x %02x %02x", what, p[0], p[1], p[2], p[3], p[4],
	    p[5], p[6], p[7]);
}

/* Are all n bytes the same as b? */
static bool uniform(const uint8_t *p, size_t n, uint8_t b)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

/* --- icr --------------------------------------------------------------------------- */

#define ICR_INIT 0x4500u	/* delivery mode INIT, level assert */
#define ICR_SIPI 0x4610u	/* start-up, vector 0x10 (0x10000) */
#define ICR_NMI  0x4400u

static bool x2apic_mode(void)
{
	uint64_t base = 0;

	return msr_rdwr(0, 0x1b, &base, false) == 0 && (base & (1u << 10));
}

/* Sends one IPI from the CPU this runs on; x2APIC through the ICR MSR, else xAPIC MMIO. */
static void send_ipi(volatile uint32_t *lapic, bool x2, uint32_t dest, uint32_t icr)
{
	if (x2) {
		uint64_t v = ((uint64_t)dest << 32) | icr;
		int cpu = sched_getcpu();
		int rc = msr_rdwr(cpu, 0x830, &v, true);

		if (rc)
			say("wrmsr ICR(0x830) on cpu %d: %s", cpu, strerror(-rc));
	} else if (lapic) {
		lapic[0x310 / 4] = dest << 24;
		lapic[0x300 / 4] = icr;
	}
}

static int attack_icr(void)
{
	uint32_t ids[64];
	int n = apic_ids(ids, 64), fd, self_cpu;
	volatile uint32_t *lapic = NULL;
	bool x2 = x2apic_mode();
	cpu_set_t set;

	/* Stay on one CPU so that "self" means the same APIC throughout. */
	self_cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(self_cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	say("%d CPUs, APIC in %s mode, running on cpu %d (APIC ID %u)", n,
	    x2 ? "x2APIC" : "xAPIC", self_cpu, n > self_cpu ? ids[self_cpu] : 0);
	if (!x2) {
		fd = devmem_fd();
		if (fd >= 0)
			lapic = map_mmio(fd, 0xfee00000);
		if (!lapic) {
			say("no access to the xAPIC page (boot with iomem=relaxed)");
			return verdict(guest_runs());
		}
		say("xAPIC ID register reads %#x, version %#x", lapic[0x20 / 4], lapic[0x30 / 4]);
	}
	for (int i = 0; i < n; i++) {
		if (i == self_cpu)
			continue;
		/*
		 * SIPI first (no INIT before it: ignored, as by hardware), the NMI, then an INIT.
		 * On a machine that passes them through the INIT halts that CPU; under the SVSM
		 * it reaches no physical CPU: the guest's vCPU would restart only at a following
		 * SIPI (which restarting the guest's own AP is, not an attack on the SVSM).
		 */
		say("SIPI (vector 0x10), NMI, INIT to APIC ID %u (cpu %d)", ids[i], i);
		send_ipi(lapic, x2, ids[i], ICR_SIPI);
		usleep(1000);
		send_ipi(lapic, x2, ids[i], ICR_NMI);
		usleep(1000);
		send_ipi(lapic, x2, ids[i], ICR_INIT);
		usleep(10000);
	}
	if (!guest_runs()) {
		say("another CPU stopped; not aiming at this CPU");
		return verdict(false);
	}
	say("INIT, SIPI (vector 0x10), NMI to this CPU's APIC ID %u", n > self_cpu ? ids[self_cpu] : 0);
	send_ipi(lapic, x2, ids[self_cpu], ICR_INIT);
	usleep(10000);
	send_ipi(lapic, x2, ids[self_cpu], ICR_SIPI);
	usleep(1000);
	send_ipi(lapic, x2, ids[self_cpu], ICR_NMI);
	say("this CPU returned from its own INIT/SIPI/NMI");
	return verdict(guest_runs());
}

/* --- ioapic ------------------------------------------------------------------------ */

static uint64_t ioapic_read(volatile uint32_t *io, int pin)
{
	uint64_t lo, hi;

	io[0] = 0x10 + 2 * pin;
	lo = io[4];
	io[0] = 0x11 + 2 * pin;
	hi = io[4];
	return hi << 32 | lo;
}

static void ioapic_write(volatile uint32_t *io, int pin, uint64_t v)
{
	io[0] = 0x11 + 2 * pin;
	io[4] = (uint32_t)(v >> 32);
	io[0] = 0x10 + 2 * pin;
	io[4] = (uint32_t)v;
}

static int attack_ioapic(void)
{
	static const struct { const char *what; uint64_t v; } tries[] = {
		{ "NMI delivery", 0x400 | 0x02 },
		{ "INIT delivery", 0x500 },
		{ "SMI delivery", 0x200 },
		{ "vector 0xee (the SVSM's)", 0xee },
		{ "vector 0x08 (#DF)", 0x08 },
	};
	volatile uint32_t *io;
	int fd = devmem_fd(), pins, breaches = 0;

	if (fd < 0)
		return verdict(guest_runs());
	io = map_mmio(fd, 0xfec00000);
	if (!io) {
		say("no access to the IOAPIC page (boot with iomem=relaxed)");
		return verdict(guest_runs());
	}
	io[0] = 1;
	uint32_t version = io[4];

	pins = ((version >> 16) & 0xff) + 1;
	if (pins > 24 || pins < 1)
		pins = 24;
	/* The last pin: no device of the q35 machine uses it. */
	int pin = pins - 1;
	uint64_t orig = ioapic_read(io, pin);

	say("IOAPIC version register %#x, %d pins; pin %d reads %#" PRIx64, version, pins, pin, orig);
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		uint64_t want = tries[i].v;	/* mask bit 16 clear, destination APIC ID 0 */
		uint64_t got;

		ioapic_write(io, pin, want);
		got = ioapic_read(io, pin);
		bool ok = (got & (1u << 16)) || got == orig;

		say("%s: wrote %#" PRIx64 ", read back %#" PRIx64 " (%s)", tries[i].what, want, got,
		    ok ? "masked or unchanged" : "accepted");
		breaches += !ok;
	}
	ioapic_write(io, pin, orig);
	return verdict(breaches == 0 && guest_runs());
}

/* --- devmem-svsm --------------------------------------------------------------------- */

#define SVSM_BASE 0x200000ULL
#define SVSM_SIZE (64ULL << 20)

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* Copies n bytes from guest-physical pa through a /dev/mem mapping; -signal or -errno. */
static int devmem_copy(int fd, uint64_t pa, uint8_t *buf, size_t n, bool write)
{
	volatile uint8_t *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);
	int sig;

	if (p == MAP_FAILED)
		return -errno;
	signal(SIGBUS, on_fault);
	signal(SIGSEGV, on_fault);
	sig = sigsetjmp(fault_jmp, 1);
	if (sig == 0) {
		for (size_t i = 0; i < n; i++) {
			if (write)
				p[i] = buf[i];
			else
				buf[i] = p[i];
		}
	}
	signal(SIGBUS, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	munmap((void *)p, n);
	return sig ? -1000 - sig : 0;
}

static const char *copy_err(int rc)
{
	static char b[64];

	if (rc <= -1000)
		snprintf(b, sizeof(b), "signal %s", strsignal(-rc - 1000));
	else
		snprintf(b, sizeof(b), "%s", strerror(-rc));
	return b;
}

static int attack_devmem_svsm(void)
{
	uint8_t buf[PAGE_SIZE], pat[PAGE_SIZE];
	int fd = devmem_fd(), rc, breaches = 0;
	struct range hole;
	size_t mb = 64, found = 0, kept = 0;
	uint8_t *mem;

	/* 1. 0x200000.. must be the guest's own RAM: /dev/mem (refused by STRICT_DEVMEM for RAM)
	 * and user pages that landed there must keep what was written to them. */
	if (fd >= 0) {
		rc = devmem_copy(fd, SVSM_BASE, buf, 64, false);
		if (rc)
			say("read %#llx through /dev/mem: %s", SVSM_BASE, copy_err(rc));
		else
			hexdump8("/dev/mem at 0x200000", buf);
	}
	mem = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem != MAP_FAILED) {
		for (size_t off = 0; off < mb << 20; off += PAGE_SIZE) {
			uint64_t pa = user_pa(mem + off);

			if (pa >= SVSM_BASE && pa < SVSM_BASE + SVSM_SIZE) {
				memset(mem + off, (int)(0x5a ^ (pa >> 12)), PAGE_SIZE);
				found++;
			} else {
				mem[off] = 0;
			}
		}
		usleep(200000);
		for (size_t off = 0; off < mb << 20; off += PAGE_SIZE) {
			uint64_t pa = user_pa(mem + off);

			if (pa >= SVSM_BASE && pa < SVSM_BASE + SVSM_SIZE &&
			    uniform(mem + off, PAGE_SIZE, (uint8_t)(0x5a ^ (pa >> 12))))
				kept++;
		}
		munmap(mem, mb << 20);
	}
	say("%zu of this process's pages sit at guest-physical 0x200000-%#llx; %zu kept their "
	    "pattern (ordinary guest RAM)", found, SVSM_BASE + SVSM_SIZE, kept);
	if (kept != found)
		breaches++;

	/* 2. The hole: reads return no data, writes do not stick. */
	if (!find_hole(&hole)) {
		say("no hole after the last System RAM below 4 GiB in /proc/iomem");
	} else {
		uint64_t probes[3] = { hole.start, (hole.start + (hole.end - hole.start) / 2) & ~(PAGE_SIZE - 1),
				       hole.end - PAGE_SIZE };

		say("hole %#" PRIx64 "-%#" PRIx64 " (%" PRIu64 " MiB)", hole.start, hole.end - 1,
		    (hole.end - hole.start) >> 20);
		for (int i = 0; i < 3 && fd >= 0; i++) {
			uint64_t pa = probes[i];

			rc = devmem_copy(fd, pa, buf, PAGE_SIZE, false);
			if (rc) {
				say("read %#" PRIx64 ": %s", pa, copy_err(rc));
				continue;
			}
			bool empty = uniform(buf, PAGE_SIZE, 0xff) || uniform(buf, PAGE_SIZE, 0);

			hexdump8(empty ? "read (no data)" : "read DATA", buf);
			breaches += !empty;
			for (size_t j = 0; j < PAGE_SIZE; j++)
				pat[j] = (uint8_t)(j * 7 + 0x3c);
			rc = devmem_copy(fd, pa, pat, PAGE_SIZE, true);
			if (rc) {
				say("write %#" PRIx64 ": %s", pa, copy_err(rc));
				continue;
			}
			rc = devmem_copy(fd, pa, buf, PAGE_SIZE, false);
			bool stuck = rc == 0 && memcmp(buf, pat, PAGE_SIZE) == 0;

			say("wrote a pattern at %#" PRIx64 ": %s", pa,
			    rc ? copy_err(rc) : stuck ? "it reads back (memory behind the hole)" :
			    "it does not read back");
			breaches += stuck;
		}
	}
	return verdict(breaches == 0 && guest_runs());
}

/* --- fwcfg-dma --------------------------------------------------------------------- */

#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511
#define FW_CFG_DMA_HI	0x514
#define FW_CFG_DMA_LO	0x518

struct fw_cfg_dma {
	uint32_t control, length;
	uint64_t address;
} __attribute__((packed));

static uint32_t fwcfg_read32be(void)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | inb(FW_CFG_DATA);
	return v;
}

/* The largest fw_cfg file: its selector and size. */
static bool fwcfg_largest(uint16_t *sel, uint32_t *size, char *name)
{
	uint32_t count;

	outw(0x19, FW_CFG_SEL);
	count = fwcfg_read32be();
	*size = 0;
	for (uint32_t i = 0; i < count && i < 256; i++) {
		uint32_t sz = fwcfg_read32be();
		uint16_t s = (uint16_t)(inb(FW_CFG_DATA) << 8);
		char n[56];

		s |= inb(FW_CFG_DATA);
		inb(FW_CFG_DATA);
		inb(FW_CFG_DATA);
		for (int j = 0; j < 56; j++)
			n[j] = (char)inb(FW_CFG_DATA);
		n[55] = 0;
		if (sz > *size) {
			*size = sz;
			*sel = s;
			snprintf(name, 56, "%s", n);
		}
	}
	/* The kernel image given with -kernel is no file; use it when it is larger. */
	outw(0x08, FW_CFG_SEL);
	uint32_t ksz = inb(FW_CFG_DATA) | inb(FW_CFG_DATA) << 8 | inb(FW_CFG_DATA) << 16 |
		       (uint32_t)inb(FW_CFG_DATA) << 24;
	if (ksz > *size && ksz < (256u << 20)) {
		*size = ksz;
		*sel = 0x11;
		snprintf(name, 56, "kernel data (0x11)");
	}
	return *size > 0;
}

/* Runs one DMA READ of item sel into pa; returns the final control word. */
static uint32_t fwcfg_dma(struct fw_cfg_dma *d, uint64_t d_pa, uint16_t sel, uint64_t pa,
			  uint32_t len)
{
	d->control = __builtin_bswap32((uint32_t)sel << 16 | 0x08 | 0x02);
	d->length = __builtin_bswap32(len);
	d->address = __builtin_bswap64(pa);
	__sync_synchronize();
	outl(__builtin_bswap32((uint32_t)(d_pa >> 32)), FW_CFG_DMA_HI);
	outl(__builtin_bswap32((uint32_t)d_pa), FW_CFG_DMA_LO);
	for (int i = 0; i < 1000000 && (__builtin_bswap32(*(volatile uint32_t *)&d->control) & ~1u); i++)
		;
	return __builtin_bswap32(*(volatile uint32_t *)&d->control);
}

static int attack_fwcfg_dma(void)
{
	uint8_t *page, *target;
	uint64_t d_pa, t_pa;
	uint16_t sel = 0;
	uint32_t size, ctl, len;
	char name[56] = "";
	struct range hole;
	int fd = devmem_fd(), breaches = 0;

	if (iopl(3) != 0) {
		say("iopl(3): %s", strerror(errno));
		return verdict(guest_runs());
	}
	outw(0x00, FW_CFG_SEL);
	char sig[5] = { (char)inb(FW_CFG_DATA), (char)inb(FW_CFG_DATA), (char)inb(FW_CFG_DATA),
			(char)inb(FW_CFG_DATA), 0 };
	outw(0x01, FW_CFG_SEL);
	uint32_t feat = inb(FW_CFG_DATA);

	say("fw_cfg signature '%s', features %#x (DMA %s)", sig, feat, feat & 2 ? "offered" : "absent");
	if (!fwcfg_largest(&sel, &size, name)) {
		say("no fw_cfg item to read");
		return verdict(guest_runs());
	}
	say("largest item: %s, selector %#x, %u bytes", name, sel, size);
	page = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		    -1, 0);
	if (page == MAP_FAILED || mlock(page, 2 * PAGE_SIZE) != 0) {
		say("cannot lock a page for the DMA descriptor");
		return verdict(guest_runs());
	}
	d_pa = user_pa(page);
	target = page + PAGE_SIZE;
	t_pa = user_pa(target);
	memset(target, 0xa5, PAGE_SIZE);
	ctl = fwcfg_dma((struct fw_cfg_dma *)page, d_pa, sel, t_pa, PAGE_SIZE);
	say("baseline: DMA of %s into this process's page at %#" PRIx64 ": control %#x, page %s",
	    name, t_pa, ctl, uniform(target, PAGE_SIZE, 0xa5) ? "unchanged" : "filled");

	len = size < (1u << 20) ? size : (1u << 20);
	if (find_hole(&hole)) {
		uint8_t before[64], after[64];
		int rb = fd >= 0 ? devmem_copy(fd, hole.start, before, 64, false) : -1;

		ctl = fwcfg_dma((struct fw_cfg_dma *)page, d_pa, sel, hole.start, len);
		int ra = fd >= 0 ? devmem_copy(fd, hole.start, after, 64, false) : -1;

		say("DMA READ of %u bytes into the hole at %#" PRIx64 ": control %#x%s", len,
		    hole.start, ctl, ctl & 1 ? " (error)" : "");
		if (rb == 0 && ra == 0) {
			hexdump8("hole before", before);
			hexdump8("hole after", after);
			bool empty = uniform(after, 64, 0xff) || uniform(after, 64, 0);

			breaches += !empty;
		}
	} else {
		say("no hole found in /proc/iomem");
	}
	/* At 0x200000.. (where the SVSM sits on the host): guest RAM. Writing there blindly
	 * would corrupt the guest's own kernel, so the DMA goes into a page of this process
	 * that the guest's allocator placed in that range; it must land there, in guest RAM. */
	uint8_t *mem = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint64_t in_pa = 0;
	uint8_t *in_page = NULL;

	for (size_t off = 0; mem != MAP_FAILED && off < (64u << 20) && !in_page; off += PAGE_SIZE) {
		uint64_t pa = user_pa(mem + off);

		if (pa >= SVSM_BASE && pa < SVSM_BASE + SVSM_SIZE && mlock(mem + off, PAGE_SIZE) == 0) {
			in_pa = user_pa(mem + off);
			in_page = mem + off;
		}
	}
	if (in_page && in_pa >= SVSM_BASE && in_pa < SVSM_BASE + SVSM_SIZE) {
		memset(in_page, 0xa5, PAGE_SIZE);
		ctl = fwcfg_dma((struct fw_cfg_dma *)page, d_pa, sel, in_pa, PAGE_SIZE);
		bool filled = !uniform(in_page, PAGE_SIZE, 0xa5);

		say("DMA READ of a page into this process's page at %#" PRIx64 " (in 0x200000-%#llx): "
		    "control %#x, the page %s", in_pa, SVSM_BASE + SVSM_SIZE, ctl,
		    filled ? "received the data (guest RAM)" : "is unchanged");
		/* A refused DMA (error bit) is contained too; data that went elsewhere is not. */
		if (!filled && !(ctl & 1))
			breaches++;
	} else {
		say("no page of this process at 0x200000-%#llx; that DMA skipped", SVSM_BASE + SVSM_SIZE);
	}
	outw(0x00, FW_CFG_SEL);
	char sig2[5] = { (char)inb(FW_CFG_DATA), (char)inb(FW_CFG_DATA), (char)inb(FW_CFG_DATA),
			 (char)inb(FW_CFG_DATA), 0 };
	say("fw_cfg signature afterwards '%s'", sig2);
	return verdict(breaches == 0 && guest_runs());
}

/* --- busmaster --------------------------------------------------------------------- */

static int attack_busmaster(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int n = 0, on = 0;

	if (!d) {
		say("no /sys/bus/pci/devices");
		return verdict(guest_runs());
	}
	while ((e = readdir(d))) {
		char path[300];
		uint16_t cmd, back = 0;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", e->d_name);
		fd = open(path, O_RDWR);
		if (fd < 0 || pread(fd, &cmd, 2, 4) != 2) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		uint16_t want = cmd | 0x4;

		if (pwrite(fd, &want, 2, 4) != 2)
			say("%s: write: %s", e->d_name, strerror(errno));
		(void)!pread(fd, &back, 2, 4);
		close(fd);
		n++;
		on += !!(back & 0x4);
		say("%s: command %#06x -> wrote %#06x, reads %#06x (BME %s)", e->d_name, cmd, want,
		    back, back & 0x4 ? "on" : "off");
	}
	closedir(d);
	say("%d functions, %d with Bus Master Enable on", n, on);
	return verdict(on == 0 && guest_runs());
}

/* --- svm-msr ----------------------------------------------------------------------- */

static int attack_svm_msr(void)
{
	static const struct { uint32_t msr; const char *name; uint64_t set, clear; } m[] = {
		{ 0xc0010114, "VM_CR", 0, 1u << 4 },		/* clear SVMDIS */
		{ 0xc0010117, "VM_HSAVE_PA", 0x1000, 0 },
		{ 0xc0000080, "EFER", 0, 1u << 12 },		/* clear SVME */
	};
	int breaches = 0;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		uint64_t v = 0, w, back = 0;
		int rc = msr_rdwr(0, m[i].msr, &v, false);

		if (rc) {
			say("rdmsr %s (%#x): %s", m[i].name, m[i].msr, strerror(-rc));
			continue;
		}
		w = (v | m[i].set) & ~m[i].clear;
		int wc = msr_rdwr(0, m[i].msr, &w, true);
		int rb = msr_rdwr(0, m[i].msr, &back, false);

		say("%s (%#x): reads %#" PRIx64 ", write %#" PRIx64 ": %s, reads back %#" PRIx64,
		    m[i].name, m[i].msr, v, w, wc ? strerror(-wc) : "accepted", rb ? 0 : back);
		/* A host's SVM state would show SVME in EFER or a host save area; a guest of the
		 * SVSM sees neither, and a write that changes them counts. */
		if (m[i].msr == 0xc0000080 && (v & (1u << 12)))
			breaches++;
		else if (m[i].msr == 0xc0010117 && v != 0)
			breaches++;
		else if (!wc && !rb && back == w && w != v)
			breaches++;
	}
	return verdict(breaches == 0 && guest_runs());
}

/* --- vmmcall ----------------------------------------------------------------------- */

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
	siglongjmp(fault_jmp, sig);
}

static int attack_vmmcall(void)
{
	uint64_t rax = 0, rcx = 0;
	int sig;

	signal(SIGILL, on_sig);
	signal(SIGSEGV, on_sig);
	got_sig = 0;
	sig = sigsetjmp(fault_jmp, 1);
	if (sig == 0) {
		/* RAX 0: the SVSM core protocol's REMAP_CA call with a zero CA. */
		__asm__ volatile("vmmcall" : "+a"(rax), "+c"(rcx) : : "rdx", "memory");
	}
	signal(SIGILL, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	if (sig) {
		say("VMMCALL from user space raised %s", strsignal(sig));
		return verdict(guest_runs());
	}
	say("VMMCALL returned rax=%#" PRIx64 " rcx=%#" PRIx64 " without a signal", rax, rcx);
	return verdict(false);
}

/* --- main -------------------------------------------------------------------------- */

static const struct { const char *name; int (*fn)(void); } attacks[] = {
	{ "vmmcall", attack_vmmcall },
	{ "svm-msr", attack_svm_msr },
	{ "busmaster", attack_busmaster },
	{ "ioapic", attack_ioapic },
	{ "devmem-svsm", attack_devmem_svsm },
	{ "fwcfg-dma", attack_fwcfg_dma },
	{ "icr", attack_icr },	/* last: on bare QEMU it stops the other CPUs */
};
#define ATTACK_COUNT (sizeof(attacks) / sizeof(attacks[0]))

static int run(const char *name)
{
	for (size_t i = 0; i < ATTACK_COUNT; i++)
		if (strcmp(attacks[i].name, name) == 0) {
			cur = name;
			say("start");
			return attacks[i].fn();
		}
	fprintf(stderr, "svsm-hostile: unknown attack '%s'\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("usage: svsm-hostile NAME [NAME...] | all\nnames:");
		for (size_t i = 0; i < ATTACK_COUNT; i++)
			printf(" %s", attacks[i].name);
		printf("\n");
		return argc < 2 ? 2 : 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "all") == 0) {
			for (size_t j = 0; j < ATTACK_COUNT; j++)
				rc |= run(attacks[j].name);
		} else {
			rc |= run(argv[i]);
		}
	}
	return rc;
}

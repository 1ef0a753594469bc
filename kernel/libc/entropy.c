/*
 * Owns the kernel's entropy (entropy.h) and the shim's random-number entry points:
 * getentropy (libcrypto's weak reference binds to it: this is OpenSSL's seed source),
 * getrandom, syscall(SYS_getrandom), and rand/srand/random/srandom. libtpms falls back to
 * rand() when RAND_bytes fails, so rand() here is RDSEED/RDRAND output, never an LCG, and
 * srand() cannot make it predictable. Feature detection is idempotent, no lock needed;
 * the draw counters are atomic.
 */
#include "kernel/libc/entropy.h"

#include <stdarg.h>
#include <stdbool.h>

#include "kernel/arch/x86_64/x86.h"

#include "kernel/lib/panic.h"
#include "kernel/libc/errno.h"
#include "kernel/libc/string.h"

#define ENTROPY_RDSEED_TRIES 64 /* RDSEED may fail transiently when the DRNG is drained */
#define ENTROPY_RDRAND_TRIES 16 /* Intel DRNG guide: 10 retries make failure a hardware fault */
#define SYS_GETRANDOM 318
#define GETENTROPY_MAX 256

static int has_rdseed = -1; /* -1: not probed yet */
static int has_rdrand = -1;
static uint64_t rdseed_draws, rdrand_draws;

static void entropy_probe(void)
{
	if (__atomic_load_n(&has_rdrand, __ATOMIC_RELAXED) >= 0) {
		return;
	}
	{
		struct cpuid_regs l0 = cpuid(0, 0);
		struct cpuid_regs l1 = cpuid(1, 0);
		int seed = 0;

		if (l0.eax >= 7) {
			seed = (cpuid(7, 0).ebx >> 18) & 1;
		}
		__atomic_store_n(&has_rdseed, seed, __ATOMIC_RELAXED);
		__atomic_store_n(&has_rdrand, (int)((l1.ecx >> 30) & 1), __ATOMIC_RELAXED);
	}
}

static bool rdseed64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
	return ok != 0;
}

static bool rdrand64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
	return ok != 0;
}

uint64_t entropy_u64(void)
{
	uint64_t v = 0;

	entropy_probe();
	if (has_rdseed == 1) {
		for (unsigned i = 0; i < ENTROPY_RDSEED_TRIES; i++) {
			if (rdseed64(&v)) {
				__atomic_fetch_add(&rdseed_draws, 1, __ATOMIC_RELAXED);
				return v;
			}
			cpu_relax();
		}
	}
	if (has_rdrand == 1) {
		for (unsigned i = 0; i < ENTROPY_RDRAND_TRIES; i++) {
			if (rdrand64(&v)) {
				__atomic_fetch_add(&rdrand_draws, 1, __ATOMIC_RELAXED);
				return v;
			}
			cpu_relax();
		}
	}
	panic("entropy: %s", has_rdseed != 1 && has_rdrand != 1
				 ? "CPU has neither RDSEED nor RDRAND"
				 : "RDSEED and RDRAND keep failing (CF=0)");
}

void entropy_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		uint64_t v = entropy_u64();
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		memzero_explicit(&v, sizeof(v));
		p += n;
		len -= n;
	}
}

const char *entropy_source(void)
{
	entropy_probe();
	if (has_rdseed == 1) {
		return "rdseed";
	}
	return has_rdrand == 1 ? "rdrand" : "none";
}

void entropy_counts(uint64_t *rdseed, uint64_t *rdrand)
{
	*rdseed = __atomic_load_n(&rdseed_draws, __ATOMIC_RELAXED);
	*rdrand = __atomic_load_n(&rdrand_draws, __ATOMIC_RELAXED);
}

/* glibc: at most 256 bytes per call, else EIO. Never fails otherwise (panics instead). */
int getentropy(void *buf, size_t len);
int getentropy(void *buf, size_t len)
{
	if (len > GETENTROPY_MAX) {
		klibc_errno = EIO;
		return -1;
	}
	entropy_fill(buf, len);
	return 0;
}

long getrandom(void *buf, size_t len, unsigned flags);
long getrandom(void *buf, size_t len, unsigned flags)
{
	(void)flags; /* GRND_NONBLOCK/GRND_RANDOM: never blocks, always hardware entropy */
	entropy_fill(buf, len);
	return (long)len;
}

/* libcrypto calls syscall(SYS_getrandom, buf, len, flags); nothing else is a system call. */
long syscall(long nr, ...);
long syscall(long nr, ...)
{
	va_list ap;
	void *buf;
	size_t len;
	unsigned flags;

	if (nr != SYS_GETRANDOM) {
		klibc_errno = ENOSYS;
		return -1;
	}
	va_start(ap, nr);
	buf = va_arg(ap, void *);
	len = va_arg(ap, size_t);
	flags = va_arg(ap, unsigned);
	va_end(ap);
	return getrandom(buf, len, flags);
}

int rand(void);
int rand(void)
{
	return (int)(entropy_u64() & 0x7fffffff);
}

/* Seeding cannot make rand() repeatable: libtpms seeds it with time ^ pid. */
void srand(unsigned seed);
void srand(unsigned seed)
{
	(void)seed;
}

long random(void);
long random(void)
{
	return (long)(entropy_u64() & 0x7fffffff);
}

void srandom(unsigned seed);
void srandom(unsigned seed)
{
	(void)seed;
}

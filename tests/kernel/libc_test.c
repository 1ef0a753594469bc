/*
 * Kernel tests of the glibc-ABI shim (kernel/libc/) and the library context: entropy,
 * malloc as the archives see it, setjmp/longjmp, the %fs:0x28 canary on every CPU, errno
 * and thread-specific data per CPU, pthread_once, constructors (OpenSSL's CPU detection
 * saw AVX), failing stubs, and vector state kept across an interrupt and an NMI.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/arch/x86_64/xsave.h"

#include "kernel/lib/ktest.h"
#include "kernel/libc/cpu.h"
#include "kernel/libc/errno.h"
#include "kernel/libc/libc.h"
#include "kernel/libc/malloc.h"
#include "kernel/services/services.h"
#include <setjmp.h>
#include <string.h>

/* The shim's glibc-ABI entry points, as the archives call them. */
int getentropy(void *buf, size_t len);
long syscall(long nr, ...);
int posix_memalign(void **out, size_t align, size_t size);
void *fopen(const char *path, const char *mode);
int pthread_once(int *once, void (*fn)(void));
int pthread_key_create(unsigned *key, void (*destructor)(void *));
int pthread_setspecific(unsigned key, const void *value);
void *pthread_getspecific(unsigned key);
int pthread_key_delete(unsigned key);
int clock_gettime(int clock, void *ts);
extern unsigned int OPENSSL_ia32cap_P[4];

static void ensure_services(void)
{
	if (!services_ready() && services_init() != SVSM_OK) {
		ktest_fail(__FILE__, __LINE__, "services_init() == SVSM_OK", 0, 0);
	}
}

KTEST(libc, getentropy_is_not_constant)
{
	uint8_t a[48], b[48], zero[48] = {0};

	ensure_services();
	KASSERT(services_ready());
	KEXPECT_EQ(getentropy(a, sizeof(a)), 0);
	KEXPECT_EQ(getentropy(b, sizeof(b)), 0);
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	KEXPECT(memcmp(a, zero, sizeof(a)) != 0);
	KEXPECT_EQ(syscall(318, a, 16, 0), 16); /* SYS_getrandom */
	KEXPECT_EQ(syscall(39), -1);		/* any other system call */
	KEXPECT_EQ(klibc_errno, ENOSYS);
	KEXPECT_EQ(getentropy(a, 257), -1); /* glibc's limit */
	KEXPECT_EQ(klibc_errno, EIO);
	KEXPECT(rand() != rand() || rand() != rand());
}

KTEST(libc, malloc_as_the_archives_see_it)
{
	static const size_t sizes[] = {1, 15, 16, 17, 100, 2048, 2049, 5000, 70000};
	struct malloc_stats before, after;
	void *blocks[sizeof(sizes) / sizeof(sizes[0])];
	void *aligned = NULL;
	uint8_t *p;

	malloc_get_stats(&before);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blocks[i] = malloc(sizes[i]);
		KASSERT(blocks[i] != NULL);
		KEXPECT_EQ((uintptr_t)blocks[i] & 15, 0); /* SSE code needs 16-byte alignment */
		memset(blocks[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		KEXPECT_EQ(((uint8_t *)blocks[i])[sizes[i] - 1], i);
		free(blocks[i]);
	}
	p = calloc(100, 7);
	KASSERT(p != NULL);
	KEXPECT_EQ(p[0] | p[699], 0);
	p[0] = 0x42;
	p = realloc(p, 10000);
	KASSERT(p != NULL);
	KEXPECT_EQ(p[0], 0x42);
	free(p);
	KEXPECT_EQ(posix_memalign(&aligned, 4096, 100), 0);
	KEXPECT_EQ((uintptr_t)aligned & 4095, 0);
	free(aligned);
	KEXPECT_EQ(posix_memalign(&aligned, 24, 100), EINVAL);
	KEXPECT(malloc((size_t)1 << 40) == NULL);
	KEXPECT_EQ(klibc_errno, ENOMEM);
	KEXPECT(calloc(SIZE_MAX / 2, 4) == NULL);
	malloc_get_stats(&after);
	KEXPECT_EQ(after.allocs - before.allocs, after.frees - before.frees);
}

static int jump_depth(jmp_buf env, int n)
{
	if (n < 0) {
		return 0;
	}
	if (n == 0) {
		longjmp(env, 7);
	}
	return jump_depth(env, n - 1) + 1;
}

KTEST(libc, setjmp_longjmp)
{
	jmp_buf env;
	volatile int passes = 0;
	int r;

	r = setjmp(env);
	passes++;
	if (r == 0) {
		(void)jump_depth(env, 5);
		KEXPECT(false); /* not reached */
	}
	KEXPECT_EQ(r, 7);
	KEXPECT_EQ(passes, 2);
	r = setjmp(env);
	if (r == 0) {
		longjmp(env, 0);
	}
	KEXPECT_EQ(r, 1); /* longjmp(env, 0) returns 1 */
}

struct fs_probe {
	uint64_t fs0, canary, guard, area, errno_addr;
};
static struct fs_probe fs_seen[MAX_CPUS];

static void read_fs(void *arg)
{
	struct fs_probe *p = &fs_seen[this_cpu()->index];

	(void)arg;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(p->fs0));
	__asm__ volatile("movq %%fs:0x28, %0" : "=r"(p->canary));
	__asm__ volatile("movq %%fs:0x30, %0" : "=r"(p->guard));
	p->area = (uint64_t)(uintptr_t)libc_cpu_self();
	p->errno_addr = (uint64_t)(uintptr_t)__errno_location();
}

KTEST(libc, canary_and_errno_on_every_cpu)
{
	uint64_t canary = libc_cpu_canary();

	ensure_services();
	KEXPECT(canary != 0);
	KEXPECT_EQ(canary & 0xff, 0);
	read_fs(NULL);
	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		KEXPECT(smp_run_on(cpu, read_fs, NULL));
	}
	for (unsigned cpu = 0; cpu < smp_cpu_count(); cpu++) {
		KEXPECT_EQ(fs_seen[cpu].canary, canary);
		/* The pointer guard is its own secret, the same on every CPU. */
		KEXPECT(fs_seen[cpu].guard != 0);
		KEXPECT(fs_seen[cpu].guard != canary);
		KEXPECT_EQ(fs_seen[cpu].guard, fs_seen[0].guard);
		KEXPECT_EQ(fs_seen[cpu].fs0, fs_seen[cpu].area);
		if (cpu > 0) {
			KEXPECT(fs_seen[cpu].errno_addr != fs_seen[0].errno_addr);
		}
	}
}

static int once_count;
static int once_ctl;
static unsigned test_key;

static void once_fn(void)
{
	once_count++;
}

static void key_on_ap(void *arg)
{
	(void)arg;
	(void)pthread_once(&once_ctl, once_fn);
	(void)pthread_setspecific(test_key, (void *)0x1234);
}

KTEST(libc, pthread_once_and_per_cpu_keys)
{
	KEXPECT_EQ(pthread_once(&once_ctl, once_fn), 0);
	KEXPECT_EQ(pthread_once(&once_ctl, once_fn), 0);
	KASSERT(pthread_key_create(&test_key, NULL) == 0);
	KEXPECT_EQ(pthread_setspecific(test_key, (void *)0x99), 0);
	if (smp_cpu_count() > 1) {
		KEXPECT(smp_run_on(1, key_on_ap, NULL));
	}
	KEXPECT_EQ(once_count, 1);
	KEXPECT_EQ((uintptr_t)pthread_getspecific(test_key), 0x99);
	KEXPECT_EQ(pthread_key_delete(test_key), 0);
	KEXPECT_EQ(pthread_setspecific(test_key, NULL), EINVAL);
}

KTEST(libc, constructors_and_cpu_detection)
{
	uint64_t ts[2] = {0, 0};

	ensure_services();
	KEXPECT(libc_constructors_run() >= 1);
	KEXPECT(OPENSSL_ia32cap_P[0] != 0); /* OPENSSL_cpuid_setup ran */
	/* OpenSSL masks AVX (word 1, bit 28) unless XCR0 enables YMM state. */
	KEXPECT_EQ((OPENSSL_ia32cap_P[1] >> 28) & 1, (xsave_features() & XFEATURE_AVX) != 0);
	KEXPECT_EQ(clock_gettime(0, ts), 0);
	KEXPECT(ts[0] > 1600000000); /* after 2020: the RTC base was read */
	KEXPECT_EQ(clock_gettime(99, ts), -1);
}

KTEST(libc, missing_os_services_fail_cleanly)
{
	uint64_t before = libc_unsupported_calls();

	KEXPECT(fopen("/usr/lib/ssl/openssl.cnf", "r") == NULL);
	KEXPECT_EQ(klibc_errno, ENOENT);
	KEXPECT_EQ(strtoul("0x1f", NULL, 0), 31);
	KEXPECT_EQ(strtol("-12x", NULL, 10), -12);
	KEXPECT(libc_unsupported_calls() == before); /* fopen is stdio, not an OS stub */
}

/* ---- vector state across an interrupt and an NMI ---- */

void vec_load_ymm(const void *buf);
void vec_store_ymm(void *buf);
void vec_load_xmm(const void *buf);
void vec_store_xmm(void *buf);
__asm__(".text\n"
	"vec_load_ymm:\n"
	"	vmovdqu 0(%rdi), %ymm0\n	vmovdqu 32(%rdi), %ymm1\n"
	"	vmovdqu 64(%rdi), %ymm2\n	vmovdqu 96(%rdi), %ymm3\n"
	"	vmovdqu 128(%rdi), %ymm4\n	vmovdqu 160(%rdi), %ymm5\n"
	"	vmovdqu 192(%rdi), %ymm6\n	vmovdqu 224(%rdi), %ymm7\n"
	"	vmovdqu 256(%rdi), %ymm8\n	vmovdqu 288(%rdi), %ymm9\n"
	"	vmovdqu 320(%rdi), %ymm10\n	vmovdqu 352(%rdi), %ymm11\n"
	"	vmovdqu 384(%rdi), %ymm12\n	vmovdqu 416(%rdi), %ymm13\n"
	"	vmovdqu 448(%rdi), %ymm14\n	vmovdqu 480(%rdi), %ymm15\n"
	"	ret\n"
	"vec_store_ymm:\n"
	"	vmovdqu %ymm0, 0(%rdi)\n	vmovdqu %ymm1, 32(%rdi)\n"
	"	vmovdqu %ymm2, 64(%rdi)\n	vmovdqu %ymm3, 96(%rdi)\n"
	"	vmovdqu %ymm4, 128(%rdi)\n	vmovdqu %ymm5, 160(%rdi)\n"
	"	vmovdqu %ymm6, 192(%rdi)\n	vmovdqu %ymm7, 224(%rdi)\n"
	"	vmovdqu %ymm8, 256(%rdi)\n	vmovdqu %ymm9, 288(%rdi)\n"
	"	vmovdqu %ymm10, 320(%rdi)\n	vmovdqu %ymm11, 352(%rdi)\n"
	"	vmovdqu %ymm12, 384(%rdi)\n	vmovdqu %ymm13, 416(%rdi)\n"
	"	vmovdqu %ymm14, 448(%rdi)\n	vmovdqu %ymm15, 480(%rdi)\n"
	"	ret\n"
	"vec_load_xmm:\n"
	"	movdqu 0(%rdi), %xmm0\n	movdqu 32(%rdi), %xmm1\n"
	"	movdqu 64(%rdi), %xmm2\n	movdqu 96(%rdi), %xmm3\n"
	"	movdqu 128(%rdi), %xmm4\n	movdqu 160(%rdi), %xmm5\n"
	"	movdqu 192(%rdi), %xmm6\n	movdqu 224(%rdi), %xmm7\n"
	"	movdqu 256(%rdi), %xmm8\n	movdqu 288(%rdi), %xmm9\n"
	"	movdqu 320(%rdi), %xmm10\n	movdqu 352(%rdi), %xmm11\n"
	"	movdqu 384(%rdi), %xmm12\n	movdqu 416(%rdi), %xmm13\n"
	"	movdqu 448(%rdi), %xmm14\n	movdqu 480(%rdi), %xmm15\n"
	"	ret\n"
	"vec_store_xmm:\n"
	"	movdqu %xmm0, 0(%rdi)\n	movdqu %xmm1, 32(%rdi)\n"
	"	movdqu %xmm2, 64(%rdi)\n	movdqu %xmm3, 96(%rdi)\n"
	"	movdqu %xmm4, 128(%rdi)\n	movdqu %xmm5, 160(%rdi)\n"
	"	movdqu %xmm6, 192(%rdi)\n	movdqu %xmm7, 224(%rdi)\n"
	"	movdqu %xmm8, 256(%rdi)\n	movdqu %xmm9, 288(%rdi)\n"
	"	movdqu %xmm10, 320(%rdi)\n	movdqu %xmm11, 352(%rdi)\n"
	"	movdqu %xmm12, 384(%rdi)\n	movdqu %xmm13, 416(%rdi)\n"
	"	movdqu %xmm14, 448(%rdi)\n	movdqu %xmm15, 480(%rdi)\n"
	"	ret\n");

static uint8_t vec_in[512], vec_out[512], vec_other[512];

static void nmi_all_but_self(void *arg)
{
	(void)arg;
	apic_send_nmi_all_but_self();
}

/* Store the registers in the width loaded; xmm-only stores leave the upper bytes zero. */
static void vec_compare_width(bool avx)
{
	if (!avx) {
		for (unsigned r = 0; r < 16; r++) {
			memset(vec_in + r * 32 + 16, 0, 16);
			memset(vec_out + r * 32 + 16, 0, 16);
		}
	}
}

struct vec_job {
	bool avx;
	bool took_nmi;
};

/*
 * Runs on CPU 1, where an interrupt window is normal (idle APs run with "sti; hlt"). The
 * BSP never enables interrupts: the 8259 PIC is not masked, so the PIT's IRQ 0 would
 * arrive there as vector 8 (see docs/kernel-libc.md).
 */
static void vec_on_ap(void *arg)
{
	struct vec_job *j = arg;
	uint64_t nmis = this_cpu()->nmi_count;
	uint64_t end;

	/* Nothing the kernel runs between load and store touches vector registers. */
	j->avx ? vec_load_ymm(vec_in) : vec_load_xmm(vec_in);
	/* An external interrupt on this stack: self-IPI, taken in a two-instruction window. */
	apic_send_fixed(this_cpu()->apic_id, VEC_IPI_WAKE);
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	/* An NMI (on its IST stack), sent by CPU 2. */
	if (smp_cpu_count() > 2 && smp_start_on(2, nmi_all_but_self, NULL)) {
		end = tsc_now_us() + 1000000;
		while (this_cpu()->nmi_count == nmis && tsc_now_us() < end) {
			cpu_relax();
		}
		j->took_nmi = this_cpu()->nmi_count > nmis;
	}
	j->avx ? vec_store_ymm(vec_out) : vec_store_xmm(vec_out);
}

KTEST(libc, vector_state_survives_interrupt_nmi_and_xsave)
{
	struct vec_job job = {.avx = false};
	bool avx;
	void *area;

	ensure_services();
	avx = (xsave_features() & XFEATURE_AVX) != 0;
	job.avx = avx;
	for (unsigned i = 0; i < sizeof(vec_in); i++) {
		vec_in[i] = (uint8_t)(i * 7 + 3);
		vec_other[i] = (uint8_t)~i;
	}
	KASSERT(smp_cpu_count() > 2);
	KEXPECT(smp_run_on(1, vec_on_ap, &job));
	KEXPECT(job.took_nmi);
	KEXPECT(smp_wait_idle(1000));
	vec_compare_width(avx);
	KEXPECT(memcmp(vec_in, vec_out, sizeof(vec_in)) == 0);

	/* xsave_save/xsave_restore keep two owners' states apart. */
	area = xsave_area_alloc();
	KASSERT(area != NULL);
	avx ? vec_load_ymm(vec_in) : vec_load_xmm(vec_in);
	xsave_save(area);
	avx ? vec_load_ymm(vec_other) : vec_load_xmm(vec_other);
	xsave_restore(area);
	memset(vec_out, 0, sizeof(vec_out));
	avx ? vec_store_ymm(vec_out) : vec_store_xmm(vec_out);
	vec_compare_width(avx);
	KEXPECT(memcmp(vec_in, vec_out, sizeof(vec_in)) == 0);
	xsave_area_free(area);
	KEXPECT(xsave_area_size() >= (avx ? 832u : 512u));
}

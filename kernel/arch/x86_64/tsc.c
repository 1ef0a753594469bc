/* TSC frequency discovery and delays (see tsc.h). Set once on the BSP, read-only after. */
#include "kernel/arch/x86_64/tsc.h"

#include "kernel/arch/x86_64/x86.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"

#define PM_TIMER_HZ 3579545ull
#define PM_TIMER_MASK 0xffffffu
#define FALLBACK_HZ 2000000000ull

static uint64_t hz = FALLBACK_HZ;
static const char *source = "assumed 2 GHz";

static uint64_t calibrate_pm_timer(uint16_t port)
{
	uint32_t start = inl(port) & PM_TIMER_MASK;
	uint32_t target = 35795; /* 10 ms */
	uint32_t elapsed = 0;
	uint64_t t0 = rdtsc();
	uint64_t t1;

	while (elapsed < target) {
		elapsed = ((inl(port) & PM_TIMER_MASK) - start) & PM_TIMER_MASK;
	}
	t1 = rdtsc();
	return (t1 - t0) * PM_TIMER_HZ / elapsed;
}

void tsc_init(void)
{
	struct cpuid_regs max = cpuid(0, 0);

	if (max.eax >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);

		if (r.eax != 0 && r.ebx != 0 && r.ecx != 0) {
			hz = (uint64_t)r.ecx * r.ebx / r.eax;
			source = "cpuid 0x15";
			return;
		}
	}
	if (boot_info.pm_timer_port != 0) {
		hz = calibrate_pm_timer(boot_info.pm_timer_port);
		source = "pm-timer";
		return;
	}
	if (max.eax >= 0x16) {
		struct cpuid_regs r = cpuid(0x16, 0);

		if (r.eax != 0) {
			hz = (uint64_t)r.eax * 1000000;
			source = "cpuid 0x16";
			return;
		}
	}
	pr_warn("tsc: no frequency source, assuming 2 GHz\n");
}

uint64_t tsc_hz(void)
{
	return hz;
}

const char *tsc_source(void)
{
	return source;
}

uint64_t tsc_ticks_to_us(uint64_t ticks)
{
	/* Split to avoid a 128-bit division (no libgcc in the kernel). */
	return ticks / hz * 1000000 + ticks % hz * 1000000 / hz;
}

uint64_t tsc_now_us(void)
{
	return tsc_ticks_to_us(rdtsc());
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us / 1000000 * hz + us % 1000000 * hz / 1000000;

	while (rdtsc() < end) {
		cpu_relax();
	}
}

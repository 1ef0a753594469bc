/*
 * Owns the vector-state set-up of every CPU and the save/restore helpers (xsave.h). The
 * feature mask and area size are probed on the first xsave_cpu_init() (the BSP, before
 * the APs are asked to run it) and read-only after; each CPU then writes only its own
 * CR0, CR4 and XCR0.
 */
#include "kernel/arch/x86_64/xsave.h"

#include "kernel/arch/x86_64/x86.h"

#include "kernel/lib/panic.h"
#include "kernel/libc/string.h"
#include "kernel/mm/heap.h"

#define XSAVE_ALIGN 64
#define FXSAVE_SIZE 512
#define XSAVE_HEADER_END 576 /* legacy region (512) + XSAVE header (64) */

static bool probed;
static bool use_xsave;
static uint64_t xcr0;
static size_t area_size = FXSAVE_SIZE;
static size_t area_alloc_size = FXSAVE_SIZE; /* every component the CPU supports */

static void xsave_probe(void)
{
	struct cpuid_regs l1 = cpuid(1, 0);

	CHECK((l1.edx & (1u << 24)) != 0 && (l1.edx & (1u << 25)) != 0); /* FXSR, SSE */
	if ((l1.ecx & (1u << 26)) != 0 && cpuid(0, 0).eax >= 0xd) {
		struct cpuid_regs d0 = cpuid(0xd, 0);
		uint64_t supported = ((uint64_t)d0.edx << 32) | d0.eax;

		use_xsave = true;
		xcr0 = supported & (XFEATURE_X87 | XFEATURE_SSE);
		/* AVX needs the CPU to report it too (CPUID.1:ECX.AVX). */
		if ((supported & XFEATURE_AVX) != 0 && (l1.ecx & (1u << 28)) != 0) {
			xcr0 |= XFEATURE_AVX;
		}
		CHECK((xcr0 & (XFEATURE_X87 | XFEATURE_SSE)) == (XFEATURE_X87 | XFEATURE_SSE));
	}
	probed = true;
}

uint64_t xsave_get_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(XCR_XFEATURE_ENABLED_MASK));
	return ((uint64_t)hi << 32) | lo;
}

void xsave_set_xcr0(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(XCR_XFEATURE_ENABLED_MASK), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32))
			 : "memory");
}

void xsave_cpu_init(void)
{
	uint64_t cr0 = read_cr0();
	uint64_t cr4 = read_cr4();

	if (!probed) {
		xsave_probe();
	}
	cr0 = (cr0 | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS);
	write_cr0(cr0);
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (use_xsave) {
		cr4 |= CR4_OSXSAVE;
	}
	write_cr4(cr4);
	__asm__ volatile("fninit" ::: "memory");
	if (use_xsave) {
		xsave_set_xcr0(xcr0);
		/* CPUID.(0xD,0).EBX: area size for the features XCR0 now enables. */
		area_size = cpuid(0xd, 0).ebx;
		CHECK(area_size >= XSAVE_HEADER_END);
		/* CPUID.(0xD,0).ECX: size for every supported component, which a guest may
		 * enable with XSETBV; areas are allocated that large. */
		area_alloc_size = cpuid(0xd, 0).ecx;
		CHECK(area_alloc_size >= area_size);
	}
}

bool xsave_enabled(void)
{
	return use_xsave;
}

uint64_t xsave_features(void)
{
	return xcr0;
}

size_t xsave_area_size(void)
{
	return area_size;
}

void *xsave_area_alloc(void)
{
	/* Heap blocks of a power-of-two size >= 64 are naturally aligned (kernel/mm/heap.c). */
	size_t size = area_alloc_size;
	uint8_t *area = heap_alloc(size);

	if (area == NULL) {
		return NULL;
	}
	CHECK(((uintptr_t)area & (XSAVE_ALIGN - 1)) == 0);
	/* All zero: XSTATE_BV = 0 puts every component in its init state on restore. The
	 * legacy MXCSR must still hold its power-on value for FXRSTOR. */
	memset(area, 0, size);
	*(uint32_t *)(void *)(area + 24) = 0x1f80; /* MXCSR */
	*(uint16_t *)(void *)(area + 0) = 0x037f;  /* FCW */
	return area;
}

void xsave_area_free(void *area)
{
	heap_free(area);
}

void xsave_save(void *area)
{
	if (use_xsave) {
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	} else {
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
	}
}

void xsave_restore(const void *area)
{
	if (use_xsave) {
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	} else {
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
	}
}

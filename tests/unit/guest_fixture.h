/*
 * Test fixture for protocol code: a 16 MiB "guest RAM" arena (2 MiB aligned) whose first
 * 2 MiB play the SVSM's region, the fake platform with no CPU to start vCPUs on (a test
 * that wants some calls fake_cpus_setup()), and one vCPU (APIC ID 0) whose calling area is
 * at GUEST_CA; every other vCPU slot is free. Page allocator and heap come from
 * mm_fixture.h.
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/platform/fake/fake_cpus.h"
#include "kernel/platform/fake/fake_platform.h"
#include "kernel/platform/native/validation.h"
#include "kernel/vcpu/call.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/svsm.h"
#include "tests/unit/mm_fixture.h"

#define GUEST_ARENA_SIZE (16ull << 20)
#define GUEST_SVSM_SIZE (2ull << 20)

struct guest_fixture {
	uint8_t *arena;
	uint64_t svsm;      /* SVSM region start (arena start) */
	uint64_t ram;       /* first guest RAM address */
	uint64_t ram_end;
	uint64_t ca;        /* calling area of the test vCPU */
	struct vcpu *v;
	struct fake_vcpu fv;
};

static inline void guest_fixture_setup(struct guest_fixture *g)
{
	static uint8_t *arena;
	uint8_t *mm = mm_fixture_setup();
	struct guest_mem_range r;

	page_alloc_add_range(pa_init((uint64_t)(uintptr_t)mm),
			     pa_init((uint64_t)(uintptr_t)mm + ARENA_SIZE));
	heap_init(0x5eed5eed5eed5eedull);
	if (arena == NULL) {
		arena = aligned_alloc(2u << 20, GUEST_ARENA_SIZE);
	}
	memset(arena, 0, GUEST_ARENA_SIZE);
	g->arena = arena;
	g->svsm = (uint64_t)(uintptr_t)arena;
	g->ram = g->svsm + GUEST_SVSM_SIZE;
	g->ram_end = g->svsm + GUEST_ARENA_SIZE;
	r = (struct guest_mem_range){gpa_init(g->ram), gpa_init(g->ram_end)};
	if (guest_mem_init(&r, 1, gpa_init(g->svsm), gpa_init(g->ram)) != SVSM_OK ||
	    validation_init(gpa_init(g->svsm), gpa_init(g->ram_end)) != SVSM_OK) {
		abort();
	}
	fake_platform_reset();
	fake_cpus_setup(0); /* joins the CPU threads of an earlier test */
	g->ca = g->ram;
	for (unsigned i = 0; i < VCPU_MAX; i++) {
		if (vcpu_slot(i)->state != VCPU_FREE) {
			vcpu_release(vcpu_slot(i));
		}
	}
	g->v = vcpu_alloc(0, gpa_init(g->ca), VCPU_NO_VMSA);
	g->v->plat = &g->fv;
}

/* Makes one SVSM call through the fixture's vCPU. */
static inline struct svsm_call_regs guest_call(struct guest_fixture *g, uint32_t protocol,
					       uint32_t call, uint64_t rcx, uint64_t rdx,
					       uint64_t r8)
{
	volatile struct svsm_ca *ca = (volatile struct svsm_ca *)(uintptr_t)gpa_addr(g->v->ca_gpa);

	g->fv.regs = (struct svsm_call_regs){SVSM_CALL(protocol, call), rcx, rdx, r8, 0x99};
	ca->call_pending = 1;
	vcpu_handle_call(g->v);
	return g->fv.regs;
}

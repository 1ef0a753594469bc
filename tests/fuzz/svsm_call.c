/*
 * libFuzzer target for the SVSM call decoder: arbitrary call registers and calling-area
 * and request-page contents go through vcpu_handle_call() (dispatch, core protocol,
 * guest-memory gateway, validation model, the log protocol over the real log ring, which
 * holds a few hundred records) on the fake platform. Addresses are biased into and around
 * guest RAM so that the deep paths are reached.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/lib/log_ring.h"
#include "svsm/abi/log.h"
#include "tests/unit/guest_fixture.h"

static struct guest_fixture g;
static int ready;

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Half of the values become addresses near guest RAM, the SVSM region or the edges. */
static uint64_t bias(uint64_t v, uint8_t mode)
{
	switch (mode & 3) {
	case 0:
		return v;
	case 1:
		return g.ram + (v % (g.ram_end - g.ram));
	case 2:
		return g.svsm + (v % (GUEST_ARENA_SIZE + 0x2000)) - 0x1000;
	default:
		return g.ram + (v & 0x3ff8);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svsm_call_regs r;
	size_t rest;

	if (!ready) {
		guest_fixture_setup(&g);
		for (unsigned i = 0; i < 300; i++) {
			log_ring_append((uint8_t)(i % 5), i % 4, i, "svsm_call fuzz ring record",
					12 + i % 15);
		}
		ready = 1;
	}
	if (size < 48) {
		return 0;
	}
	g.v->ca_gpa = gpa_init(g.ca);
	r.rax = rd64(data);
	if ((data[40] & 0x80) != 0) {
		/* Mostly valid calls: core, attestation, vTPM, APIC, or the log protocol. */
		r.rax = SVSM_CALL((data[41] & 4) != 0 ? SVSM_LOG_PROTOCOL : data[41] & 3u,
				  data[42] & 7);
	}
	r.rcx = bias(rd64(data + 8), data[40]);
	r.rdx = bias(rd64(data + 16), (uint8_t)(data[40] >> 2));
	r.r8 = rd64(data + 24);
	r.r9 = rd64(data + 32);
	rest = size - 48;
	if (rest > 2 * 4096) {
		rest = 2 * 4096;
	}
	/* The CA page and the page after it carry the fuzzer's bytes. */
	memcpy((void *)(uintptr_t)g.ca, data + 48, rest);
	((struct svsm_ca *)(uintptr_t)g.ca)->call_pending = 1;
	g.fv.regs = r;
	vcpu_handle_call(g.v);
	/* Every answer is an SVSM result code. */
	if (g.fv.regs.rax != SVSM_SUCCESS && (g.fv.regs.rax < SVSM_ERR_INCOMPLETE ||
					      g.fv.regs.rax > SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE)) {
		__builtin_trap();
	}
	return 0;
}

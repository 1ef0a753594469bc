/*
 * libFuzzer target for the PVALIDATE list decoder: the fuzzer writes a request (header
 * and entries) at a fuzzer-chosen offset in guest RAM; entry addresses are biased into
 * guest RAM (away from the request itself) and the SVSM region. The SVSM must answer with a
 * result code, never touch memory outside guest RAM (ASan), and leave `next` within
 * [old next, entry_count]. The request area is zeroed per input: entries the header counts
 * past the input's end read as 0 (GPA 0, not guest RAM), never as bytes of an earlier input
 * that the address bias did not see.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/guest_fixture.h"

#define REQ_AREA 0x10000u /* the request lies in [ram + REQ_AREA, + REQ_AREA_SIZE) */
#define REQ_AREA_SIZE (0x2000u + 4096u)

static struct guest_fixture g;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svsm_pvalidate_call hdr;
	uint8_t *req;
	uint64_t gpa;
	uint16_t off, old_next;
	size_t n;

	if (!ready) {
		guest_fixture_setup(&g);
		ready = 1;
	}
	if (size < 2 + sizeof(*req)) {
		return 0;
	}
	memcpy(&off, data, 2);
	gpa = g.ram + REQ_AREA + (off & 0x1fff);
	n = size - 2;
	if (n > 4096) {
		n = 4096;
	}
	memset((void *)(uintptr_t)(g.ram + REQ_AREA), 0, REQ_AREA_SIZE);
	memcpy((void *)(uintptr_t)gpa, data + 2, n);
	req = (uint8_t *)(uintptr_t)gpa; /* may be unaligned: use memcpy */
	/* Every entry the input reaches, a partial last one too (its other bytes are 0). */
	for (size_t i = 0; 8 + i * 8 < n && 8 + (i + 1) * 8 <= 4096; i++) {
		uint64_t e;

		memcpy(&e, req + 8 + i * 8, 8);
		if ((e & 0x800) == 0) { /* reserved bit 11 selects "keep as is" */
			/*
			 * Never the request's own pages: validating those zeroes the request, and
			 * the checks below would misread that. So SVSM-region entries stay in
			 * [svsm, ram) and RAM entries start 1 MiB above the request.
			 */
			bool svsm = ((e >> 40) & 1) != 0;
			uint64_t base = svsm ? g.svsm : g.ram + 0x100000;
			uint64_t span = (svsm ? g.ram : g.ram_end) - base;

			e = ((base + ((e >> 12) << 12) % span) & ~0xfffull) | (e & 0xf);
			memcpy(req + 8 + i * 8, &e, 8);
		}
	}
	memcpy(&hdr, req, sizeof(hdr));
	old_next = hdr.next;
	g.v->ca_gpa = gpa_init(g.ca);
	((struct svsm_ca *)(uintptr_t)g.ca)->call_pending = 1;
	g.fv.regs = (struct svsm_call_regs){SVSM_CALL(0, SVSM_CORE_PVALIDATE), gpa, 0, 0, 0};
	vcpu_handle_call(g.v);
	memcpy(&hdr, req, sizeof(hdr));
	if (g.fv.regs.rax == SVSM_SUCCESS && hdr.next != hdr.entry_count) {
		__builtin_trap();
	}
	if (g.fv.regs.rax != SVSM_ERR_INVALID_PARAMETER && g.fv.regs.rax != SVSM_ERR_INVALID_ADDRESS &&
	    hdr.next < old_next) {
		__builtin_trap();
	}
	return 0;
}

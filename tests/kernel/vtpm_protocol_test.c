/*
 * The vTPM protocol (2) inside the SVSM, without a guest: SVSM_VTPM_CMD served from a page
 * of (otherwise unused) guest RAM, checked for a correct response, and - when the command
 * line has `vtpm_bench` - timed against the same command run straight through the vTPM
 * service (tests/kernel/tpm_client_kernel.c), interleaved call by call so both see the same
 * warm caches; the figure is the
 * median of the per-batch ratios. That is the
 * protocol's own overhead with the world switch excluded (bench-kvtpm prints it).
 */
#include <stdint.h>
#include <string.h>

#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/protocols/services_protocols.h"
#include "kernel/services/services.h"
#include "kernel/services/vtpm/vtpm.h"
#include "lib/cmdline.h"
#include "lib/tpm_cmd.h"
#include "svsm/abi/vtpm.h"
#include "tests/common/tpm_client.h"

#define BATCHES 41
#define PER_BATCH 10

static void reset_fn(void *arg)
{
	*(enum svsm_err *)arg = vtpm_reset();
}

static uint64_t ticks(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * Serves @cmd through SVSM_VTPM_CMD and straight through the service, alternately, in
 * batches; checks every response code is success. Returns the median batch ratio x1000.
 */
static uint64_t measure(uint64_t gpa, const uint8_t *cmd, uint32_t size, bool *ok,
			uint64_t *proto_each, uint64_t *direct_each)
{
	static uint8_t direct_cmd[SVSM_VTPM_BUFFER_SIZE];
	uint64_t ratios[BATCHES], t, t_proto = 0, t_direct = 0;
	struct svsm_call_regs r;
	const uint8_t *direct_rsp = NULL;
	uint32_t direct_rsp_size = 0;
	bool sent = false;
	enum svsm_err err;

	for (unsigned b = 0; b < BATCHES; b++) {
		uint64_t bp = 0, bd = 0;

		for (unsigned i = 0; i < PER_BATCH; i++) {
			const uint8_t *out = phys_to_virt(pa_init(gpa));
			uint32_t rsp_size = 0;

			tpm_client_put_envelope(phys_to_virt(pa_init(gpa)), 0, cmd, size);
			r = (struct svsm_call_regs){.rcx = gpa};
			t = ticks();
			err = vtpm_protocol_call(NULL, SVSM_VTPM_CMD, &r);
			bp += ticks() - t;
			memcpy(&rsp_size, out, 4);
			*ok = *ok && err == SVSM_OK && rsp_size >= 10 && tpm_be32(out + 4 + 6) == 0;

			memcpy(direct_cmd, cmd, size);
			t = ticks();
			sent = tpm_client_transport(direct_cmd, size, &direct_rsp, &direct_rsp_size);
			bd += ticks() - t;
			*ok = *ok && sent && direct_rsp_size >= 10 && tpm_be32(direct_rsp + 6) == 0;
		}
		ratios[b] = bd != 0 ? bp * 1000 / bd : 0;
		for (unsigned k = b; k > 0 && ratios[k - 1] > ratios[k]; k--) {
			uint64_t tmp = ratios[k];

			ratios[k] = ratios[k - 1];
			ratios[k - 1] = tmp;
		}
		t_proto += bp;
		t_direct += bd;
	}
	*proto_each = t_proto / (BATCHES * PER_BATCH);
	*direct_each = t_direct / (BATCHES * PER_BATCH);
	return ratios[BATCHES / 2];
}

static void report(const char *name, const char *what, uint64_t ratio, uint64_t p, uint64_t d)
{
	log_raw("bench %s %lu.%03lu ratio\n", name, ratio / 1000, ratio % 1000);
	log_raw("  (%s, median of %u batches of %u: protocol %lu, direct %lu cycles each)\n", what,
		BATCHES, PER_BATCH, p, d);
}

KTEST(vtpm_protocol, served_from_guest_memory_and_timed)
{
	static const uint8_t digest[32] = {1, 2, 3};
	static uint8_t cmd[128];
	struct guest_mem_range ram = {gpa_init(boot_info.svsm_end),
				      gpa_init(boot_info.svsm_end + 0x100000)};
	struct svsm_call_regs r;
	struct tpm_writer w;
	enum svsm_err err = SVSM_E_IO;
	uint64_t gpa = gpa_addr(ram.start), ratio_random, ratio_extend, p1, d1, p2, d2;
	uint32_t size;
	bool ok = true;

	KASSERT(services_init() == SVSM_OK);
	KASSERT(guest_mem_init(&ram, 1, gpa_init(boot_info.svsm_start),
			       gpa_init(boot_info.svsm_end)) == SVSM_OK);
	services_run(reset_fn, &err);
	KASSERT(err == SVSM_OK);
	tpm_writer_init(&w, cmd, sizeof(cmd));
	tpm_cmd_startup(&w, TPM_SU_CLEAR);
	size = (uint32_t)tpm_cmd_end(&w);
	tpm_client_put_envelope(phys_to_virt(pa_init(gpa)), 0, cmd, size);
	r = (struct svsm_call_regs){.rcx = gpa};
	KASSERT(vtpm_protocol_call(NULL, SVSM_VTPM_CMD, &r) == SVSM_OK);

	tpm_writer_init(&w, cmd, sizeof(cmd));
	tpm_cmd_pcr_extend(&w, 16, digest);
	size = (uint32_t)tpm_cmd_end(&w);
	ratio_extend = measure(gpa, cmd, size, &ok, &p1, &d1);
	tpm_writer_init(&w, cmd, sizeof(cmd));
	tpm_cmd_get_random(&w, 32);
	size = (uint32_t)tpm_cmd_end(&w);
	ratio_random = measure(gpa, cmd, size, &ok, &p2, &d2);
	KEXPECT(ok);
	if (cmdline_has(boot_info.cmdline, "vtpm_bench")) {
		report("vtpm_protocol_overhead_ratio", "TPM2_PCR_Extend, SHA-256", ratio_extend, p1, d1);
		report("vtpm_protocol_overhead_ratio_getrandom", "TPM2_GetRandom(32), the cheapest",
		       ratio_random, p2, d2);
	}
}

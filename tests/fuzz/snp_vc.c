/*
 * libFuzzer target for the SVSM's #VC handler (kernel/platform/snp/vc.c): arbitrary
 * instruction bytes at RIP with any #VC exit code, arbitrary register values, and a hostile
 * hypervisor that answers with arbitrary GHCB contents (valid bits, registers, shared
 * buffer, error codes). The handler must either terminate with a reason or advance RIP by
 * the decoded length, never read or write outside the buffers it was given.
 * Input: [0] exit-code selector, [1] REP count, [2..9] RAX, [10..17] RDX, [18] host flags,
 * [19..34] instruction bytes, then the host's shared-buffer answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/vc.h"
#include "lib/x86_decode.h"

/* The host's answer for this input; the instruction layer is the unit tests' fake CPU. */
static const uint8_t *answer;
static size_t answer_len;
static uint8_t host_flags;

/* A hostile hypervisor on the fake CPU: any valid bits, registers and shared buffer. */
static void fuzz_hv(void *ctx)
{
	struct ghcb *g = (struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb;
	size_t n = answer_len < GHCB_SHARED_BUF_SIZE ? answer_len : GHCB_SHARED_BUF_SIZE;

	if ((fake_cpu.msr_ghcb & GHCB_MSR_INFO_MASK) != 0) {
		fake_hv_default(ctx); /* the GHCB MSR protocol: vc.c does not use it */
		return;
	}
	g->save.sw_exit_info_1 = host_flags & 3;
	memset(g->save.valid_bitmap, (host_flags & 4) ? 0xff : 0, sizeof(g->save.valid_bitmap));
	g->save.rax = host_flags & 8 ? ~0ull : 0x1234;
	memcpy(g->shared_buffer, answer, n);
}

/* The kernel walks its page tables; here even addresses map to their low 40 bits. */
bool snp_vc_virt_to_phys(uint64_t va, uint64_t *pa)
{
	*pa = va & 0xffffffffffull;
	return (va & 1) == 0;
}

static const uint64_t codes[] = {
    SVM_EXIT_CPUID,  SVM_EXIT_IOIO,	SVM_EXIT_MSR,	  SVM_EXIT_RDTSC,
    SVM_EXIT_RDTSCP, SNP_EXIT_NPF_CODE, SVM_EXIT_VMMCALL, SVM_EXIT_WBINVD,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ghcb *g;
	static struct snp_cpuid_table *cpuid;
	uint8_t code[X86_MAX_INSN_LEN];
	uint8_t io[8 * 4];
	struct trap_frame f;
	struct snp_vc_env env;
	unsigned int reason = 0;

	if (size < 19 + sizeof(code)) {
		return 0;
	}
	if (g == NULL) {
		g = aligned_alloc(4096, 4096);
		cpuid = calloc(1, sizeof(*cpuid));
		cpuid->count = 0xffffffff; /* a lying CPUID page must not be walked past its end */
		fake_cpu_reset(0);
		fake_cpu_set_hv(fuzz_hv, NULL);
	}
	memset(g, 0, 4096);
	memcpy(code, data + 19, sizeof(code));
	answer = data + 19 + sizeof(code);
	answer_len = size - 19 - sizeof(code);
	host_flags = data[18];
	memset(&f, 0, sizeof(f));
	f.error_code = codes[data[0] % (sizeof(codes) / sizeof(codes[0]))];
	f.rip = (uint64_t)(uintptr_t)code;
	f.rcx = data[1] & 7;
	memcpy(&f.rax, data + 2, 8);
	memcpy(&f.rdx, data + 10, 8);
	f.rsi = f.rdi = (uint64_t)(uintptr_t)io; /* string I/O: at most 7 dwords */
	f.rbx = f.rbp = (uint64_t)(uintptr_t)io;
	env = (struct snp_vc_env){(data[0] & 0x80) ? NULL : g, (uint64_t)(uintptr_t)g, cpuid};
	reason = snp_vc_handle(&f, &env);
	if (reason == 0) {
		struct x86_insn in;

		if (x86_decode(code, sizeof(code), X86_MODE_64, &in) != X86_DECODE_OK ||
		    f.rip != (uint64_t)(uintptr_t)code + in.length) {
			abort(); /* handled but RIP does not match the decoded instruction */
		}
	}
	return 0;
}

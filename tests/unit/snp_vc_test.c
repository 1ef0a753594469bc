/*
 * The SVSM's #VC handler (kernel/platform/snp/vc.c) on the fake CPU with a recording fake
 * hypervisor: CPUID from the CPUID page, port I/O (immediate, DX, string and REP forms),
 * RDMSR/WRMSR, RDTSC/RDTSCP and MMIO loads and stores decoded by lib/x86_decode.c, each with
 * the GHCB contents the host sees (golden values computed by hand from the GHCB spec
 * layouts), termination reasons for everything the SVSM does not emulate, and the
 * page-not-validated #VC (0x404) that resumes a guest-memory copy at its fixup.
 */
#include <stdlib.h>

#include "kernel/platform/snp/fake/fake_cpu.h"
#include "kernel/platform/snp/ghcb.h"
#include "kernel/platform/snp/vc.h"

#include "tests/unit/harness.h"
#include <string.h>

#define MMIO_VA 0xffff8000fee00000ull /* an address the "page tables" below map */
#define MMIO_PA 0xfee00000ull

/* The kernel walks its page tables; here one 4 KiB MMIO page is mapped. */
bool snp_vc_virt_to_phys(uint64_t va, uint64_t *pa)
{
	if (va < MMIO_VA || va >= MMIO_VA + 0x1000) {
		return false;
	}
	*pa = MMIO_PA + (va - MMIO_VA);
	return true;
}

/* What the host saw at each VMGEXIT, and what it answers. */
struct vc_hv {
	unsigned calls;
	uint64_t exit_code, info1, info2, scratch, rax, rcx, rdx;
	bool rax_valid, rcx_valid, rdx_valid;
	uint8_t shared_in[2048]; /* shared buffer as sent */
	uint64_t ans_rax, ans_rcx, ans_rdx;
	uint8_t ans_shared[2048]; /* data for IN/INS/MMIO reads */
	uint32_t io_seen;	  /* total string elements the host saw */
	bool fail;
};

static struct vc_hv vh;
static struct ghcb *vg;

static void vc_hv_fn(void *ctx)
{
	struct ghcb *g = (struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb;

	(void)ctx;
	vh.calls++;
	vh.exit_code = g->save.sw_exit_code;
	vh.info1 = g->save.sw_exit_info_1;
	vh.info2 = g->save.sw_exit_info_2;
	vh.scratch = snp_ghcb_is_valid(g, SNP_GHCB_OFF(sw_scratch)) ? g->save.sw_scratch : 0;
	vh.rax_valid = snp_ghcb_is_valid(g, SNP_GHCB_OFF(rax));
	vh.rcx_valid = snp_ghcb_is_valid(g, SNP_GHCB_OFF(rcx));
	vh.rdx_valid = snp_ghcb_is_valid(g, SNP_GHCB_OFF(rdx));
	vh.rax = g->save.rax;
	vh.rcx = g->save.rcx;
	vh.rdx = g->save.rdx;
	memcpy(vh.shared_in, g->shared_buffer, sizeof(vh.shared_in));
	if (vh.exit_code == SVM_EXIT_IOIO && (vh.info1 & SVM_IOIO_STR) != 0) {
		vh.io_seen += (uint32_t)vh.info2;
	}
	memset(g->save.valid_bitmap, 0, sizeof(g->save.valid_bitmap));
	g->save.sw_exit_info_1 = vh.fail ? GHCB_HV_RESP_MALFORMED_INPUT : 0;
	g->save.sw_exit_info_2 = vh.fail ? GHCB_ERR_INVALID_INPUT : 0;
	snp_ghcb_set_field(g, SNP_GHCB_OFF(rax), vh.ans_rax);
	snp_ghcb_set_field(g, SNP_GHCB_OFF(rcx), vh.ans_rcx);
	snp_ghcb_set_field(g, SNP_GHCB_OFF(rdx), vh.ans_rdx);
	memcpy(g->shared_buffer, vh.ans_shared, sizeof(vh.ans_shared));
}

/* Instruction bytes live in a 32-byte buffer (the decoder may look at up to 15 bytes). */
static uint8_t code[32];

static struct snp_vc_env env_setup(struct trap_frame *f, const void *insn, size_t len,
				   uint64_t exit_code)
{
	if (vg == NULL) {
		vg = aligned_alloc(4096, 4096);
	}
	memset(vg, 0, 4096);
	memset(&vh, 0, sizeof(vh));
	fake_cpu_reset(0x100000);
	fake_cpu_set_hv(vc_hv_fn, NULL);
	memset(code, 0x90, sizeof(code));
	memcpy(code, insn, len);
	memset(f, 0, sizeof(*f));
	f->rip = (uint64_t)(uintptr_t)code;
	f->error_code = exit_code;
	f->rflags = 0x2;
	return (struct snp_vc_env){vg, (uint64_t)(uintptr_t)vg, NULL};
}

#define RIP0 ((uint64_t)(uintptr_t)code)

TEST(snp_vc, cpuid_from_the_cpuid_page)
{
	struct snp_cpuid_table *t = calloc(1, sizeof(*t));
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x0f\xa2", 2, SVM_EXIT_CPUID);

	t->count = 3;
	t->fn[0] = (struct snp_cpuid_fn){.eax_in = 0x8000001f, .eax = 0x1b, .ebx = 0x233};
	t->fn[1] = (struct snp_cpuid_fn){.eax_in = 7, .ecx_in = 0, .ebx = 0x7b};
	t->fn[2] = (struct snp_cpuid_fn){.eax_in = 7, .ecx_in = 1, .eax = 0x11};
	env.cpuid = t;
	f.rax = 0x8000001f;
	f.rbx = 0xdead;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rax, 0x1b);
	EXPECT_EQ(f.rbx, 0x233);
	EXPECT_EQ(f.rcx, 0);
	EXPECT_EQ(f.rip, RIP0 + 2);
	EXPECT_EQ(vh.calls, 0); /* the host is never asked */
	/* Leaf 7 depends on the subleaf in ECX. */
	f.rax = 7;
	f.rcx = 1;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rax, 0x11);
	EXPECT_EQ(f.rbx, 0);
	/* A prefixed CPUID advances by its decoded length; other bytes terminate. */
	memcpy(code, "\x40\x0f\xa2", 3);
	f.rip = RIP0;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rip, RIP0 + 3);
	memcpy(code, "\x0f\x31", 2);
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_DECODE);
	memcpy(code, "\x0f\xa2", 2);
	/* A leaf the page does not list reads as zeros. */
	f.rax = 0x40000000;
	f.rbx = 5;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rax | f.rbx | f.rcx | f.rdx, 0);
	/* The count is bounded by the page size even if the page claims more. */
	t->count = 1000;
	f.rax = 7;
	f.rcx = 0;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rbx, 0x7b);
	/* CPUID needs no GHCB (it is used before the GHCB exists), but needs the page. */
	env.ghcb = NULL;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), 0);
	env.cpuid = NULL;
	f.rip = RIP0;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_EXIT);
	free(t);
}

TEST(snp_vc, out_imm8_and_in_dx_golden_exit_info)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\xe6\xf4", 2, SVM_EXIT_IOIO); /* out 0xf4, al */

	f.rax = 0x1234567811ull;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_EXIT_IOIO);
	/* port 0xf4 << 16 | SZ8 (bit 4) | ASZ64 (bit 9) */
	EXPECT_EQ(vh.info1, 0x00f40210ull);
	EXPECT_TRUE(vh.rax_valid);
	EXPECT_EQ(vh.rax, 0x11);
	EXPECT_EQ(f.rip, RIP0 + 2);
	EXPECT_EQ(fake_cpu.msr_ghcb, env.ghcb_gpa);
	/* in ax, dx (66 ED): port from DX, 16-bit, keeps RAX[63:16]. */
	env = env_setup(&f, "\x66\xed", 2, SVM_EXIT_IOIO);
	f.rdx = 0x3f8;
	f.rax = 0xaaaabbbbccccddddull;
	vh.ans_rax = 0x5678;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info1, 0x03f80221ull); /* IN (bit 0) | SZ16 (bit 5) | ASZ64 */
	EXPECT_EQ(vh.rax, 0);
	EXPECT_EQ(f.rax, 0xaaaabbbbcccc5678ull);
	EXPECT_EQ(f.rip, RIP0 + 2);
	/* in eax, dx: a 32-bit register write zero-extends. */
	env = env_setup(&f, "\xed", 1, SVM_EXIT_IOIO);
	f.rdx = 0xcfc;
	f.rax = ~0ull;
	vh.ans_rax = 0x80001234;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info1, 0x0cfc0241ull); /* IN | SZ32 (bit 6) | ASZ64 */
	EXPECT_EQ(f.rax, 0x80001234);
}

TEST(snp_vc, rep_outsb_goes_through_the_shared_buffer_in_chunks)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\xf3\x6e", 2, SVM_EXIT_IOIO); /* rep outsb */
	uint8_t *src = malloc(5000);

	for (unsigned i = 0; i < 5000; i++) {
		src[i] = (uint8_t)(i * 7);
	}
	f.rsi = (uint64_t)(uintptr_t)src;
	f.rcx = 5000;
	f.rdx = 0x3f8;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	/* 5000 bytes in chunks of the 2032-byte shared buffer: 2032 + 2032 + 936. */
	EXPECT_EQ(vh.calls, 3);
	EXPECT_EQ(vh.io_seen, 5000);
	EXPECT_EQ(vh.info2, 936);
	/* port | STR (bit 2) | REP (bit 3) | SZ8 | ASZ64 | segment DS (3 << 10) */
	EXPECT_EQ(vh.info1, 0x03f80e1cull);
	EXPECT_EQ(vh.scratch, env.ghcb_gpa + 0x800);
	EXPECT_MEMEQ(vh.shared_in, src + 4064, 936);
	EXPECT_EQ(f.rcx, 0);
	EXPECT_EQ(f.rsi, (uint64_t)(uintptr_t)src + 5000);
	EXPECT_EQ(f.rip, RIP0 + 2);
	free(src);
}

TEST(snp_vc, insw_and_direction_flag)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x66\x6d", 2, SVM_EXIT_IOIO); /* insw */
	uint16_t dst[4] = {0};

	f.rdi = (uint64_t)(uintptr_t)dst;
	f.rdx = 0x1f0;
	f.rcx = 77; /* no REP: one element, RCX untouched */
	vh.ans_shared[0] = 0x34;
	vh.ans_shared[1] = 0x12;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	/* IN | STR | SZ16 | ASZ64 | segment ES (0) */
	EXPECT_EQ(vh.info1, 0x01f00225ull);
	EXPECT_EQ(vh.info2, 1);
	EXPECT_EQ(dst[0], 0x1234);
	EXPECT_EQ(f.rdi, (uint64_t)(uintptr_t)dst + 2);
	EXPECT_EQ(f.rcx, 77);
	/* DF=1 string I/O is never used by the SVSM: terminate. */
	env = env_setup(&f, "\x66\x6d", 2, SVM_EXIT_IOIO);
	f.rflags |= 1ull << 10;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_UNSUPPORTED);
	EXPECT_EQ(vh.calls, 0);
}

TEST(snp_vc, rdmsr_wrmsr)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x0f\x32", 2, SVM_EXIT_MSR);

	f.rcx = 0xffffffff0000001bull; /* only ECX counts */
	f.rax = f.rdx = ~0ull;
	vh.ans_rax = 0xfee00900;
	vh.ans_rdx = 0x1;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_EXIT_MSR);
	EXPECT_EQ(vh.info1, 0);
	EXPECT_TRUE(vh.rcx_valid);
	EXPECT_EQ(vh.rcx, 0x1b);
	EXPECT_FALSE(vh.rax_valid);
	EXPECT_EQ(f.rax, 0xfee00900);
	EXPECT_EQ(f.rdx, 1);
	EXPECT_EQ(f.rip, RIP0 + 2);
	env = env_setup(&f, "\x0f\x30", 2, SVM_EXIT_MSR);
	f.rcx = 0x830;
	f.rax = 0xffffffff000000feull;
	f.rdx = 0x3;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info1, 1);
	EXPECT_TRUE(vh.rax_valid && vh.rdx_valid);
	EXPECT_EQ(vh.rax, 0xfe);
	EXPECT_EQ(vh.rdx, 3);
	EXPECT_EQ(f.rip, RIP0 + 2);
}

TEST(snp_vc, rdtsc_rdtscp)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x0f\x31", 2, SVM_EXIT_RDTSC);

	vh.ans_rax = 0x11112222;
	vh.ans_rdx = 0x3;
	vh.ans_rcx = 0x7;
	f.rcx = 0x55;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_EXIT_RDTSC);
	EXPECT_EQ(f.rax, 0x11112222);
	EXPECT_EQ(f.rdx, 3);
	EXPECT_EQ(f.rcx, 0x55);
	EXPECT_EQ(f.rip, RIP0 + 2);
	env = env_setup(&f, "\x0f\x01\xf9", 3, SVM_EXIT_RDTSCP);
	vh.ans_rcx = 0x7;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_EXIT_RDTSCP);
	EXPECT_EQ(f.rcx, 7);
	EXPECT_EQ(f.rip, RIP0 + 3);
	/* Prefixes: the decoded length counts (found by the snp_vc fuzz target). */
	env = env_setup(&f, "\x26\x0f\x01\xf9", 4, SVM_EXIT_RDTSCP);
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rip, RIP0 + 4);
	/* The exit code and the instruction must agree. */
	env = env_setup(&f, "\x0f\x31", 2, SVM_EXIT_RDTSCP);
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_DECODE);
}

TEST(snp_vc, mmio_loads_and_stores_through_the_decoder)
{
	struct trap_frame f;
	/* mov eax, [rbx + 0x20] */
	struct snp_vc_env env = env_setup(&f, "\x8b\x43\x20", 3, SNP_EXIT_NPF_CODE);

	f.rbx = MMIO_VA;
	f.rax = ~0ull;
	memcpy(vh.ans_shared, "\x78\x56\x34\x12", 4);
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_VMGEXIT_MMIO_READ);
	EXPECT_EQ(vh.info1, MMIO_PA + 0x20);
	EXPECT_EQ(vh.info2, 4);
	EXPECT_EQ(vh.scratch, env.ghcb_gpa + 0x800);
	EXPECT_EQ(f.rax, 0x12345678); /* zero-extended */
	EXPECT_EQ(f.rip, RIP0 + 3);
	/* mov [rax + rcx*4 + 0x300], edx */
	env = env_setup(&f, "\x89\x94\x88\x00\x03\x00\x00", 7, SNP_EXIT_NPF_CODE);
	f.rax = MMIO_VA;
	f.rcx = 2;
	f.rdx = 0xffffffffcafef00dull;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.exit_code, SVM_VMGEXIT_MMIO_WRITE);
	EXPECT_EQ(vh.info1, MMIO_PA + 0x308);
	EXPECT_EQ(vh.info2, 4);
	EXPECT_MEMEQ(vh.shared_in, "\x0d\xf0\xfe\xca", 4);
	EXPECT_EQ(f.rip, RIP0 + 7);
	/* mov dword [rdi + 0xb0], 0 (C7 /0 imm32): the xAPIC EOI write. */
	env = env_setup(&f, "\xc7\x87\xb0\x00\x00\x00\x00\x00\x00\x00", 10, SNP_EXIT_NPF_CODE);
	f.rdi = MMIO_VA;
	vh.shared_in[0] = 0xff;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info1, MMIO_PA + 0xb0);
	EXPECT_MEMEQ(vh.shared_in, "\0\0\0\0", 4);
	EXPECT_EQ(f.rip, RIP0 + 10);
	/* movzx ecx, word [rsi] and movsx rdx, byte [rsi] */
	env = env_setup(&f, "\x0f\xb7\x0e", 3, SNP_EXIT_NPF_CODE);
	f.rsi = MMIO_VA + 4;
	f.rcx = ~0ull;
	memcpy(vh.ans_shared, "\xfe\xff", 2);
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info2, 2);
	EXPECT_EQ(f.rcx, 0xfffe);
	env = env_setup(&f, "\x48\x0f\xbe\x16", 4, SNP_EXIT_NPF_CODE);
	f.rsi = MMIO_VA;
	vh.ans_shared[0] = 0x80;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(vh.info2, 1);
	EXPECT_EQ(f.rdx, 0xffffffffffffff80ull);
	/* mov al, [rbx]: an 8-bit load keeps the rest of RAX. */
	env = env_setup(&f, "\x8a\x03", 2, SNP_EXIT_NPF_CODE);
	f.rbx = MMIO_VA;
	f.rax = 0x1111111111111111ull;
	vh.ans_shared[0] = 0x99;
	ASSERT_EQ(snp_vc_handle(&f, &env), 0);
	EXPECT_EQ(f.rax, 0x1111111111111199ull);
}

TEST(snp_vc, terminations)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x0f\x09", 2, SVM_EXIT_WBINVD);

	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_EXIT);
	env = env_setup(&f, "\x0f\x01\xd9", 3, SVM_EXIT_VMMCALL);
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_EXIT);
	/* MMIO at an address no page table maps. */
	env = env_setup(&f, "\x8b\x03", 2, SNP_EXIT_NPF_CODE);
	f.rbx = 0x1000;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_ADDRESS);
	/* MMIO through GS, and MOVS on MMIO: never done by the SVSM. */
	env = env_setup(&f, "\x65\x8b\x03", 3, SNP_EXIT_NPF_CODE);
	f.rbx = MMIO_VA;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_ADDRESS);
	env = env_setup(&f, "\xa5", 1, SNP_EXIT_NPF_CODE);
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_DECODE);
	/* An instruction the decoder rejects. */
	env = env_setup(&f, "\x0f\x0b", 2, SVM_EXIT_IOIO);
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_DECODE);
	/* IOIO without a GHCB (before plat_init). */
	env = env_setup(&f, "\xe6\xf4", 2, SVM_EXIT_IOIO);
	env.ghcb = NULL;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_NO_GHCB);
	/* The host answering with an error. */
	env = env_setup(&f, "\xe6\xf4", 2, SVM_EXIT_IOIO);
	vh.fail = true;
	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_GHCB);
	EXPECT_EQ(f.rip, RIP0); /* nothing advanced */
	/* A host that does not mark RAX valid after IN. */
	EXPECT_EQ(vh.calls, 1);
}

/* A guest rescinded a page the SVSM copies from: the copy's fixup, not a termination. */
TEST(snp_vc, page_not_validated_in_a_guest_copy_resumes_at_the_fixup)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\xf3\xa4", 2, SNP_EXIT_NOT_VALIDATED_CODE);

	EXPECT_EQ(snp_vc_not_validated(&f, RIP0 + 0x40), 0);
	EXPECT_EQ(f.rip, RIP0 + 0x40);
	EXPECT_EQ(vh.calls, 0); /* the host is not asked anything */
	(void)env;
}

/* The same #VC anywhere else (the SVSM's own memory) still terminates, unchanged frame. */
TEST(snp_vc, page_not_validated_elsewhere_terminates)
{
	struct trap_frame f;
	struct snp_vc_env env = env_setup(&f, "\x8b\x03", 2, SNP_EXIT_NOT_VALIDATED_CODE);

	EXPECT_EQ(snp_vc_handle(&f, &env), SNP_VC_TERM_NOT_VALIDATED);
	EXPECT_EQ(snp_vc_not_validated(&f, 0), SNP_VC_TERM_NOT_VALIDATED);
	EXPECT_EQ(f.rip, RIP0);
	/* A fixup never applies to another exit code (MMIO #NPF goes through emulation). */
	f.error_code = SNP_EXIT_NPF_CODE;
	EXPECT_EQ(snp_vc_not_validated(&f, RIP0 + 0x40), SNP_VC_TERM_NOT_VALIDATED);
	EXPECT_EQ(f.rip, RIP0);
	EXPECT_EQ(vh.calls, 0);
}

/*
 * #VC handling for the SVSM's own instructions (GHCB spec #56421 section 4.1 and the NAE
 * events of its table 6): CPUID from the CPUID page, port I/O (also string and REP forms),
 * RDMSR/WRMSR, RDTSC/RDTSCP and MMIO (#NPF on a page the host reserved) through the GHCB.
 * MMIO and I/O instructions are decoded by lib/x86_decode.c. A page that is not validated
 * (error code 0x404) is resumed at an exception fixup when a guest-memory copy touched it
 * (snp_vc_not_validated()). Anything else is a reason to terminate: the SVSM never executes it on purpose, so emulating it would only hide a bug
 * or a host attack. No state; runs on the CPU's #VC IST stack and never logs (the console
 * itself raises #VC).
 */
#include "kernel/platform/snp/vc.h"

#include <stddef.h>

#include "kernel/platform/snp/ghcb.h"

#include "lib/x86_decode.h"
#include <string.h>

#define RFLAGS_DF (1ull << 10)
#define SHARED_BUF_OFF offsetof(struct ghcb, shared_buffer)

static uint64_t *gpr(struct trap_frame *f, unsigned int reg)
{
	switch (reg & 0xf) {
	case 0:
		return &f->rax;
	case 1:
		return &f->rcx;
	case 2:
		return &f->rdx;
	case 3:
		return &f->rbx;
	case 4:
		return &f->rsp;
	case 5:
		return &f->rbp;
	case 6:
		return &f->rsi;
	case 7:
		return &f->rdi;
	case 8:
		return &f->r8;
	case 9:
		return &f->r9;
	case 10:
		return &f->r10;
	case 11:
		return &f->r11;
	case 12:
		return &f->r12;
	case 13:
		return &f->r13;
	case 14:
		return &f->r14;
	default:
		return &f->r15;
	}
}

static uint64_t size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static uint64_t reg_read(struct trap_frame *f, unsigned int reg, unsigned int bytes)
{
	if (reg >= X86_REG_AH && reg <= X86_REG_BH) {
		return (*gpr(f, reg - X86_REG_AH) >> 8) & 0xff;
	}
	return *gpr(f, reg) & size_mask(bytes);
}

/* x86 register write rules: 8/16-bit writes keep the rest, 32-bit writes zero-extend. */
static void reg_write(struct trap_frame *f, unsigned int reg, unsigned int bytes, uint64_t v)
{
	uint64_t *r = NULL;

	if (reg >= X86_REG_AH && reg <= X86_REG_BH) {
		r = gpr(f, reg - X86_REG_AH);
		*r = (*r & ~0xff00ull) | ((v & 0xff) << 8);
		return;
	}
	r = gpr(f, reg);
	if (bytes >= 4) {
		*r = v & size_mask(bytes);
	} else {
		*r = (*r & ~size_mask(bytes)) | (v & size_mask(bytes));
	}
}

static bool leaf_has_subleaf(uint32_t leaf)
{
	return leaf == 0x4 || leaf == 0x7 || leaf == 0xb || leaf == 0xd || leaf == 0xf ||
	       leaf == 0x10 || leaf == 0x14 || leaf == 0x1f || leaf == 0x8000001d ||
	       leaf == 0x80000020 || leaf == 0x80000026;
}

bool snp_cpuid_lookup(const struct snp_cpuid_table *cpuid, uint32_t leaf, uint32_t subleaf,
		      uint32_t out[4])
{
	uint32_t count = 0;

	memset(out, 0, 4 * sizeof(uint32_t));
	if (cpuid == NULL) {
		return false;
	}
	count = cpuid->count < SNP_CPUID_COUNT_MAX ? cpuid->count : SNP_CPUID_COUNT_MAX;
	for (uint32_t i = 0; i < count; i++) {
		const struct snp_cpuid_fn *e = &cpuid->fn[i];

		if (e->eax_in == leaf && (!leaf_has_subleaf(leaf) || e->ecx_in == subleaf)) {
			out[0] = e->eax;
			out[1] = e->ebx;
			out[2] = e->ecx;
			out[3] = e->edx;
			break;
		}
	}
	return true;
}

static unsigned int vc_cpuid(struct trap_frame *f, const struct snp_vc_env *env,
			     unsigned int length)
{
	uint32_t r[4];

	if (!snp_cpuid_lookup(env->cpuid, (uint32_t)f->rax, (uint32_t)f->rcx, r)) {
		return SNP_VC_TERM_EXIT;
	}
	f->rax = r[0];
	f->rbx = r[1];
	f->rcx = r[2];
	f->rdx = r[3];
	f->rip += length;
	return 0;
}

static unsigned int ghcb_call(const struct snp_vc_env *env)
{
	return snp_ghcb_call_prepared(env->ghcb, env->ghcb_gpa) == SVSM_OK ? 0 : SNP_VC_TERM_GHCB;
}

static bool ghcb_get(const struct snp_vc_env *env, size_t off, uint64_t *v)
{
	return snp_ghcb_get_field(env->ghcb, off, v);
}

static unsigned int vc_msr(struct trap_frame *f, const struct snp_vc_env *env,
			   const struct x86_insn *in)
{
	bool write = in->cls == X86_WRMSR;
	uint64_t lo = 0, hi = 0;
	unsigned int rc = 0;

	if (in->cls != X86_RDMSR && !write) {
		return SNP_VC_TERM_DECODE;
	}
	snp_ghcb_prepare(env->ghcb, SVM_EXIT_MSR, write ? 1 : 0, 0);
	snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(rcx), (uint32_t)f->rcx);
	if (write) {
		snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(rax), (uint32_t)f->rax);
		snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(rdx), (uint32_t)f->rdx);
	}
	rc = ghcb_call(env);
	if (rc != 0) {
		return rc;
	}
	if (!write) {
		if (!ghcb_get(env, SNP_GHCB_OFF(rax), &lo) ||
		    !ghcb_get(env, SNP_GHCB_OFF(rdx), &hi)) {
			return SNP_VC_TERM_GHCB;
		}
		f->rax = (uint32_t)lo;
		f->rdx = (uint32_t)hi;
	}
	f->rip += in->length;
	return 0;
}

static unsigned int vc_rdtsc(struct trap_frame *f, const struct snp_vc_env *env, bool rdtscp,
			     unsigned int length)
{
	uint64_t a = 0, d = 0, c = 0;
	unsigned int rc = 0;

	snp_ghcb_prepare(env->ghcb, rdtscp ? SVM_EXIT_RDTSCP : SVM_EXIT_RDTSC, 0, 0);
	rc = ghcb_call(env);
	if (rc != 0) {
		return rc;
	}
	if (!ghcb_get(env, SNP_GHCB_OFF(rax), &a) || !ghcb_get(env, SNP_GHCB_OFF(rdx), &d) ||
	    (rdtscp && !ghcb_get(env, SNP_GHCB_OFF(rcx), &c))) {
		return SNP_VC_TERM_GHCB;
	}
	f->rax = (uint32_t)a;
	f->rdx = (uint32_t)d;
	if (rdtscp) {
		f->rcx = (uint32_t)c;
	}
	f->rip += length; /* prefixes are legal: the decoded length, not 2 or 3 */
	return 0;
}

/** snp_vc_ioio_info() - exit_info_1 of an IOIO NAE for a decoded IN/OUT/INS/OUTS. */
static uint64_t ioio_info(const struct x86_insn *in, uint16_t port)
{
	uint64_t info = (uint64_t)port << SVM_IOIO_PORT_SHIFT;

	if (in->cls == X86_IN || in->cls == X86_INS) {
		info |= SVM_IOIO_TYPE_IN;
	}
	if (in->cls == X86_INS || in->cls == X86_OUTS) {
		info |= SVM_IOIO_STR;
		/* Effective segment in bits 12:10: ES for INS, DS for OUTS (Linux does the same).
		 */
		info |= (uint64_t)(in->cls == X86_INS ? X86_SEG_ES : X86_SEG_DS) << 10;
	}
	if ((in->prefixes & X86_PFX_REP) != 0 && (info & SVM_IOIO_STR) != 0) {
		info |= SVM_IOIO_REP;
	}
	info |= in->op_size == 1 ? SVM_IOIO_SZ8 : in->op_size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32;
	info |= in->addr_size == 2   ? SVM_IOIO_ASZ16
		: in->addr_size == 4 ? SVM_IOIO_ASZ32
				     : SVM_IOIO_ASZ64;
	return info;
}

static unsigned int vc_ioio_string(struct trap_frame *f, const struct snp_vc_env *env,
				   const struct x86_insn *in, uint64_t info)
{
	bool input = in->cls == X86_INS;
	unsigned int size = in->op_size;
	uint64_t amask = size_mask(in->addr_size);
	bool rep = (info & SVM_IOIO_REP) != 0;
	uint64_t count = rep ? (f->rcx & amask) : 1;
	uint64_t *ptr = input ? &f->rdi : &f->rsi;

	if ((f->rflags & RFLAGS_DF) != 0 || in->addr_size != 8 ||
	    ((in->prefixes & X86_PFX_SEG) != 0 && in->mem.seg != X86_SEG_DS &&
	     in->mem.seg != X86_SEG_ES)) {
		return SNP_VC_TERM_UNSUPPORTED;
	}
	while (count > 0) {
		uint64_t n =
		    count < GHCB_SHARED_BUF_SIZE / size ? count : GHCB_SHARED_BUF_SIZE / size;
		uint8_t *mem = (uint8_t *)(uintptr_t)(*ptr & amask);
		unsigned int rc = 0;

		if (!input) {
			memcpy(env->ghcb->shared_buffer, mem, n * size);
		}
		snp_ghcb_prepare(env->ghcb, SVM_EXIT_IOIO, info, n);
		snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(sw_scratch),
				   env->ghcb_gpa + SHARED_BUF_OFF);
		rc = ghcb_call(env);
		if (rc != 0) {
			return rc;
		}
		if (input) {
			memcpy(mem, env->ghcb->shared_buffer, n * size);
		}
		*ptr = (*ptr & ~amask) | ((*ptr + n * size) & amask);
		count -= n;
		if (rep) {
			f->rcx = (f->rcx & ~amask) | (count & amask);
		}
	}
	f->rip += in->length;
	return 0;
}

static unsigned int vc_ioio(struct trap_frame *f, const struct snp_vc_env *env,
			    const struct x86_insn *in)
{
	uint16_t port = in->has_imm ? (uint16_t)in->imm : (uint16_t)f->rdx;
	uint64_t info = ioio_info(in, port);
	uint64_t v = 0;
	unsigned int rc = 0;

	if (in->cls == X86_INS || in->cls == X86_OUTS) {
		return vc_ioio_string(f, env, in, info);
	}
	if (in->cls != X86_IN && in->cls != X86_OUT) {
		return SNP_VC_TERM_DECODE;
	}
	snp_ghcb_prepare(env->ghcb, SVM_EXIT_IOIO, info, 0);
	snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(rax),
			   in->cls == X86_OUT ? f->rax & size_mask(in->op_size) : 0);
	rc = ghcb_call(env);
	if (rc != 0) {
		return rc;
	}
	if (in->cls == X86_IN) {
		if (!ghcb_get(env, SNP_GHCB_OFF(rax), &v)) {
			return SNP_VC_TERM_GHCB;
		}
		reg_write(f, X86_REG_AX, in->op_size, v);
	}
	f->rip += in->length;
	return 0;
}

static bool mmio_address(const struct trap_frame *f, const struct x86_insn *in, uint64_t *va)
{
	struct trap_frame *m = (struct trap_frame *)f; /* gpr() is read-only here */
	uint64_t a = (uint64_t)in->mem.disp;

	if (in->mem.seg == X86_SEG_FS || in->mem.seg == X86_SEG_GS) {
		return false; /* the SVSM never does MMIO through FS/GS */
	}
	if (in->mem.base == X86_REG_RIP) {
		a += f->rip + in->length;
	} else if (in->mem.base != X86_REG_NONE) {
		a += *gpr(m, in->mem.base);
	}
	if (in->mem.index != X86_REG_NONE) {
		a += *gpr(m, in->mem.index) * in->mem.scale;
	}
	*va = a & size_mask(in->addr_size);
	return true;
}

static unsigned int vc_mmio(struct trap_frame *f, const struct snp_vc_env *env,
			    const struct x86_insn *in)
{
	bool write = in->cls == X86_MOV_STORE || in->cls == X86_MOV_STORE_IMM ||
		     in->cls == X86_MOV_STORE_MOFFS;
	unsigned int bytes = in->src_size;
	uint64_t va = 0, pa = 0, v = 0;
	unsigned int rc = 0;

	if (!write && in->cls != X86_MOV_LOAD && in->cls != X86_MOV_LOAD_MOFFS &&
	    in->cls != X86_MOVZX && in->cls != X86_MOVSX) {
		return SNP_VC_TERM_DECODE; /* MOVS/STOS to MMIO: never done by the SVSM */
	}
	if (!in->has_mem || !mmio_address(f, in, &va) || !snp_vc_virt_to_phys(va, &pa)) {
		return SNP_VC_TERM_ADDRESS;
	}
	if (write) {
		v = in->cls == X86_MOV_STORE_IMM ? in->imm : reg_read(f, in->reg, bytes);
		memcpy(env->ghcb->shared_buffer, &v, bytes);
	}
	snp_ghcb_prepare(env->ghcb, write ? SVM_VMGEXIT_MMIO_WRITE : SVM_VMGEXIT_MMIO_READ, pa,
			 bytes);
	snp_ghcb_set_field(env->ghcb, SNP_GHCB_OFF(sw_scratch), env->ghcb_gpa + SHARED_BUF_OFF);
	rc = ghcb_call(env);
	if (rc != 0) {
		return rc;
	}
	if (!write) {
		memcpy(&v, env->ghcb->shared_buffer, bytes);
		if (in->cls == X86_MOVSX) {
			unsigned int shift = 64 - 8 * bytes;

			v = (uint64_t)((int64_t)(v << shift) >> shift);
		}
		reg_write(f, in->reg, in->op_size, v);
	}
	f->rip += in->length;
	return 0;
}

unsigned int snp_vc_not_validated(struct trap_frame *f, uint64_t fixup_rip)
{
	if (f->error_code != SNP_EXIT_NOT_VALIDATED_CODE || fixup_rip == 0) {
		return SNP_VC_TERM_NOT_VALIDATED;
	}
	f->rip = fixup_rip;
	return 0;
}

unsigned int snp_vc_handle(struct trap_frame *f, const struct snp_vc_env *env)
{
	struct x86_insn in;
	uint64_t code = f->error_code;

	if (code == SNP_EXIT_NOT_VALIDATED_CODE) {
		return SNP_VC_TERM_NOT_VALIDATED; /* no emulation; see snp_vc_not_validated() */
	}

	if (code != SVM_EXIT_CPUID && code != SVM_EXIT_MSR && code != SVM_EXIT_IOIO &&
	    code != SNP_EXIT_NPF_CODE && code != SVM_EXIT_RDTSC && code != SVM_EXIT_RDTSCP) {
		return SNP_VC_TERM_EXIT;
	}
	/* Every emulated instruction is decoded: prefixes make its length vary. */
	if (x86_decode((const uint8_t *)(uintptr_t)f->rip, X86_MAX_INSN_LEN, X86_MODE_64, &in) !=
	    X86_DECODE_OK) {
		return SNP_VC_TERM_DECODE;
	}
	if (code == SVM_EXIT_CPUID) {
		/* Served from the CPUID page: works before the CPU has a GHCB. */
		return in.cls == X86_CPUID ? vc_cpuid(f, env, in.length) : SNP_VC_TERM_DECODE;
	}
	if (env->ghcb == NULL) {
		return SNP_VC_TERM_NO_GHCB;
	}
	switch (code) {
	case SVM_EXIT_MSR:
		return vc_msr(f, env, &in);
	case SVM_EXIT_IOIO:
		return vc_ioio(f, env, &in);
	case SVM_EXIT_RDTSC:
		return in.cls == X86_RDTSC ? vc_rdtsc(f, env, false, in.length)
					   : SNP_VC_TERM_DECODE;
	case SVM_EXIT_RDTSCP:
		return in.cls == X86_RDTSCP ? vc_rdtsc(f, env, true, in.length)
					    : SNP_VC_TERM_DECODE;
	default:
		return vc_mmio(f, env, &in);
	}
}

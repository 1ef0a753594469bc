/*
 * x86 instruction decoder: owns the decoding of prefixes, REX, ModRM/SIB/displacement and
 * immediates for the MMIO and #VC instruction set listed in x86_decode.h. Everything else is
 * rejected. Never reads beyond min(len, 15) bytes. No global state.
 */
#include "lib/x86_decode.h"

#include <stddef.h>
#include <stdint.h>

/** struct cursor - bounded reader over the instruction bytes. */
struct cursor {
	const uint8_t *bytes;
	size_t len;   /* bytes available to read, <= 15 */
	size_t given; /* bytes the caller gave */
	size_t pos;
};

static enum x86_decode_err cursor_need(const struct cursor *c, size_t n)
{
	if (c->pos + n > X86_MAX_INSN_LEN) {
		return X86_DECODE_TOO_LONG;
	}
	if (c->pos + n > c->len) {
		return X86_DECODE_TRUNCATED;
	}
	return X86_DECODE_OK;
}

/* Little-endian read of @n (1, 2, 4, 8) bytes; caller checked cursor_need(). */
static uint64_t cursor_take(struct cursor *c, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	}
	c->pos += n;
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return (int64_t)(v << shift) >> shift;
}

/* Byte register name: without REX, numbers 4..7 are AH..BH. */
static uint8_t byte_reg(uint8_t reg, uint8_t rex)
{
	if (rex == 0 && reg >= 4 && reg <= 7) {
		return (uint8_t)(X86_REG_AH + (reg - 4));
	}
	return reg;
}

static uint8_t default_seg(uint8_t base, uint8_t override, bool has_override)
{
	if (has_override) {
		return override;
	}
	return (base == X86_REG_SP || base == X86_REG_BP) ? X86_SEG_SS : X86_SEG_DS;
}

/* 16-bit addressing: rm selects one of eight base/index pairs. */
static enum x86_decode_err decode_modrm16(struct cursor *c, uint8_t mod, uint8_t rm,
					  struct x86_mem *m)
{
	static const uint8_t base16[8] = {X86_REG_BX, X86_REG_BX, X86_REG_BP, X86_REG_BP,
					  X86_REG_SI, X86_REG_DI, X86_REG_BP, X86_REG_BX};
	static const uint8_t index16[8] = {X86_REG_SI, X86_REG_DI, X86_REG_SI, X86_REG_DI,
					   X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE};
	enum x86_decode_err err = X86_DECODE_OK;

	m->base = base16[rm];
	m->index = index16[rm];
	m->scale = 1;
	if (mod == 0 && rm == 6) {
		m->base = X86_REG_NONE;
		err = cursor_need(c, 2);
		if (err == X86_DECODE_OK) {
			m->disp = (int64_t)cursor_take(c, 2); /* absolute, zero-extended */
		}
	} else if (mod == 1) {
		err = cursor_need(c, 1);
		if (err == X86_DECODE_OK) {
			m->disp = sign_extend(cursor_take(c, 1), 1);
		}
	} else if (mod == 2) {
		err = cursor_need(c, 2);
		if (err == X86_DECODE_OK) {
			m->disp = sign_extend(cursor_take(c, 2), 2);
		}
	}
	return err;
}

/* 32/64-bit addressing with optional SIB. */
static enum x86_decode_err decode_modrm32(struct cursor *c, enum x86_mode mode, uint8_t rex,
					  uint8_t mod, uint8_t rm, struct x86_mem *m)
{
	enum x86_decode_err err = X86_DECODE_OK;
	unsigned int disp_bytes = mod == 1 ? 1 : (mod == 2 ? 4 : 0);

	m->scale = 1;
	m->index = X86_REG_NONE;
	if (rm == 4) {
		uint8_t sib = 0;
		uint8_t index = 0;
		uint8_t base = 0;

		err = cursor_need(c, 1);
		if (err != X86_DECODE_OK) {
			return err;
		}
		sib = (uint8_t)cursor_take(c, 1);
		m->scale = (uint8_t)(1u << (sib >> 6));
		index = (uint8_t)(((sib >> 3) & 7) | ((rex & 0x2) << 2));
		m->index = index == X86_REG_SP ? X86_REG_NONE : index;
		base = sib & 7;
		if (base == 5 && mod == 0) {
			m->base = X86_REG_NONE;
			disp_bytes = 4;
		} else {
			m->base = (uint8_t)(base | ((rex & 0x1) << 3));
		}
	} else if (rm == 5 && mod == 0) {
		m->base = mode == X86_MODE_64 ? X86_REG_RIP : X86_REG_NONE;
		disp_bytes = 4;
	} else {
		m->base = (uint8_t)(rm | ((rex & 0x1) << 3));
	}
	if (disp_bytes != 0) {
		err = cursor_need(c, disp_bytes);
		if (err != X86_DECODE_OK) {
			return err;
		}
		m->disp = sign_extend(cursor_take(c, disp_bytes), disp_bytes);
		if (m->base == X86_REG_NONE && m->index == X86_REG_NONE && mode != X86_MODE_64) {
			m->disp &= 0xffffffffll; /* absolute 32-bit address */
		}
	}
	return X86_DECODE_OK;
}

/** Decode ModRM (and what follows it up to the immediate); @byte_op selects byte registers. */
static enum x86_decode_err decode_modrm(struct cursor *c, enum x86_mode mode, struct x86_insn *in,
					uint8_t seg, bool has_seg, bool reg_is_byte,
					bool rm_is_byte)
{
	enum x86_decode_err err = cursor_need(c, 1);
	uint8_t modrm = 0;
	uint8_t mod = 0;
	uint8_t rm = 0;
	uint8_t reg = 0;

	if (err != X86_DECODE_OK) {
		return err;
	}
	modrm = (uint8_t)cursor_take(c, 1);
	mod = modrm >> 6;
	rm = modrm & 7;
	reg = (uint8_t)(((modrm >> 3) & 7) | ((in->rex & 0x4) << 1));
	in->reg = reg_is_byte ? byte_reg(reg, in->rex) : reg;
	if (mod == 3) {
		uint8_t r = (uint8_t)(rm | ((in->rex & 0x1) << 3));

		in->rm_reg = rm_is_byte ? byte_reg(r, in->rex) : r;
		in->has_mem = false;
		return X86_DECODE_OK;
	}
	in->has_mem = true;
	if (in->addr_size == 2) {
		err = decode_modrm16(c, mod, rm, &in->mem);
	} else {
		err = decode_modrm32(c, mode, in->rex, mod, rm, &in->mem);
	}
	in->mem.seg = default_seg(in->mem.base, seg, has_seg);
	return err;
}

static enum x86_decode_err take_imm(struct cursor *c, struct x86_insn *in, unsigned int bytes)
{
	enum x86_decode_err err = cursor_need(c, bytes);

	if (err != X86_DECODE_OK) {
		return err;
	}
	in->imm = cursor_take(c, bytes);
	in->imm_size = (uint8_t)bytes;
	in->has_imm = true;
	return X86_DECODE_OK;
}

/* String operands: source seg:[rSI] (override allowed), destination es:[rDI] (fixed). */
static void string_mem(struct x86_mem *m, uint8_t reg, uint8_t seg)
{
	m->base = reg;
	m->index = X86_REG_NONE;
	m->scale = 1;
	m->seg = seg;
	m->disp = 0;
}

static enum x86_decode_err decode_0f(struct cursor *c, enum x86_mode mode, struct x86_insn *in,
				     uint8_t seg, bool has_seg)
{
	enum x86_decode_err err = cursor_need(c, 1);
	uint8_t op = 0;

	if (err != X86_DECODE_OK) {
		return err;
	}
	op = (uint8_t)cursor_take(c, 1);
	switch (op) {
	case 0xa2:
		in->cls = X86_CPUID;
		return X86_DECODE_OK;
	case 0x30:
		in->cls = X86_WRMSR;
		return X86_DECODE_OK;
	case 0x31:
		in->cls = X86_RDTSC;
		return X86_DECODE_OK;
	case 0x32:
		in->cls = X86_RDMSR;
		return X86_DECODE_OK;
	case 0x01:
		err = cursor_need(c, 1);
		if (err != X86_DECODE_OK) {
			return err;
		}
		op = (uint8_t)cursor_take(c, 1);
		if (op == 0xd9) {
			in->cls = X86_VMMCALL;
			return X86_DECODE_OK;
		}
		if (op == 0xf9) {
			in->cls = X86_RDTSCP;
			return X86_DECODE_OK;
		}
		return X86_DECODE_UNSUPPORTED;
	case 0xb6:
	case 0xb7:
	case 0xbe:
	case 0xbf:
		in->cls = (op & 0x8) ? X86_MOVSX : X86_MOVZX;
		in->src_size = (op & 1) ? 2 : 1;
		return decode_modrm(c, mode, in, seg, has_seg, false, in->src_size == 1);
	default:
		return X86_DECODE_UNSUPPORTED;
	}
}

static enum x86_decode_err decode_opcode(struct cursor *c, enum x86_mode mode, struct x86_insn *in,
					 uint8_t op, uint8_t seg, bool has_seg)
{
	uint8_t wide = in->op_size;          /* size of the non-byte form */
	uint8_t io_wide = in->op_size == 2 ? 2 : 4; /* I/O is at most 32-bit */
	enum x86_decode_err err = X86_DECODE_OK;

	switch (op) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		in->cls = (op & 2) ? X86_MOV_LOAD : X86_MOV_STORE;
		in->op_size = (op & 1) ? wide : 1;
		return decode_modrm(c, mode, in, seg, has_seg, in->op_size == 1, in->op_size == 1);
	case 0xc6:
	case 0xc7:
		in->cls = X86_MOV_STORE_IMM;
		in->op_size = (op & 1) ? wide : 1;
		err = decode_modrm(c, mode, in, seg, has_seg, false, in->op_size == 1);
		if (err != X86_DECODE_OK) {
			return err;
		}
		if ((in->reg & 7) != 0) {
			return X86_DECODE_INVALID; /* C6/C7 /1..7: XABORT/XBEGIN or #UD */
		}
		in->reg = X86_REG_NONE;
		err = take_imm(c, in, in->op_size == 8 ? 4 : in->op_size);
		if (err == X86_DECODE_OK && in->op_size == 8) {
			in->imm = (uint64_t)sign_extend(in->imm, 4);
		}
		return err;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		in->cls = (op & 2) ? X86_MOV_STORE_MOFFS : X86_MOV_LOAD_MOFFS;
		in->op_size = (op & 1) ? wide : 1;
		in->reg = X86_REG_AX;
		err = cursor_need(c, in->addr_size);
		if (err != X86_DECODE_OK) {
			return err;
		}
		in->has_mem = true;
		in->mem.base = X86_REG_NONE;
		in->mem.index = X86_REG_NONE;
		in->mem.scale = 1;
		in->mem.seg = has_seg ? seg : X86_SEG_DS;
		in->mem.disp = (int64_t)cursor_take(c, in->addr_size);
		return X86_DECODE_OK;
	case 0xa4:
	case 0xa5:
		in->cls = X86_MOVS;
		in->op_size = (op & 1) ? wide : 1;
		in->has_mem = true;
		string_mem(&in->mem, X86_REG_SI, has_seg ? seg : X86_SEG_DS);
		string_mem(&in->mem2, X86_REG_DI, X86_SEG_ES);
		return X86_DECODE_OK;
	case 0xaa:
	case 0xab:
		in->cls = X86_STOS;
		in->op_size = (op & 1) ? wide : 1;
		in->reg = X86_REG_AX;
		in->has_mem = true;
		string_mem(&in->mem, X86_REG_DI, X86_SEG_ES);
		return X86_DECODE_OK;
	case 0x6c:
	case 0x6d:
	case 0x6e:
	case 0x6f:
		in->cls = (op & 2) ? X86_OUTS : X86_INS;
		in->op_size = (op & 1) ? io_wide : 1;
		in->has_mem = true;
		if (in->cls == X86_INS) {
			string_mem(&in->mem, X86_REG_DI, X86_SEG_ES);
		} else {
			string_mem(&in->mem, X86_REG_SI, has_seg ? seg : X86_SEG_DS);
		}
		return X86_DECODE_OK;
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		in->cls = (op & 2) ? X86_OUT : X86_IN;
		in->op_size = (op & 1) ? io_wide : 1;
		in->reg = X86_REG_AX;
		if ((op & 0x8) == 0) {
			return take_imm(c, in, 1);
		}
		return X86_DECODE_OK;
	case 0x0f:
		return decode_0f(c, mode, in, seg, has_seg);
	default:
		return X86_DECODE_UNSUPPORTED;
	}
}

enum x86_decode_err x86_decode(const uint8_t *bytes, size_t len, enum x86_mode mode,
			       struct x86_insn *out)
{
	struct cursor c = {bytes, len < X86_MAX_INSN_LEN ? len : X86_MAX_INSN_LEN, len, 0};
	struct x86_insn in = {0};
	enum x86_decode_err err = X86_DECODE_OK;
	bool lock = false;
	bool has_seg = false;
	uint8_t seg = X86_SEG_DS;
	uint8_t op = 0;

	*out = (struct x86_insn){0};
	if (mode != X86_MODE_16 && mode != X86_MODE_32 && mode != X86_MODE_64) {
		return X86_DECODE_INVALID;
	}
	in.reg = X86_REG_NONE;
	in.rm_reg = X86_REG_NONE;
	in.mem.base = in.mem.index = X86_REG_NONE;
	in.mem2.base = in.mem2.index = X86_REG_NONE;

	for (;;) {
		err = cursor_need(&c, 1);
		if (err != X86_DECODE_OK) {
			return err;
		}
		op = c.bytes[c.pos];
		if (mode == X86_MODE_64 && (op & 0xf0) == 0x40) {
			in.rex = op; /* REX counts only if the opcode follows; see below */
			c.pos++;
			continue;
		}
		switch (op) {
		case 0xf0:
			lock = true;
			break;
		case 0xf2:
			in.prefixes = (uint8_t)((in.prefixes & ~X86_PFX_REP) | X86_PFX_REPNE);
			break;
		case 0xf3:
			in.prefixes = (uint8_t)((in.prefixes & ~X86_PFX_REPNE) | X86_PFX_REP);
			break;
		case 0x66:
			in.prefixes |= X86_PFX_OPSIZE;
			break;
		case 0x67:
			in.prefixes |= X86_PFX_ADDRSIZE;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* In 64-bit mode ES/CS/SS/DS overrides are ignored. */
			if (mode != X86_MODE_64) {
				seg = (uint8_t)((op >> 3) & 3);
				has_seg = true;
				in.prefixes |= X86_PFX_SEG;
			}
			break;
		case 0x64:
		case 0x65:
			seg = op == 0x64 ? X86_SEG_FS : X86_SEG_GS;
			has_seg = true;
			in.prefixes |= X86_PFX_SEG;
			break;
		default:
			goto opcode;
		}
		in.rex = 0; /* a legacy prefix after REX makes the REX void */
		c.pos++;
	}
opcode:
	if (lock) {
		return X86_DECODE_INVALID; /* LOCK on any supported instruction is #UD */
	}
	if (mode == X86_MODE_64) {
		in.addr_size = (in.prefixes & X86_PFX_ADDRSIZE) ? 4 : 8;
	} else if (mode == X86_MODE_32) {
		in.addr_size = (in.prefixes & X86_PFX_ADDRSIZE) ? 2 : 4;
	} else {
		in.addr_size = (in.prefixes & X86_PFX_ADDRSIZE) ? 4 : 2;
	}
	if (in.rex & 0x8) {
		in.op_size = 8;
	} else if (mode == X86_MODE_16) {
		in.op_size = (in.prefixes & X86_PFX_OPSIZE) ? 4 : 2;
	} else {
		in.op_size = (in.prefixes & X86_PFX_OPSIZE) ? 2 : 4;
	}
	c.pos++;
	err = decode_opcode(&c, mode, &in, op, seg, has_seg);
	if (err != X86_DECODE_OK) {
		return err;
	}
	if (in.cls != X86_MOVZX && in.cls != X86_MOVSX) {
		in.src_size = in.op_size;
	}
	if (in.cls == X86_CPUID || in.cls == X86_RDMSR || in.cls == X86_WRMSR ||
	    in.cls == X86_RDTSC || in.cls == X86_RDTSCP || in.cls == X86_VMMCALL) {
		in.op_size = in.src_size = 0;
	}
	in.length = (uint8_t)c.pos;
	*out = in;
	return X86_DECODE_OK;
}

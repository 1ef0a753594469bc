/*
 * x86 instruction decoder for MMIO and #VC emulation. Decodes only the instructions a device
 * access or an SNP #VC exception can come from and rejects every other encoding. Freestanding,
 * no global state; shared by the kernel and the host tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15u

/** enum x86_mode - processor mode: default operand/address size in bytes. */
enum x86_mode {
	X86_MODE_16 = 2,
	X86_MODE_32 = 4,
	X86_MODE_64 = 8,
};

/** enum x86_class - what the decoded instruction does. */
enum x86_class {
	X86_CLASS_NONE = 0,
	X86_MOV_STORE,        /* 88/89: mov r/m, reg */
	X86_MOV_LOAD,         /* 8A/8B: mov reg, r/m */
	X86_MOV_STORE_IMM,    /* C6/C7 /0: mov r/m, imm */
	X86_MOV_LOAD_MOFFS,   /* A0/A1: mov al/eAX, [moffs] */
	X86_MOV_STORE_MOFFS,  /* A2/A3: mov [moffs], al/eAX */
	X86_MOVZX,            /* 0F B6/B7 */
	X86_MOVSX,            /* 0F BE/BF */
	X86_MOVS,             /* A4/A5: mem = source ds:[rSI], mem2 = destination es:[rDI] */
	X86_STOS,             /* AA/AB: mem = es:[rDI], reg = rAX */
	X86_IN,               /* E4/E5/EC/ED */
	X86_OUT,              /* E6/E7/EE/EF */
	X86_INS,              /* 6C/6D: mem = es:[rDI], port in DX */
	X86_OUTS,             /* 6E/6F: mem = ds:[rSI], port in DX */
	X86_CPUID,            /* 0F A2 */
	X86_RDMSR,            /* 0F 32 */
	X86_WRMSR,            /* 0F 30 */
	X86_RDTSC,            /* 0F 31 */
	X86_RDTSCP,           /* 0F 01 F9 */
	X86_VMMCALL,          /* 0F 01 D9; with X86_PFX_REP this is VMGEXIT */
};

/** enum x86_decode_err - why an encoding was not decoded. */
enum x86_decode_err {
	X86_DECODE_OK = 0,
	X86_DECODE_TRUNCATED,   /* fewer bytes given than the encoding needs */
	X86_DECODE_TOO_LONG,    /* the encoding would exceed 15 bytes */
	X86_DECODE_UNSUPPORTED, /* a valid instruction this decoder does not handle */
	X86_DECODE_INVALID,     /* an encoding that faults (#UD), e.g. LOCK MOV, C7 /1 */
};

/* Register numbers: 0..15 = rAX..r15 in hardware order; high-byte registers and RIP apart. */
#define X86_REG_AX   0u
#define X86_REG_CX   1u
#define X86_REG_DX   2u
#define X86_REG_BX   3u
#define X86_REG_SP   4u
#define X86_REG_BP   5u
#define X86_REG_SI   6u
#define X86_REG_DI   7u
#define X86_REG_RIP  0x10u /* RIP-relative base (EIP with 67 prefix) */
#define X86_REG_AH   0x14u /* AH, CH, DH, BH: byte registers 4..7 without REX */
#define X86_REG_CH   0x15u
#define X86_REG_DH   0x16u
#define X86_REG_BH   0x17u
#define X86_REG_NONE 0xffu

/* Segment registers, hardware order. */
#define X86_SEG_ES 0u
#define X86_SEG_CS 1u
#define X86_SEG_SS 2u
#define X86_SEG_DS 3u
#define X86_SEG_FS 4u
#define X86_SEG_GS 5u

/* Prefix flags. */
#define X86_PFX_REP      (1u << 0) /* F3 */
#define X86_PFX_REPNE    (1u << 1) /* F2 */
#define X86_PFX_OPSIZE   (1u << 2) /* 66 */
#define X86_PFX_ADDRSIZE (1u << 3) /* 67 */
#define X86_PFX_SEG      (1u << 4) /* a segment override was given */

/**
 * struct x86_mem - a memory operand: seg:[base + index * scale + disp].
 * @base:  register number, X86_REG_RIP, or X86_REG_NONE.
 * @index: register number or X86_REG_NONE.
 * @scale: 1, 2, 4 or 8.
 * @seg:   effective segment (override, or the default DS/SS/ES); in 64-bit mode only an FS
 *         or GS override has a non-zero base.
 * @disp:  sign-extended displacement; for moffs forms the zero-extended absolute offset.
 *         For RIP-relative operands the address is next-RIP (RIP + length) + disp.
 */
struct x86_mem {
	uint8_t base;
	uint8_t index;
	uint8_t scale;
	uint8_t seg;
	int64_t disp;
};

/**
 * struct x86_insn - a decoded instruction.
 * @cls:       what it does.
 * @length:    bytes consumed (1..15).
 * @op_size:   operand size in bytes (data moved; MOVZX/MOVSX: the destination register).
 * @src_size:  MOVZX/MOVSX: size of the source operand (1 or 2); else equal to @op_size.
 * @addr_size: address size in bytes (2, 4, 8).
 * @prefixes:  X86_PFX_* seen.
 * @rex:       the REX byte, or 0.
 * @reg:       register operand (ModRM.reg, rAX of moffs/STOS/IN/OUT), or X86_REG_NONE.
 * @has_mem:   @mem describes a memory operand.
 * @rm_reg:    register operand from ModRM.rm when ModRM.mod == 3, else X86_REG_NONE.
 * @mem:       the memory operand (MOVS: the source).
 * @mem2:      MOVS only: the destination es:[rDI].
 * @has_imm:   @imm is valid (MOV imm, IN/OUT port imm8).
 * @imm:       immediate, sign-extended to 64 bits for C7 with REX.W, else zero-extended.
 * @imm_size:  bytes of immediate in the encoding.
 */
struct x86_insn {
	enum x86_class cls;
	uint8_t length;
	uint8_t op_size;
	uint8_t src_size;
	uint8_t addr_size;
	uint8_t prefixes;
	uint8_t rex;
	uint8_t reg;
	bool has_mem;
	uint8_t rm_reg;
	struct x86_mem mem;
	struct x86_mem mem2;
	bool has_imm;
	uint64_t imm;
	uint8_t imm_size;
};

/**
 * x86_decode() - decode one instruction from @bytes.
 * Reads at most min(@len, 15) bytes. On failure @out is zeroed except nothing is promised.
 */
enum x86_decode_err x86_decode(const uint8_t *bytes, size_t len, enum x86_mode mode,
			       struct x86_insn *out) __attribute__((warn_unused_result));

/*
 * Test-guest checks of MMIO emulation against the SVSM's test device
 * (NATIVE_TEST_MMIO_GPA, kernel/devices/test_mmio.c). Under QEMU TCG the SVSM gets no
 * instruction bytes with the exit, so each access also checks its fetch of the instruction
 * through our page tables. Every instruction is written out in assembly so that the
 * encoding under test is the one that runs: loads and stores of 1, 2, 4 and 8 bytes, a
 * high-byte register, MOVZX, MOV with an immediate, and one instruction that crosses a page;
 * and the string forms Linux's memcpy_toio/memcpy_fromio/memset_io use (rep movsb/movsl/
 * movsq to and from the device, rep stosl to it, one copy long enough to take several exits).
 */
#include <stddef.h>

#include "guest/tests.h"

#define TM NATIVE_TEST_MMIO_GPA

/*
 * mmio_cross_load - `mov (%rdi), %eax` (8b 07) whose two bytes straddle a 4 KiB page
 * boundary (the padding before it is never executed).
 */
uint32_t mmio_cross_load(uint64_t addr);
__asm__(".pushsection .text.mmio_cross, \"ax\"\n"
	".balign 4096\n"
	".skip 4095, 0xcc\n"
	".globl mmio_cross_load\n"
	"mmio_cross_load:\n"
	"movl (%rdi), %eax\n"
	"ret\n"
	".popsection\n");

/* The device's initial little-endian value of @size bytes at @off. */
static uint64_t pattern(uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		v |= (uint64_t)native_test_mmio_byte(off + i) << (8 * i);
	}
	return v;
}

static uint32_t load32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static uint64_t load64(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void loads(void)
{
	uint64_t rax = 0x1122334455667788ull, v = ~0ull, w = ~0ull;

	check("mmio_load32", load32(TM + 0x10) == pattern(0x10, 4));
	check("mmio_load64", load64(TM + 0x18) == pattern(0x18, 8));
	/* mov 1(%rsi), %ah: only bits 15:8 change. */
	__asm__ volatile("movb 1(%1), %%ah" : "+a"(rax) : "S"(TM + 0x30) : "memory");
	check("mmio_load8_high_byte",
	      rax == ((0x1122334455667788ull & ~0xff00ull) | pattern(0x31, 1) << 8));
	/* MOVZX zero-extends into the whole register (32-bit destination). */
	__asm__ volatile("movzbl (%1), %k0" : "+r"(v) : "r"(TM + 0x41) : "memory");
	__asm__ volatile("movzwl (%1), %k0" : "+r"(w) : "r"(TM + 0x42) : "memory");
	check("mmio_movzx", v == pattern(0x41, 1) && w == pattern(0x42, 2));
	/* A 16-bit load merges into the low word. */
	w = 0xaaaaaaaaaaaaaaaaull;
	__asm__ volatile("movw (%1), %w0" : "+r"(w) : "r"(TM + 0x44) : "memory");
	check("mmio_load16_merges", w == (0xaaaaaaaaaaaa0000ull | pattern(0x44, 2)));
	check("mmio_insn_across_a_page", mmio_cross_load(TM + 0x48) == pattern(0x48, 4));
}

static void stores(void)
{
	uint64_t rax = 0xc3ull << 8;

	__asm__ volatile("movl %0, (%1)" ::"r"(0xdeadbeefu), "r"(TM + 0x100) : "memory");
	check("mmio_store32_roundtrip", load32(TM + 0x100) == 0xdeadbeefu &&
						load32(TM + 0x104) == pattern(0x104, 4));
	__asm__ volatile("movq %0, (%1)" ::"r"(0x0123456789abcdefull), "r"(TM + 0x108)
			 : "memory");
	check("mmio_store64_roundtrip", load64(TM + 0x108) == 0x0123456789abcdefull);
	/* MOV imm32 to memory, a 64-bit MOV of a sign-extended imm32, MOV imm8. */
	__asm__ volatile("movl $0x12345678, (%0)" ::"r"(TM + 0x110) : "memory");
	__asm__ volatile("movq $-2, (%0)" ::"r"(TM + 0x118) : "memory");
	__asm__ volatile("movb $0x5a, 3(%0)" ::"r"(TM + 0x120) : "memory");
	check("mmio_store_immediate", load32(TM + 0x110) == 0x12345678u &&
					      load64(TM + 0x118) == 0xfffffffffffffffeull &&
					      load32(TM + 0x120) ==
						  ((pattern(0x120, 3)) | 0x5a000000u));
	/* mov %ah, (%rsi): the high byte of the register is what is stored. */
	__asm__ volatile("movb %%ah, (%1)" ::"a"(rax), "S"(TM + 0x128) : "memory");
	check("mmio_store8_high_byte", (load32(TM + 0x128) & 0xff) == 0xc3);
}

/* rep movs of @n elements of @size bytes from @src to @dst; returns the final rCX. */
static uint64_t rep_movs(uint64_t dst, uint64_t src, uint64_t n, unsigned size,
			 uint64_t *dst_end, uint64_t *src_end)
{
	if (size == 1) {
		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	} else if (size == 4) {
		__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	} else {
		__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	}
	*dst_end = dst;
	*src_end = src;
	return n;
}

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			return false;
		}
	}
	return true;
}

/* Copy @n elements of @size to the device at @off and back; check registers and bytes. */
static bool movs_roundtrip(uint64_t off, unsigned size, uint64_t n, uint8_t seed)
{
	static uint8_t out[2048], in[2048];
	uint64_t bytes = n * size, d = 0, s = 0;
	bool ok = true;

	for (uint64_t i = 0; i < bytes; i++) {
		out[i] = (uint8_t)(seed + i * 13);
		in[i] = 0;
	}
	ok = rep_movs(TM + off, (uint64_t)(uintptr_t)out, n, size, &d, &s) == 0 &&
	     d == TM + off + bytes && s == (uint64_t)(uintptr_t)out + bytes;
	ok = ok && rep_movs((uint64_t)(uintptr_t)in, TM + off, n, size, &d, &s) == 0 &&
	     d == (uint64_t)(uintptr_t)in + bytes && s == TM + off + bytes;
	return ok && bytes_equal(out, in, bytes) &&
	       (size != 4 || load32(TM + off) == (uint32_t)out[0] + ((uint32_t)out[1] << 8) +
							((uint32_t)out[2] << 16) +
							((uint32_t)out[3] << 24));
}

static void strings(void)
{
	uint64_t d = TM + 0x600, n = 8;
	bool ok = true;

	check("mmio_rep_movsb_unaligned", movs_roundtrip(0x201, 1, 13, 0x10));
	check("mmio_rep_movsl", movs_roundtrip(0x240, 4, 16, 0x20));
	check("mmio_rep_movsq", movs_roundtrip(0x2c0, 8, 8, 0x30));
	/* 2000 bytes: more than one exit's batch, and the guest buffer crosses a page. */
	check("mmio_rep_movsb_long", movs_roundtrip(0x800, 1, 2000, 0x40));
	__asm__ volatile("rep stosl" : "+D"(d), "+c"(n) : "a"(0x5aa5c33cu) : "memory");
	for (unsigned i = 0; i < 8; i++) {
		ok = ok && load32(TM + 0x600 + 4 * i) == 0x5aa5c33cu;
	}
	check("mmio_rep_stosl", ok && n == 0 && d == TM + 0x620 &&
					load32(TM + 0x620) == pattern(0x620, 4));
}

void test_mmio_emulated(void)
{
	loads();
	stores();
	strings();
	/* The guest runs on after the emulated accesses, and the SVSM still answers. */
	check("mmio_guest_continues", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
}

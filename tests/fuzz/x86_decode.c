/*
 * libFuzzer target for lib/x86_decode.c: arbitrary bytes in each mode. Checks that the decoder
 * never reads past the input (ASan), reports a length within the input and 15 bytes, and
 * decodes the same instruction again from exactly that many bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/x86_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_mem(const struct x86_mem *a, const struct x86_mem *b)
{
	return a->base == b->base && a->index == b->index && a->scale == b->scale &&
	       a->seg == b->seg && a->disp == b->disp;
}

static int same(const struct x86_insn *a, const struct x86_insn *b)
{
	return a->cls == b->cls && a->length == b->length && a->op_size == b->op_size &&
	       a->src_size == b->src_size && a->addr_size == b->addr_size &&
	       a->prefixes == b->prefixes && a->rex == b->rex && a->reg == b->reg &&
	       a->has_mem == b->has_mem && a->rm_reg == b->rm_reg && same_mem(&a->mem, &b->mem) &&
	       same_mem(&a->mem2, &b->mem2) && a->has_imm == b->has_imm && a->imm == b->imm &&
	       a->imm_size == b->imm_size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum x86_mode modes[] = {X86_MODE_64, X86_MODE_32, X86_MODE_16};

	for (size_t m = 0; m < 3; m++) {
		struct x86_insn a;
		struct x86_insn b;

		if (x86_decode(data, size, modes[m], &a) != X86_DECODE_OK) {
			continue;
		}
		if (a.length == 0 || a.length > size || a.length > X86_MAX_INSN_LEN) {
			abort();
		}
		if (x86_decode(data, a.length, modes[m], &b) != X86_DECODE_OK ||
		    !same(&a, &b)) {
			abort();
		}
	}
	return 0;
}

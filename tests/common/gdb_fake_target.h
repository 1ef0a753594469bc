/*
 * A fake machine for the GDB protocol layer (kernel/debug/gdbstub_proto.c), shared by its
 * unit tests and its libFuzzer target: 3 threads (thread 3 "did not stop"), 24 registers
 * each, 256 bytes of memory at 0x1000, and a breakpoint log. Header-only, static.
 */
#pragma once

#include <stdio.h>

#include "kernel/debug/gdbstub_proto.h"
#include <string.h>

#define FAKE_MEM_BASE 0x1000u
#define FAKE_MEM_SIZE 256u

struct fake_machine {
	uint64_t regs[4][GDB_REG_COUNT];
	uint8_t mem[FAKE_MEM_SIZE];
	unsigned bp_calls;
	enum gdb_bp_type last_bp_type;
	uint64_t last_bp_addr;
	bool last_bp_insert;
	unsigned hw_used;
};

static unsigned fake_thread_count(void *ctx)
{
	(void)ctx;
	return 3;
}

static bool fake_thread_alive(void *ctx, unsigned tid)
{
	(void)ctx;
	return tid == 1 || tid == 2;
}

static void fake_thread_name(void *ctx, unsigned tid, char *buf, size_t n)
{
	(void)ctx;
	snprintf(buf, n, "CPU %u", tid - 1);
}

static bool fake_get_reg(void *ctx, unsigned tid, enum gdb_reg r, uint64_t *val)
{
	struct fake_machine *m = ctx;

	if (tid > 3 || r >= GDB_REG_COUNT) {
		return false;
	}
	if (r == GDB_REG_FS) {
		return false; /* one unavailable register */
	}
	*val = m->regs[tid][r];
	return true;
}

static bool fake_set_reg(void *ctx, unsigned tid, enum gdb_reg r, uint64_t val)
{
	struct fake_machine *m = ctx;

	if (tid > 3 || r >= GDB_REG_COUNT) {
		return false;
	}
	m->regs[tid][r] = val;
	return true;
}

static bool fake_in_mem(uint64_t addr, size_t n)
{
	return addr >= FAKE_MEM_BASE && n <= FAKE_MEM_SIZE &&
	       addr - FAKE_MEM_BASE <= FAKE_MEM_SIZE - n;
}

static bool fake_read_mem(void *ctx, uint64_t addr, void *buf, size_t n)
{
	struct fake_machine *m = ctx;

	if (!fake_in_mem(addr, n)) {
		return false;
	}
	memcpy(buf, m->mem + (addr - FAKE_MEM_BASE), n);
	return true;
}

static bool fake_write_mem(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	struct fake_machine *m = ctx;

	if (!fake_in_mem(addr, n)) {
		return false;
	}
	memcpy(m->mem + (addr - FAKE_MEM_BASE), buf, n);
	return true;
}

static int fake_breakpoint(void *ctx, enum gdb_bp_type type, uint64_t addr, unsigned len,
			   bool insert)
{
	struct fake_machine *m = ctx;

	(void)len;
	m->bp_calls++;
	m->last_bp_type = type;
	m->last_bp_addr = addr;
	m->last_bp_insert = insert;
	if (type == GDB_BP_READ) {
		return 1;
	}
	if (type == GDB_BP_SW) {
		return fake_in_mem(addr, 1) ? 0 : -1;
	}
	if (insert) {
		if (m->hw_used == 4) {
			return -1;
		}
		m->hw_used++;
	} else if (m->hw_used > 0) {
		m->hw_used--;
	}
	return 0;
}

static void fake_target_init(struct gdb_target *t, struct fake_machine *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned tid = 0; tid < 4; tid++) {
		for (unsigned r = 0; r < GDB_REG_COUNT; r++) {
			m->regs[tid][r] = (uint64_t)tid << 56 | (uint64_t)r * 0x0101010101ull;
		}
	}
	for (unsigned i = 0; i < FAKE_MEM_SIZE; i++) {
		m->mem[i] = (uint8_t)i;
	}
	*t = (struct gdb_target){
	    .ctx = m,
	    .thread_count = fake_thread_count,
	    .thread_alive = fake_thread_alive,
	    .thread_name = fake_thread_name,
	    .get_reg = fake_get_reg,
	    .set_reg = fake_set_reg,
	    .read_mem = fake_read_mem,
	    .write_mem = fake_write_mem,
	    .breakpoint = fake_breakpoint,
	};
}

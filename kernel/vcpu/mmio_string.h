/*
 * String MMIO emulation (mmio_string.c): MOVS between a device range and guest RAM, and
 * STOS to a device range, for vcpu/mmio.c.
 */
#pragma once

#include "kernel/devices/bus.h"
#include "kernel/platform/vm_exit.h"
#include "lib/x86_decode.h"

struct vcpu;

/** MMIO_STRING_MAX_PER_EXIT - elements one exit moves; a longer REP resumes after it. */
#define MMIO_STRING_MAX_PER_EXIT 1024u

/**
 * mmio_string_emulate - emulate the MOVS or STOS @in that made the MMIO exit @m: a batch
 * of its elements goes to the device, rSI/rDI/rCX advance past them, RIP moves on once the
 * count is done. Anything it does not emulate stops the guest (BUS_STOP_GUEST, logged);
 * BUS_UNOWNED when the device declined an element (the caller's default applies).
 */
enum bus_result mmio_string_emulate(struct vcpu *v, const struct vm_exit_mmio *m,
				    const struct x86_insn *in);

/*
 * The kernel's hooks into its debugger (docs/gdb.md). Two implementations: debug_absent.c
 * in the release and SEV-SNP images (no debugger; the `gdb=` boot option is refused) and
 * gdbstub.c in build/svsm-debug.elf (the GDB stub on COM3). Nothing else in the kernel
 * knows which one it is linked with.
 */
#pragma once

#include <stdbool.h>

#include "svsm/err.h"

struct trap_frame;

/**
 * debug_init - after every CPU is online and idle: read `gdb=` from the command line and
 * start the debugger (gdb=wait: stop here until a debugger continues). Release: refuse it.
 */
void debug_init(void);

/**
 * debug_trap - from trap_handle() for #DB, #BP and NMI: true when the debugger consumed
 * the event (a breakpoint, a step, a stop-all NMI). Release: always false.
 */
bool debug_trap(struct trap_frame *f);

/** debug_poll - after each guest exit: notice a debugger's interrupt request (Ctrl-C). */
void debug_poll(void);

/** debug_guest_register - hide the debugger's UART from OS guests (set-up time). */
enum svsm_err debug_guest_register(void) SVSM_MUST_CHECK;

/*
 * panic(): the end of the SVSM on a broken invariant. Stops every other CPU, prints the
 * message and a frame-pointer backtrace, signals failure through isa-debug-exit (so a
 * test run fails at once) and halts. CHECK(cond) panics in every build.
 */
#pragma once

#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/**
 * panic_dump - panic() that calls @dump(@arg) (an exception's register dump) once the panic
 * is claimed, the platform's secrets wiped and the other CPUs stopped, before the message.
 */
__attribute__((noreturn, format(printf, 3, 4))) void panic_dump(void (*dump)(const void *),
								 const void *arg,
								 const char *fmt, ...);

/** panic_backtrace - print the frame-pointer chain starting at @rbp. */
void panic_backtrace(uint64_t rbp);

/**
 * panic_set_save_hook - @fn runs once in panic(), after the message and the backtrace are
 * in the log and before the halt, on the panicking CPU with the others stopped: the
 * persistent log's best-effort save (kernel/services/persist.c). It must not wait for
 * anything without a bound.
 */
void panic_set_save_hook(void (*fn)(void));

/** panic_in_progress - true once any CPU has entered panic(). */
_Bool panic_in_progress(void);

/** exit_qemu - write @code to isa-debug-exit (QEMU exits with (code << 1) | 1). */
__attribute__((noreturn)) void exit_qemu(uint8_t code);

#define EXIT_QEMU_SUCCESS 0x10 /* QEMU status 33 */
#define EXIT_QEMU_FAILURE 0x11 /* QEMU status 35 */

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			panic("CHECK failed: %s at %s:%d", #cond, __FILE__, __LINE__);  \
		}                                                                       \
	} while (0)

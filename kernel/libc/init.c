/*
 * Owns start-up of the linked archives: runs _init (crti.S + the archives' .init
 * fragments + crtn.S: libcrypto's OPENSSL_cpuid_setup, which reads CPUID and XCR0, so
 * XSAVE must be on first) and then every .init_array entry, once, on the BSP, on a
 * 16-byte-aligned stack. Written once at init, read-only after.
 */
#include <stdbool.h>

#include "kernel/lib/panic.h"
#include "kernel/libc/libc.h"
#include "kernel/libc/time.h"

typedef void (*init_fn)(void);

extern const init_fn __init_array_start[], __init_array_end[];
void _init(void);

static bool done;
static unsigned ran;

void libc_init(void)
{
	CHECK(!done);
	done = true;
	libc_time_init();
	_init();
	ran = 1;
	for (const init_fn *f = __init_array_start; f < __init_array_end; f++) {
		(*f)();
		ran++;
	}
}

unsigned libc_constructors_run(void)
{
	return ran;
}

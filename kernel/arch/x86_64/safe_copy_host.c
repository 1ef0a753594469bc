/*
 * Host build of the fault-tolerant copies (see safe_copy.h) for unit tests and fuzz targets:
 * there is no exception-fixup table, so each routine first asks the test's fault model
 * (safe_copy_host_set_fault(); none by default) whether the hardware would fault, and then
 * copies with libc. State: the installed model, set by single-threaded tests.
 */
#include "kernel/arch/x86_64/safe_copy.h"

#include <string.h>

static safe_copy_host_fault_fn fault_model;

void safe_copy_host_set_fault(safe_copy_host_fault_fn fn)
{
	fault_model = fn;
}

static bool faults(const void *p, size_t n)
{
	return fault_model != NULL && n != 0 && fault_model((uint64_t)(uintptr_t)p, n);
}

bool arch_safe_copy(void *dst, const void *src, size_t n)
{
	if (faults(src, n) || faults(dst, n)) {
		return false;
	}
	memcpy(dst, src, n);
	return true;
}

bool arch_safe_zero(void *dst, size_t n)
{
	if (faults(dst, n)) {
		return false;
	}
	memset(dst, 0, n);
	return true;
}

bool arch_safe_xchg_u8(uint8_t *p, uint8_t val, uint8_t *old)
{
	if (faults(p, 1)) {
		return false;
	}
	*old = __atomic_exchange_n(p, val, __ATOMIC_ACQ_REL);
	return true;
}

/*
 * Host build of services_run() for unit tests and tools: library code runs directly on the
 * caller's stack (the host C library and libcrypto need no special context).
 */
#include "kernel/services/services.h"

void services_run(void (*fn)(void *arg), void *arg)
{
	fn(arg);
}

/*
 * Owns the process environment the archives believe they run in: an empty environment
 * (getenv and secure_getenv return NULL, so OPENSSL_ia32cap and OPENSSL_CONF are unset),
 * one process with a stable pid (OpenSSL reseeds when the pid changes), sysconf for the
 * page size and CPU count, and atexit, which records handlers that never run (the SVSM
 * does not exit). The atexit table has its own lock.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/smp.h"

#include "kernel/lib/spinlock.h"
#include "kernel/libc/errno.h"

#define SC_CLK_TCK 2
#define SC_PAGESIZE 30
#define SC_NPROCESSORS_CONF 83
#define SC_NPROCESSORS_ONLN 84
#define ATEXIT_MAX 32

static void (*atexit_fns[ATEXIT_MAX])(void);
static unsigned atexit_count;
static struct spinlock atexit_lock = SPINLOCK_INIT;

char *getenv(const char *name);
char *getenv(const char *name)
{
	(void)name;
	return NULL;
}

char *secure_getenv(const char *name);
char *secure_getenv(const char *name)
{
	(void)name;
	return NULL;
}

int getpid(void);
int getpid(void)
{
	return 1;
}

long sysconf(int name);
long sysconf(int name)
{
	switch (name) {
	case SC_PAGESIZE:
		return 4096;
	case SC_NPROCESSORS_CONF:
	case SC_NPROCESSORS_ONLN:
		return (long)smp_cpu_count();
	case SC_CLK_TCK:
		return 100;
	default:
		klibc_errno = EINVAL;
		return -1;
	}
}

int atexit(void (*fn)(void));
int atexit(void (*fn)(void))
{
	uint64_t flags = spin_lock_irqsave(&atexit_lock);
	int ret = -1;

	if (atexit_count < ATEXIT_MAX) {
		atexit_fns[atexit_count++] = fn;
		ret = 0;
	}
	spin_unlock_irqrestore(&atexit_lock, flags);
	return ret;
}

/*
 * Owns the shim's threads API. In the SVSM a "thread" is a CPU: code never migrates and
 * is never preempted, so pthread_self() is the CPU, thread-specific data is per CPU, and
 * a lock another CPU holds is waited for by spinning (interrupts stay as they are).
 * - pthread_once: runs the routine exactly once; other CPUs wait for it to finish; a
 *   recursive call from the routine itself panics (glibc would deadlock).
 * - rwlocks and mutexes: real locks over the kernel spinlock, so two CPUs calling into
 *   libcrypto are serialised correctly; relocking a lock this CPU holds for writing
 *   returns EDEADLK (glibc's error-checking behaviour); waiting more than
 *   PTHREAD_SPIN_LIMIT_US panics as a deadlock.
 * - keys: PTHREAD_KEYS slots with one value per CPU; the slot table has its own lock.
 * The state lives inside the caller's glibc-sized pthread_*_t objects (static_asserts).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/tsc.h"

#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/libc/errno.h"

#define PTHREAD_KEYS 64
#define PTHREAD_SPIN_LIMIT_US 10000000ull /* 10 s: far beyond any libcrypto critical section */
#define ONCE_DONE 1
#define ONCE_RUNNING 0x100 /* + CPU index */

/* glibc x86-64 sizes of the opaque types. */
typedef int pthread_once_t;
typedef unsigned pthread_key_t;
typedef unsigned long pthread_t;
typedef union {
	char size[56];
	long align;
} pthread_rwlock_t;
typedef union {
	char size[40];
	long align;
} pthread_mutex_t;

/** struct shim_lock - our state inside a pthread_rwlock_t/pthread_mutex_t; zero = unlocked. */
struct shim_lock {
	struct spinlock guard;
	int32_t readers; /* rwlock read holders */
	uint32_t writer; /* CPU index + 1 holding it exclusively, 0 = none */
	uint32_t depth;	 /* recursive mutex depth */
	uint32_t recursive;
};
_Static_assert(sizeof(struct shim_lock) <= sizeof(pthread_mutex_t), "fits glibc mutex");
_Static_assert(sizeof(struct shim_lock) <= sizeof(pthread_rwlock_t), "fits glibc rwlock");

struct key_slot {
	bool used;
	void (*destructor)(void *);
};

static struct spinlock key_lock = SPINLOCK_INIT;
static struct key_slot keys[PTHREAD_KEYS];
static void *key_values[MAX_CPUS][PTHREAD_KEYS];

static uint32_t me(void)
{
	return this_cpu()->index + 1;
}

static void spin_check(uint64_t start_us, const char *what)
{
	cpu_relax();
	if (tsc_now_us() - start_us > PTHREAD_SPIN_LIMIT_US) {
		panic("pthread: %s waited %llu s: deadlock", what, PTHREAD_SPIN_LIMIT_US / 1000000);
	}
}

int pthread_once(pthread_once_t *once, void (*fn)(void));
int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	int state = __atomic_load_n(once, __ATOMIC_ACQUIRE);
	uint64_t start;

	if (state == ONCE_DONE) {
		return 0;
	}
	state = 0;
	if (__atomic_compare_exchange_n(once, &state, (int)(ONCE_RUNNING + me()), false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(once, ONCE_DONE, __ATOMIC_RELEASE);
		return 0;
	}
	if (state == (int)(ONCE_RUNNING + me())) {
		panic("pthread_once: routine %p calls itself", (void *)fn);
	}
	start = tsc_now_us();
	while (__atomic_load_n(once, __ATOMIC_ACQUIRE) != ONCE_DONE) {
		spin_check(start, "pthread_once");
	}
	return 0;
}

pthread_t pthread_self(void);
pthread_t pthread_self(void)
{
	return me();
}

int pthread_equal(pthread_t a, pthread_t b);
int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

/* ---- rwlocks ---- */

int pthread_rwlock_init(pthread_rwlock_t *l, const void *attr);
int pthread_rwlock_init(pthread_rwlock_t *l, const void *attr)
{
	struct shim_lock *s = (struct shim_lock *)l;

	(void)attr;
	*s = (struct shim_lock){.guard = SPINLOCK_INIT};
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l);
int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	struct shim_lock *s = (struct shim_lock *)l;

	return s->readers != 0 || s->writer != 0 ? EBUSY : 0;
}

/* Take @s for reading (@write false) or writing; 0, EDEADLK, or EBUSY when !@wait. */
static int shim_lock_take(struct shim_lock *s, bool write, bool wait, const char *what)
{
	uint64_t start = 0;

	for (;;) {
		uint64_t flags = spin_lock_irqsave(&s->guard);
		int ret = -1;

		if (s->writer == me()) {
			if (s->recursive != 0) {
				s->depth++;
				ret = 0;
			} else {
				ret = EDEADLK;
			}
		} else if (s->writer == 0 && (!write || s->readers == 0)) {
			if (write) {
				s->writer = me();
				s->depth = 1;
			} else {
				s->readers++;
			}
			ret = 0;
		}
		spin_unlock_irqrestore(&s->guard, flags);
		if (ret >= 0) {
			return ret;
		}
		if (!wait) {
			return EBUSY;
		}
		if (start == 0) {
			start = tsc_now_us();
		}
		spin_check(start, what);
	}
}

static int shim_lock_release(struct shim_lock *s)
{
	uint64_t flags = spin_lock_irqsave(&s->guard);
	int ret = 0;

	if (s->writer == me()) {
		if (--s->depth == 0) {
			s->writer = 0;
		}
	} else if (s->writer == 0 && s->readers > 0) {
		s->readers--;
	} else {
		ret = EPERM;
	}
	spin_unlock_irqrestore(&s->guard, flags);
	return ret;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l);
int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	return shim_lock_take((struct shim_lock *)l, false, true, "rwlock read");
}

int pthread_rwlock_wrlock(pthread_rwlock_t *l);
int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	return shim_lock_take((struct shim_lock *)l, true, true, "rwlock write");
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *l);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	return shim_lock_take((struct shim_lock *)l, false, false, "rwlock read");
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *l);
int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	return shim_lock_take((struct shim_lock *)l, true, false, "rwlock write");
}

int pthread_rwlock_unlock(pthread_rwlock_t *l);
int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	return shim_lock_release((struct shim_lock *)l);
}

/* ---- mutexes (attr: glibc's PTHREAD_MUTEX_RECURSIVE = 1 in the first int) ---- */

int pthread_mutex_init(pthread_mutex_t *m, const int *attr);
int pthread_mutex_init(pthread_mutex_t *m, const int *attr)
{
	struct shim_lock *s = (struct shim_lock *)m;

	*s = (struct shim_lock){.guard = SPINLOCK_INIT};
	s->recursive = attr != NULL && *attr == 1;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return ((struct shim_lock *)m)->writer != 0 ? EBUSY : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m)
{
	return shim_lock_take((struct shim_lock *)m, true, true, "mutex");
}

int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return shim_lock_take((struct shim_lock *)m, true, false, "mutex");
}

int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m)
{
	return shim_lock_release((struct shim_lock *)m);
}

/* ---- thread-specific data: one value per CPU ---- */

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	uint64_t flags = spin_lock_irqsave(&key_lock);
	int ret = EAGAIN;

	for (unsigned k = 0; k < PTHREAD_KEYS; k++) {
		if (!keys[k].used) {
			keys[k].used = true;
			keys[k].destructor = destructor; /* threads never exit: never called */
			for (unsigned c = 0; c < MAX_CPUS; c++) {
				key_values[c][k] = NULL;
			}
			*key = k;
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&key_lock, flags);
	return ret;
}

int pthread_key_delete(pthread_key_t key);
int pthread_key_delete(pthread_key_t key)
{
	uint64_t flags = spin_lock_irqsave(&key_lock);
	int ret = EINVAL;

	if (key < PTHREAD_KEYS && keys[key].used) {
		keys[key].used = false;
		ret = 0;
	}
	spin_unlock_irqrestore(&key_lock, flags);
	return ret;
}

void *pthread_getspecific(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS) {
		return NULL;
	}
	return key_values[this_cpu()->index][key];
}

int pthread_setspecific(pthread_key_t key, const void *value);
int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS || !__atomic_load_n(&keys[key].used, __ATOMIC_ACQUIRE)) {
		return EINVAL;
	}
	key_values[this_cpu()->index][key] = (void *)value;
	return 0;
}

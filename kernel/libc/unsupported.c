/*
 * Owns the shim's failing stubs: operating-system services the SVSM does not have and the
 * archives only use off the TPM's path (files, memory mapping, SysV shared memory, dynamic
 * loading, sockets and name lookup, signals, ucontext, terminals, uname). Each fails the
 * way its callers check: -1 with errno, NULL, or an error code, as the glibc function does
 * on failure; none pretends to succeed. libc_unsupported_calls() counts the calls, so a
 * test can see that the normal path never reaches them. No shared state but the counter.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/libc/errno.h"
#include "kernel/libc/libc.h"

#define EAI_FAIL (-4)
#define EAI_SYSTEM (-11)

static uint64_t unsupported_calls;

/* Count the call, set errno to @err and return -1. */
static long fail(int err)
{
	__atomic_fetch_add(&unsupported_calls, 1, __ATOMIC_RELAXED);
	klibc_errno = err;
	return -1;
}

static void *fail_null(int err)
{
	(void)fail(err);
	return NULL;
}

uint64_t libc_unsupported_calls(void)
{
	return __atomic_load_n(&unsupported_calls, __ATOMIC_RELAXED);
}

#define MAP_FAILED ((void *)-1)

/* ---- file descriptors: the only fds are the console (1, 2), and they do not read ---- */
int open(const char *path, int flags, ...);
int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	return (int)fail(ENOENT);
}
long read(int fd, void *buf, size_t n);
long read(int fd, void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	return fail(EBADF);
}
int close(int fd);
int close(int fd)
{
	(void)fd;
	return (int)fail(EBADF);
}
int fcntl(int fd, int cmd, ...);
int fcntl(int fd, int cmd, ...)
{
	(void)fd;
	(void)cmd;
	return (int)fail(EBADF);
}
int ioctl(int fd, unsigned long req, ...);
int ioctl(int fd, unsigned long req, ...)
{
	(void)fd;
	(void)req;
	return (int)fail(ENOTTY);
}
int stat(const char *path, void *st);
int stat(const char *path, void *st)
{
	(void)path;
	(void)st;
	return (int)fail(ENOENT);
}
int fstat(int fd, void *st);
int fstat(int fd, void *st)
{
	(void)fd;
	(void)st;
	return (int)fail(EBADF);
}
void *opendir(const char *path);
void *opendir(const char *path)
{
	(void)path;
	return fail_null(ENOENT);
}
void *readdir(void *dir);
void *readdir(void *dir)
{
	(void)dir;
	return fail_null(EBADF);
}
int closedir(void *dir);
int closedir(void *dir)
{
	(void)dir;
	return (int)fail(EBADF);
}
int tcgetattr(int fd, void *t);
int tcgetattr(int fd, void *t)
{
	(void)fd;
	(void)t;
	return (int)fail(ENOTTY);
}
int tcsetattr(int fd, int act, const void *t);
int tcsetattr(int fd, int act, const void *t)
{
	(void)fd;
	(void)act;
	(void)t;
	return (int)fail(ENOTTY);
}
int select(int n, void *r, void *w, void *e, void *tv);
int select(int n, void *r, void *w, void *e, void *tv)
{
	(void)n;
	(void)r;
	(void)w;
	(void)e;
	(void)tv;
	return (int)fail(ENOSYS);
}

/* ---- memory mapping and SysV shared memory (OpenSSL's secure heap, seeding) ---- */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	(void)addr;
	(void)len;
	(void)prot;
	(void)flags;
	(void)fd;
	(void)off;
	(void)fail(ENOMEM);
	return MAP_FAILED;
}
int munmap(void *addr, size_t len);
int munmap(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	return (int)fail(EINVAL);
}
int mprotect(void *addr, size_t len, int prot);
int mprotect(void *addr, size_t len, int prot)
{
	(void)addr;
	(void)len;
	(void)prot;
	return (int)fail(ENOMEM);
}
int mlock(const void *addr, size_t len);
int mlock(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
	return (int)fail(EPERM);
}
int madvise(void *addr, size_t len, int advice);
int madvise(void *addr, size_t len, int advice)
{
	(void)addr;
	(void)len;
	(void)advice;
	return (int)fail(EINVAL);
}
int shmget(int key, size_t size, int flags);
int shmget(int key, size_t size, int flags)
{
	(void)key;
	(void)size;
	(void)flags;
	return (int)fail(ENOSYS);
}
void *shmat(int id, const void *addr, int flags);
void *shmat(int id, const void *addr, int flags)
{
	(void)id;
	(void)addr;
	(void)flags;
	(void)fail(ENOSYS);
	return MAP_FAILED;
}
int shmdt(const void *addr);
int shmdt(const void *addr)
{
	(void)addr;
	return (int)fail(EINVAL);
}

/* ---- dynamic loading: no shared objects ---- */
void *dlopen(const char *file, int mode);
void *dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return fail_null(ENOSYS);
}
void *dlsym(void *h, const char *name);
void *dlsym(void *h, const char *name)
{
	(void)h;
	(void)name;
	return fail_null(ENOSYS);
}
int dlclose(void *h);
int dlclose(void *h)
{
	(void)h;
	return (int)fail(ENOSYS);
}
char *dlerror(void);
char *dlerror(void)
{
	return (char *)"dynamic loading is not available in the SVSM";
}
int dladdr(const void *addr, void *info);
int dladdr(const void *addr, void *info)
{
	(void)addr;
	(void)info;
	(void)fail(ENOSYS);
	return 0;
}

/* ---- sockets and name lookup ---- */
int socket(int dom, int type, int proto);
int socket(int dom, int type, int proto)
{
	(void)dom;
	(void)type;
	(void)proto;
	return (int)fail(EAFNOSUPPORT);
}
int connect(int fd, const void *a, unsigned l);
int connect(int fd, const void *a, unsigned l)
{
	(void)fd;
	(void)a;
	(void)l;
	return (int)fail(EBADF);
}
int bind(int fd, const void *a, unsigned l);
int bind(int fd, const void *a, unsigned l)
{
	(void)fd;
	(void)a;
	(void)l;
	return (int)fail(EBADF);
}
int listen(int fd, int n);
int listen(int fd, int n)
{
	(void)fd;
	(void)n;
	return (int)fail(EBADF);
}
int accept(int fd, void *a, unsigned *l);
int accept(int fd, void *a, unsigned *l)
{
	(void)fd;
	(void)a;
	(void)l;
	return (int)fail(EBADF);
}
int shutdown(int fd, int how);
int shutdown(int fd, int how)
{
	(void)fd;
	(void)how;
	return (int)fail(EBADF);
}
int getsockopt(int fd, int lvl, int opt, void *v, unsigned *l);
int getsockopt(int fd, int lvl, int opt, void *v, unsigned *l)
{
	(void)fd;
	(void)lvl;
	(void)opt;
	(void)v;
	(void)l;
	return (int)fail(EBADF);
}
int setsockopt(int fd, int lvl, int opt, const void *v, unsigned l);
int setsockopt(int fd, int lvl, int opt, const void *v, unsigned l)
{
	(void)fd;
	(void)lvl;
	(void)opt;
	(void)v;
	(void)l;
	return (int)fail(EBADF);
}
int getsockname(int fd, void *a, unsigned *l);
int getsockname(int fd, void *a, unsigned *l)
{
	(void)fd;
	(void)a;
	(void)l;
	return (int)fail(EBADF);
}
long sendmsg(int fd, const void *m, int flags);
long sendmsg(int fd, const void *m, int flags)
{
	(void)fd;
	(void)m;
	(void)flags;
	return fail(EBADF);
}
long recvmsg(int fd, void *m, int flags);
long recvmsg(int fd, void *m, int flags)
{
	(void)fd;
	(void)m;
	(void)flags;
	return fail(EBADF);
}
int getaddrinfo(const char *node, const char *svc, const void *hints, void **res);
int getaddrinfo(const char *node, const char *svc, const void *hints, void **res)
{
	(void)node;
	(void)svc;
	(void)hints;
	*res = NULL;
	(void)fail(ENOSYS);
	return EAI_SYSTEM;
}
void freeaddrinfo(void *res);
void freeaddrinfo(void *res)
{
	(void)res;
}
const char *gai_strerror(int code);
const char *gai_strerror(int code)
{
	(void)code;
	return "name resolution is not available in the SVSM";
}
int getnameinfo(const void *sa, unsigned sl, char *h, unsigned hl, char *s, unsigned svl, int f);
int getnameinfo(const void *sa, unsigned sl, char *h, unsigned hl, char *s, unsigned svl, int f)
{
	(void)sa;
	(void)sl;
	(void)h;
	(void)hl;
	(void)s;
	(void)svl;
	(void)f;
	(void)fail(ENOSYS);
	return EAI_FAIL;
}
void *gethostbyname(const char *name);
void *gethostbyname(const char *name)
{
	(void)name;
	return fail_null(ENOSYS);
}

/* ---- signals, ucontext (OpenSSL async jobs), uname ---- */
typedef void (*sighandler_fn)(int);
sighandler_fn signal(int sig, sighandler_fn fn);
sighandler_fn signal(int sig, sighandler_fn fn)
{
	(void)sig;
	(void)fn;
	(void)fail(EINVAL);
	return (sighandler_fn)-1; /* SIG_ERR */
}
int sigaction(int sig, const void *act, void *old);
int sigaction(int sig, const void *act, void *old)
{
	(void)sig;
	(void)act;
	(void)old;
	return (int)fail(EINVAL);
}
int getcontext(void *ctx);
int getcontext(void *ctx)
{
	(void)ctx;
	return (int)fail(ENOSYS);
}
int setcontext(const void *ctx);
int setcontext(const void *ctx)
{
	(void)ctx;
	return (int)fail(ENOSYS);
}
void makecontext(void *ctx, void (*fn)(void), int argc, ...);
void makecontext(void *ctx, void (*fn)(void), int argc, ...)
{
	/* Only reached after getcontext succeeded, which it never does. */
	(void)ctx;
	(void)fn;
	(void)argc;
	(void)fail(ENOSYS);
}
int uname(void *buf);
int uname(void *buf)
{
	(void)buf;
	return (int)fail(ENOSYS);
}

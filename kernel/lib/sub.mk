# Kernel support: log, panic, in-kernel test runner; the log ring is portable.
kernel-y += log.c panic.c ktest.c
portable-y += log_ring.c
host-y += log_host.c

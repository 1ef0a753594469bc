# Kernel support: log, panic, in-kernel test runner.
kernel-y += log.c panic.c ktest.c
host-y += log_host.c

# A recording fake platform for the host unit tests.
host-y += fake_platform.c fake_cpus.c

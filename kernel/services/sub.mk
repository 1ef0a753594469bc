# services_run(): the library stack and lock that archive code runs under.
kernel-y += services.c
tpminc-y += services.c
host-y += services_host.c

# services_run(): the library stack and lock that archive code runs under.
kernel-y += services.c
# The persistent state on the SVSM's disk (docs/state.md "In the SVSM").
kernel-y += persist.c
tpminc-y += services.c
host-y += services_host.c

# services_run(): the library stack and lock that archive code runs under.
kernel-y += services.c
# The persistent state on the SVSM's disk (docs/state.md "In the SVSM").
kernel-y += persist.c
tpminc-y += services.c
host-y += services_host.c
# The UEFI variable service behind the UEFI MM protocol (lib/uefi_vars.c, lib/uefi_mm.c).
portable-y += uefi_vars_service.c
kernel-y += uefi_vars_boot.c

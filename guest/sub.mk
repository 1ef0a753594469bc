# The native test guest: a flat binary the SVSM loads and runs at lower privilege.
guest-y += main.c calls.c core_tests.c isolation_tests.c mmio_tests.c vcpu_tests.c support.c tpm.c uefi_mm_tests.c log_tests.c entry.S

# The native platform: VMRUN + nested paging on any AMD-V machine (docs/native.md).
native-y += native.c npt.c vcpu_native.c panic_native.c
native-portable-y += validation.c attest_native.c report_native.c
sysinc-y += attest_native.c report_native.c

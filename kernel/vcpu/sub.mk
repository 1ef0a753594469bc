# Guest vCPUs: the vCPU table, lifecycle, request loop and exit dispatch (MSR, CPUID, MMIO, string MMIO).
portable-y += vcpu.c call.c lifecycle.c exit.c exit_stats.c msr.c cpuid.c mmio.c mmio_string.c guest_walk.c
kernel-y += vcpu_loop.c

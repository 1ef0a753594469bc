# Guest vCPUs: the vCPU table and the request loop.
portable-y += vcpu.c
kernel-y += vcpu_loop.c

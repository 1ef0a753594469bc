# Guest vCPUs: the vCPU table and the request loop.
portable-y += vcpu.c call.c lifecycle.c
kernel-y += vcpu_loop.c

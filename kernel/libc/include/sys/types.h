/* <sys/types.h> for kernel code (libtpms' public headers include it). */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef long time_t;

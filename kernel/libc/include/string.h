/* <string.h> for kernel code: the kernel C library's declarations. */
#pragma once
#include "kernel/libc/string.h"

/* Fake physical memory behind boot_map() in host tests (see boot_map_host.c). */
#pragma once

#include <stdint.h>

#include "kernel/init/boot_map.h"

#define BOOT_FAKE_SIZE (1u << 20)

extern uint8_t boot_fake_mem[BOOT_FAKE_SIZE];

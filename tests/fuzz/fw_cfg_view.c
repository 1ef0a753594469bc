/*
 * libFuzzer target for the guest's fw_cfg (kernel/devices/fw_cfg_view.c): arbitrary port
 * accesses (selector, data, DMA address halves, any size) and DMA descriptors written into
 * a small fake guest RAM, against the fake host fw_cfg of tests/unit/fw_cfg_fake.h. Guest
 * RAM is a fixed low mapping followed by an SVSM region mapped without access, so a guest
 * access the gateway should have refused crashes. Checks: every access is answered, and a
 * completed descriptor's control word is 0 or ERROR.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/fw_cfg_view.h"
#include "kernel/mm/guest_mem.h"
#include "tests/unit/fw_cfg_fake.h"

#define RAM       0x50000000ull
#define RAM_SIZE  (16ull * 4096)
#define SVSM      (RAM + RAM_SIZE)
#define SVSM_SIZE (4ull * 4096)

static void setup_once(void)
{
	static bool ready;
	struct guest_mem_range r = {gpa_init(RAM), gpa_init(RAM + RAM_SIZE)};

	if (ready) {
		return;
	}
	if (mmap((void *)RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)RAM ||
	    mmap((void *)SVSM, SVSM_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)SVSM ||
	    guest_mem_init(&r, 1, gpa_init(SVSM), gpa_init(SVSM + SVSM_SIZE)) != SVSM_OK) {
		abort();
	}
	ready = true;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A descriptor or buffer address: in RAM, in the SVSM region, at its edges, or raw. */
static uint64_t steer(uint8_t how, uint32_t raw)
{
	switch (how & 3) {
	case 0:
		return RAM + (raw % RAM_SIZE);
	case 1:
		return SVSM - 16 + (raw % 64);
	case 2:
		return RAM + RAM_SIZE - (raw % 64);
	default:
		return (uint64_t)raw << (how >> 2 & 31);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sizes[4] = {1, 2, 4, 4};

	setup_once();
	bus_reset();
	memset((void *)RAM, 0, RAM_SIZE);
	if (fw_cfg_view_register() != SVSM_OK) {
		abort();
	}
	while (size >= 6) {
		uint8_t op = data[0], arg = data[1];
		uint32_t v = rd32(data + 2);
		struct bus_access a = {.port = (uint16_t)(0x50f + (arg % 14)),
				       .size = sizes[arg >> 4 & 3], .write = (op & 1) != 0,
				       .value = v};

		data += 6;
		size -= 6;
		if ((op & 0xc0) == 0xc0 && size >= 16) {
			/* A descriptor at a steered address, then the two DMA address writes. */
			uint64_t desc = steer(arg, v);

			if (desc >= RAM && desc + 16 <= RAM + RAM_SIZE) {
				uint8_t d[16];
				uint64_t buf = steer(data[8], rd32(data + 9));

				memcpy(d, data, 8);
				buf = __builtin_bswap64(buf);
				memcpy(d + 8, &buf, 8);
				memcpy((void *)(uintptr_t)desc, d, 16);
			}
			data += 16;
			size -= 16;
			a = (struct bus_access){.port = 0x514, .size = 4, .write = true,
						.value = __builtin_bswap32((uint32_t)(desc >> 32))};
			(void)bus_io(NULL, &a);
			a = (struct bus_access){.port = 0x518, .size = 4, .write = true,
						.value = __builtin_bswap32((uint32_t)desc)};
			(void)bus_io(NULL, &a);
			if (desc >= RAM && desc + 16 <= RAM + RAM_SIZE) {
				uint32_t c = __builtin_bswap32(rd32((const uint8_t *)(uintptr_t)desc));

				if (c != 0 && c != FW_CFG_VIEW_DMA_ERROR) {
					abort();
				}
			}
			continue;
		}
		(void)bus_io(NULL, &a);
	}
	bus_reset();
	return 0;
}

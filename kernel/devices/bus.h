/*
 * The device bus: emulated devices register the port and guest-physical ranges they own;
 * the exit dispatcher (kernel/vcpu/exit.c) hands each port I/O or MMIO access to the owner.
 * An access nobody owns gets the platform-neutral default of the dispatcher (docs/design.md
 * "Exits"): port reads all-ones, writes dropped; MMIO stops the guest.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

struct vcpu;

#define BUS_MAX_IO_RANGES 16
#define BUS_MAX_MMIO_RANGES 16

/** enum bus_result - what a device made of an access. */
enum bus_result {
	BUS_DONE = 0,     /* emulated: complete the instruction and run on */
	BUS_UNOWNED,      /* nobody owns it (or the owner declined): the default applies */
	BUS_STOP_VCPU,    /* emulated, and this vCPU's run ends (e.g. a completion port) */
	BUS_STOP_GUEST,   /* a violation: the device stopped the guest (guest_stop()) */
};

/**
 * struct bus_access - one access as a device sees it.
 * @port:  port I/O: the port (0 for MMIO).
 * @gpa:   MMIO: the guest-physical address (0 for port I/O).
 * @size:  1, 2, 4 or 8 bytes; 0 for MMIO whose instruction was not decoded (the device
 *         may still refuse it, e.g. by stopping the guest).
 * @write: a write of @value; else the device sets @value.
 * @value: the data, in the low @size bytes.
 * @end_batch: set by the device: the access did costly work (a disk commit, a nested TLB
 *         flush on every CPU), so a string instruction's batch ends after it and the guest
 *         runs the instruction again for the rest (bounds the work of one exit).
 */
struct bus_access {
	uint16_t port;
	gpa_t gpa;
	uint8_t size;
	bool write;
	uint64_t value;
	bool end_batch;
};

/** bus_handler_fn - a device's handler for the range it registered with @ctx. */
typedef enum bus_result (*bus_handler_fn)(void *ctx, struct vcpu *v, struct bus_access *a);

/**
 * bus_register_io / bus_register_mmio - @handler(@ctx) owns ports [@first, @first + @count)
 * or guest-physical [@gpa, @gpa + @size). Set-up time only (before vCPUs run).
 * SVSM_E_INVALID_PARAM for an empty or wrapping range, SVSM_E_BUSY when it overlaps a
 * range already owned, SVSM_E_NOMEM when the bus is full.
 */
enum svsm_err bus_register_io(uint32_t first, uint32_t count, bus_handler_fn handler,
			      void *ctx) SVSM_MUST_CHECK;
enum svsm_err bus_register_mmio(gpa_t gpa, uint64_t size, bus_handler_fn handler,
				void *ctx) SVSM_MUST_CHECK;

/** bus_io - hand a port access (a->port) to its owner; BUS_UNOWNED when there is none. */
enum bus_result bus_io(struct vcpu *v, struct bus_access *a);
/** bus_mmio - hand an MMIO access to the owner of a->gpa; BUS_UNOWNED when none. */
enum bus_result bus_mmio(struct vcpu *v, struct bus_access *a);
/** bus_mmio_range - the @i-th registered MMIO range; false past the last one. */
bool bus_mmio_range(unsigned i, gpa_t *gpa, uint64_t *size);
/** bus_io_owned - some device owns @port (string I/O is emulated only for owned ports). */
bool bus_io_owned(uint16_t port);
/** bus_mmio_owned - some device owns @gpa. */
bool bus_mmio_owned(gpa_t gpa);

/** bus_reset - forget every registration (host unit tests). */
void bus_reset(void);

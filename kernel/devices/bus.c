/*
 * The device bus (bus.h): two small tables of owned ranges, ports and guest-physical
 * addresses. They are written at set-up time on the boot CPU, before any vCPU runs, and
 * only read afterwards, so lookups take no lock. Every port and GPA a guest can produce is
 * a valid lookup key: a range is matched with `addr - start < size`, which cannot wrap.
 * The tables hold both kinds as raw numbers; bus_register_mmio(), bus_mmio() and
 * bus_mmio_owned() take a gpa_t and unwrap it here, nowhere else.
 */
#include "kernel/devices/bus.h"

#include <stddef.h>

struct bus_range {
	uint64_t start;
	uint64_t size;
	bus_handler_fn handler;
	void *ctx;
};

struct bus_table {
	struct bus_range range[BUS_MAX_MMIO_RANGES > BUS_MAX_IO_RANGES ? BUS_MAX_MMIO_RANGES
								       : BUS_MAX_IO_RANGES];
	unsigned count;
	unsigned max;
};

static struct bus_table io_table = {.max = BUS_MAX_IO_RANGES};
static struct bus_table mmio_table = {.max = BUS_MAX_MMIO_RANGES};

static enum svsm_err add(struct bus_table *t, uint64_t start, uint64_t size, uint64_t limit,
			 bus_handler_fn handler, void *ctx)
{
	if (size == 0 || handler == NULL || start > limit || size - 1 > limit - start) {
		return SVSM_E_INVALID_PARAM;
	}
	for (unsigned i = 0; i < t->count; i++) {
		const struct bus_range *r = &t->range[i];

		if (start <= r->start + (r->size - 1) && r->start <= start + (size - 1)) {
			return SVSM_E_BUSY;
		}
	}
	if (t->count >= t->max) {
		return SVSM_E_NOMEM;
	}
	t->range[t->count++] = (struct bus_range){start, size, handler, ctx};
	return SVSM_OK;
}

static const struct bus_range *find(const struct bus_table *t, uint64_t addr)
{
	for (unsigned i = 0; i < t->count; i++) {
		if (addr - t->range[i].start < t->range[i].size) {
			return &t->range[i];
		}
	}
	return NULL;
}

static enum bus_result call(const struct bus_table *t, uint64_t addr, struct vcpu *v,
			    struct bus_access *a)
{
	const struct bus_range *r = find(t, addr);

	return r == NULL ? BUS_UNOWNED : r->handler(r->ctx, v, a);
}

enum svsm_err bus_register_io(uint32_t first, uint32_t count, bus_handler_fn handler, void *ctx)
{
	return add(&io_table, first, count, UINT16_MAX, handler, ctx);
}

enum svsm_err bus_register_mmio(gpa_t gpa, uint64_t size, bus_handler_fn handler, void *ctx)
{
	return add(&mmio_table, gpa_addr(gpa), size, UINT64_MAX, handler, ctx);
}

enum bus_result bus_io(struct vcpu *v, struct bus_access *a)
{
	return call(&io_table, a->port, v, a);
}

enum bus_result bus_mmio(struct vcpu *v, struct bus_access *a)
{
	return call(&mmio_table, gpa_addr(a->gpa), v, a);
}

bool bus_mmio_range(unsigned i, gpa_t *gpa, uint64_t *size)
{
	if (i >= mmio_table.count) {
		return false;
	}
	*gpa = gpa_init(mmio_table.range[i].start);
	*size = mmio_table.range[i].size;
	return true;
}

bool bus_io_owned(uint16_t port)
{
	return find(&io_table, port) != NULL;
}

bool bus_mmio_owned(gpa_t gpa)
{
	return find(&mmio_table, gpa_addr(gpa)) != NULL;
}

void bus_reset(void)
{
	io_table.count = 0;
	mmio_table.count = 0;
}

/*
 * SVSM log protocol (include/svsm/abi/log.h): QUERY writes the ring's counters and the
 * debug switch to a guest block, READ copies whole ring records out to a guest buffer, and
 * SET_DEBUG switches the mirror of the ring to the host console. Every guest address and
 * size is checked before the ring is touched; the records are staged in log_stage (the
 * ring lock is never held while guest memory is written) and copied out in one write.
 * log_proto_lock guards log_stage.
 */
#include "kernel/protocols/log_protocol.h"

#include <stdbool.h>
#include <string.h>

#include "kernel/lib/log.h"
#include "kernel/lib/log_ring.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/log.h"

_Static_assert(SVSM_LOG_READ_MAX >= LOG_RING_RECORD_MAX, "a read can hold one record");

static uint8_t log_stage[SVSM_LOG_READ_MAX];
static struct spinlock log_proto_lock = SPINLOCK_INIT;

static enum svsm_err log_query(struct svsm_call_regs *r)
{
	gpa_t gpa = gpa_init(r->rcx);
	struct svsm_log_query q;
	struct log_ring_stats st;

	if (!gpa_aligned(gpa, 8) ||
	    gpa_offset(gpa, MM_PAGE_SIZE) + sizeof(q) > MM_PAGE_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	if (!guest_mem_valid(gpa, sizeof(q))) {
		return SVSM_E_INVALID_ADDRESS;
	}
	log_ring_stats(&st);
	memset(&q, 0, sizeof(q));
	q.version = SVSM_LOG_PROTOCOL_VERSION;
	q.ring_size = LOG_RING_SIZE;
	q.first_seq = st.first_seq;
	q.next_seq = st.next_seq;
	q.dropped = st.dropped;
	q.debug = log_get_debug() ? 1 : 0;
	q.record_max = LOG_RING_RECORD_MAX;
	return guest_mem_write(gpa, &q, sizeof(q));
}

static enum svsm_err log_read(struct svsm_call_regs *r)
{
	gpa_t gpa = gpa_init(r->rcx);
	uint64_t size = r->rdx, from = r->r8, next = 0;
	enum svsm_err err = SVSM_OK;
	uint64_t flags;
	size_t n;

	if (size == 0 || size > SVSM_LOG_READ_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	if (!guest_mem_valid(gpa, size)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	flags = spin_lock_irqsave(&log_proto_lock);
	n = log_ring_read(from, log_stage, (size_t)size, &next);
	if (n > 0) {
		err = guest_mem_write(gpa, log_stage, n);
	}
	spin_unlock_irqrestore(&log_proto_lock, flags);
	if (err != SVSM_OK) {
		return err;
	}
	r->rcx = n;
	r->rdx = next;
	return SVSM_OK;
}

static enum svsm_err log_set_debug_call(struct vcpu *v, struct svsm_call_regs *r)
{
	if (r->rcx > 1) {
		return SVSM_E_INVALID_PARAM;
	}
	r->rcx = log_switch_debug(r->rcx == 1, v->id, "log protocol") ? 1 : 0;
	return SVSM_OK;
}

enum svsm_err log_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *r)
{
	switch (call) {
	case SVSM_LOG_QUERY:
		return log_query(r);
	case SVSM_LOG_READ:
		return log_read(r);
	case SVSM_LOG_SET_DEBUG:
		return log_set_debug_call(v, r);
	default:
		return SVSM_E_UNSUPPORTED;
	}
}

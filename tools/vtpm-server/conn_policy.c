/* Connection policy of vtpm-server (see conn_policy.h). No state, no I/O. */
#include "tools/vtpm-server/conn_policy.h"

#include <stddef.h>

struct conn_timing conn_policy_accepted(enum conn_kind kind, uint64_t now)
{
	return (struct conn_timing){ .used = true, .kind = kind, .progress_ms = now };
}

void conn_policy_after_input(struct conn_timing *c, uint32_t frames, uint32_t pending,
			     uint64_t now)
{
	if (frames > 0) {
		c->progress_ms = now;
	}
	if (pending == 0) {
		c->frame_ms = 0;
	} else if (frames > 0 || c->frame_ms == 0) {
		c->frame_ms = now;
	}
}

bool conn_policy_expired(const struct conn_timing *c, uint64_t now)
{
	return c->used && c->frame_ms != 0 && now - c->frame_ms >= CONN_POLICY_FRAME_MS;
}

int conn_policy_wait_ms(const struct conn_timing *t, unsigned count, uint64_t now)
{
	int wait = -1;
	unsigned i;

	for (i = 0; i < count; i++) {
		uint64_t left = 0;

		if (!t[i].used || t[i].frame_ms == 0) {
			continue;
		}
		if (now - t[i].frame_ms < CONN_POLICY_FRAME_MS) {
			left = CONN_POLICY_FRAME_MS - (now - t[i].frame_ms);
		}
		if (wait < 0 || left < (uint64_t)wait) {
			wait = (int)left;
		}
	}
	return wait;
}

int conn_policy_place(const struct conn_timing *t, unsigned count, enum conn_kind kind,
		      uint64_t now, bool *evict)
{
	unsigned commands = 0;
	int free_slot = -1;
	int oldest = -1;
	unsigned i;

	*evict = false;
	for (i = 0; i < count; i++) {
		if (!t[i].used) {
			if (free_slot < 0) {
				free_slot = (int)i;
			}
			continue;
		}
		if (t[i].kind == CONN_COMMAND) {
			commands++;
		}
		/* A command newcomer may displace only a command connection (the reserve). */
		if ((kind == CONN_PLATFORM || t[i].kind == CONN_COMMAND) &&
		    (oldest < 0 || t[i].progress_ms < t[oldest].progress_ms)) {
			oldest = (int)i;
		}
	}
	if (free_slot >= 0 && (kind == CONN_PLATFORM || commands + 1 < count)) {
		return free_slot;
	}
	if (oldest < 0 || now - t[oldest].progress_ms < CONN_POLICY_IDLE_MS) {
		return -1;
	}
	*evict = true;
	return oldest;
}

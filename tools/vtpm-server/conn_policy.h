/*
 * Connection policy of vtpm-server: which connections a slow or silent client may hold and
 * for how long, as pure functions of per-connection timestamps so that the policy is unit
 * tested apart from the sockets (tests/unit/vtpm_conn_policy_test.c). main.c owns the
 * connections and asks this file what to do.
 *
 * - A frame has CONN_POLICY_FRAME_MS from its first byte to its last; a connection whose
 *   frame is still incomplete then is closed, however often it sends a byte.
 * - Progress is a complete frame, not a byte: a new connection that finds no slot evicts the
 *   connection with the oldest progress (connect or last complete frame) if that is at least
 *   CONN_POLICY_IDLE_MS old; otherwise the newcomer is refused.
 * - Command-port connections hold at most all slots but one, so the platform port (power,
 *   reset, STOP) always finds a slot.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CONN_POLICY_FRAME_MS 2000u
#define CONN_POLICY_IDLE_MS  1000u

enum conn_kind { CONN_COMMAND, CONN_PLATFORM };

/**
 * struct conn_timing - what the policy knows of one slot (times in CLOCK_MONOTONIC ms).
 * @used:        the slot holds a connection.
 * @kind:        the port it came in on.
 * @progress_ms: when it connected or last completed a frame; single bytes do not count.
 * @frame_ms:    when the first byte of its incomplete frame came; 0 when none is pending.
 */
struct conn_timing {
	bool used;
	enum conn_kind kind;
	uint64_t progress_ms;
	uint64_t frame_ms;
};

/** conn_policy_accepted - the timing of a connection accepted at @now. */
struct conn_timing conn_policy_accepted(enum conn_kind kind, uint64_t now);

/**
 * conn_policy_after_input - update @c after a read at @now that completed @frames frames and
 * left @pending bytes of an incomplete frame. Bytes left after a complete frame start a new
 * frame (its deadline starts now); bytes added to a pending frame do not move its deadline.
 */
void conn_policy_after_input(struct conn_timing *c, uint32_t frames, uint32_t pending,
			     uint64_t now);

/** conn_policy_expired - true when @c's pending frame has had CONN_POLICY_FRAME_MS. */
bool conn_policy_expired(const struct conn_timing *c, uint64_t now);

/**
 * conn_policy_wait_ms - milliseconds from @now until the first frame deadline among the
 * @count slots of @t (0 if one has passed), or -1 when no frame is pending.
 */
int conn_policy_wait_ms(const struct conn_timing *t, unsigned count, uint64_t now);

/**
 * conn_policy_place - the slot for a new @kind connection in the @count slots of @t at @now,
 * or -1 to refuse it. *@evict says whether the connection in that slot must be closed first.
 */
int conn_policy_place(const struct conn_timing *t, unsigned count, enum conn_kind kind,
		      uint64_t now, bool *evict);

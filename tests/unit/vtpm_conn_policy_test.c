/*
 * Tests of tools/vtpm-server/conn_policy.c, the rules that keep slow and silent clients
 * from locking others out of vtpm-server (security finding 5): a trickling client's frame
 * deadline does not move, trickled bytes are not progress, and command connections cannot
 * take the platform port's slot. Times are milliseconds on a made-up clock.
 */
#include "tools/vtpm-server/conn_policy.h"

#include "tests/unit/harness.h"

#define SLOTS 16u

/*
 * A full table of command connections, slot i connected at @t0 + i, each trickling one
 * byte per 400 ms until @until.
 */
static void trickle(struct conn_timing *t, uint64_t t0, uint64_t until)
{
	unsigned i;

	for (i = 0; i < SLOTS; i++) {
		t[i] = conn_policy_accepted(CONN_COMMAND, t0 + i);
	}
	for (uint64_t now = t0 + 400; now <= until; now += 400) {
		for (i = 0; i < SLOTS; i++) {
			conn_policy_after_input(&t[i], 0, (uint32_t)((now - t0) / 400), now);
		}
	}
}

TEST(vtpm_conn_policy, trickling_frame_expires_from_its_first_byte)
{
	struct conn_timing c = conn_policy_accepted(CONN_COMMAND, 1000);

	conn_policy_after_input(&c, 0, 1, 1400); /* first byte */
	for (uint64_t now = 1800; now < 1400 + CONN_POLICY_FRAME_MS; now += 400) {
		conn_policy_after_input(&c, 0, (uint32_t)((now - 1000) / 400), now);
		EXPECT_FALSE(conn_policy_expired(&c, now));
	}
	conn_policy_after_input(&c, 0, 5, 1400 + CONN_POLICY_FRAME_MS);
	EXPECT_TRUE(conn_policy_expired(&c, 1400 + CONN_POLICY_FRAME_MS));
}

TEST(vtpm_conn_policy, complete_frames_never_expire)
{
	struct conn_timing c = conn_policy_accepted(CONN_COMMAND, 0);

	/* A client sending a complete frame every second, each split in two reads. */
	for (uint64_t now = 1000; now < 20000; now += 1000) {
		conn_policy_after_input(&c, 0, 9, now);
		conn_policy_after_input(&c, 1, 0, now + 5);
		EXPECT_FALSE(conn_policy_expired(&c, now + 5));
	}
	EXPECT_EQ(c.frame_ms, 0);
	EXPECT_EQ(conn_policy_wait_ms(&c, 1, 30000), -1);
}

TEST(vtpm_conn_policy, bytes_after_a_frame_start_a_new_deadline)
{
	struct conn_timing c = conn_policy_accepted(CONN_COMMAND, 0);

	conn_policy_after_input(&c, 0, 4, 100);
	conn_policy_after_input(&c, 1, 3, 1900); /* frame done, the next one begun */
	EXPECT_FALSE(conn_policy_expired(&c, 100 + CONN_POLICY_FRAME_MS));
	EXPECT_TRUE(conn_policy_expired(&c, 1900 + CONN_POLICY_FRAME_MS));
}

TEST(vtpm_conn_policy, wait_ms_is_the_earliest_deadline)
{
	struct conn_timing t[3] = { { 0 } };

	EXPECT_EQ(conn_policy_wait_ms(t, 3, 5000), -1);
	t[0] = conn_policy_accepted(CONN_COMMAND, 0);
	t[1] = conn_policy_accepted(CONN_PLATFORM, 0);
	conn_policy_after_input(&t[0], 0, 1, 1000);
	conn_policy_after_input(&t[1], 0, 1, 500);
	EXPECT_EQ(conn_policy_wait_ms(t, 3, 1500), CONN_POLICY_FRAME_MS - 1000);
	EXPECT_EQ(conn_policy_wait_ms(t, 3, 500 + CONN_POLICY_FRAME_MS + 7), 0);
}

TEST(vtpm_conn_policy, trickling_clients_make_room_after_idle_time)
{
	struct conn_timing t[SLOTS];
	bool evict = false;
	int slot;

	trickle(t, 0, CONN_POLICY_IDLE_MS - 200);
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_COMMAND, CONN_POLICY_IDLE_MS - 200, &evict), -1);
	/* They sent a byte every 400 ms, but no frame: that is not progress. */
	trickle(t, 0, CONN_POLICY_IDLE_MS + 200);
	slot = conn_policy_place(t, SLOTS, CONN_COMMAND, CONN_POLICY_IDLE_MS + 200, &evict);
	EXPECT_EQ(slot, 0); /* the one connected first goes */
	EXPECT_TRUE(evict);
}

TEST(vtpm_conn_policy, platform_port_keeps_a_slot)
{
	struct conn_timing t[SLOTS] = { { 0 } };
	bool evict = true;
	unsigned i;

	for (i = 0; i + 1 < SLOTS; i++) {
		t[i] = conn_policy_accepted(CONN_COMMAND, 1000);
	}
	/* 15 fresh command connections: a 16th command one is refused, a platform one is not. */
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_COMMAND, 1100, &evict), -1);
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_PLATFORM, 1100, &evict), (int)SLOTS - 1);
	EXPECT_FALSE(evict);
	/* Once over the idle time, a command newcomer displaces a command connection only. */
	t[SLOTS - 1] = conn_policy_accepted(CONN_PLATFORM, 0);
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_COMMAND, 1000 + CONN_POLICY_IDLE_MS, &evict), 0);
	EXPECT_TRUE(evict);
	/* A platform newcomer may displace the oldest of any kind. */
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_PLATFORM, 1000 + CONN_POLICY_IDLE_MS, &evict),
		  (int)SLOTS - 1);
	EXPECT_TRUE(evict);
}

TEST(vtpm_conn_policy, free_slot_first)
{
	struct conn_timing t[SLOTS] = { { 0 } };
	bool evict = true;

	t[0] = conn_policy_accepted(CONN_COMMAND, 0);
	EXPECT_EQ(conn_policy_place(t, SLOTS, CONN_COMMAND, 5000, &evict), 1);
	EXPECT_FALSE(evict);
}

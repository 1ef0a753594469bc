/*
 * Kernel tests of the log ring: log lines below the console level still land in it, with
 * time, CPU and the host-class mark; the console level names.
 */
#include <string.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "kernel/lib/log_ring.h"

static uint8_t ring_buf[4 * LOG_RING_RECORD_MAX];

/* Find the first record at or after @from whose text is @text; false if none. */
static bool ring_find(uint64_t from, const char *text, struct log_ring_record *out)
{
	uint64_t next = 0;
	size_t n = 0;

	while ((n = log_ring_read(from, ring_buf, sizeof(ring_buf), &next)) != 0) {
		for (size_t off = 0; off < n;) {
			size_t used = log_ring_record_decode(&ring_buf[off], n - off, out);

			if (used == 0) {
				return false;
			}
			if (out->len == strlen(text) && memcmp(out->text, text, out->len) == 0) {
				return true;
			}
			off += used;
		}
		from = next;
	}
	return false;
}

static void log_on_ap(void *arg)
{
	(void)arg;
	pr_debug("log_ring ktest line from an AP\n");
}

KTEST(log_ring, filtered_lines_are_kept)
{
	struct log_ring_stats st;
	struct log_ring_record rec;
	enum log_level saved = log_get_level();

	log_ring_stats(&st);
	log_set_level(LOG_ERROR);
	pr_warn("log_ring ktest warn %u\n", 7u);
	pr_debug("log_ring ktest no newline");
	log_set_level(saved);

	KASSERT(ring_find(st.next_seq, "log_ring ktest warn 7", &rec));
	KEXPECT_EQ(rec.level, LOG_WARN);
	KEXPECT_EQ(rec.cpu, smp_cpu_index());
	KEXPECT(rec.time_us != 0);
	KEXPECT(rec.seq >= st.next_seq);
	KASSERT(ring_find(rec.seq, "log_ring ktest no newline", &rec));
	KEXPECT_EQ(rec.level, LOG_DEBUG | LOG_RING_F_PARTIAL);
}

KTEST(log_ring, records_the_cpu)
{
	struct log_ring_stats st;
	struct log_ring_record rec;

	if (smp_cpu_count() < 2) {
		return;
	}
	log_ring_stats(&st);
	KASSERT(smp_run_on(1, log_on_ap, NULL));
	KASSERT(ring_find(st.next_seq, "log_ring ktest line from an AP", &rec));
	KEXPECT_EQ(rec.cpu, 1);
	KEXPECT_EQ(rec.level, LOG_DEBUG);
}

/* The host console policy's marks: pr_host_*() and log_raw() lines carry the host flag. */
KTEST(log_ring, host_class_is_marked)
{
	struct log_ring_stats st;
	struct log_ring_record rec;

	log_ring_stats(&st);
	pr_host_info("log_ring ktest host line\n");
	pr_info("log_ring ktest ring line\n");
	KASSERT(ring_find(st.next_seq, "log_ring ktest host line", &rec));
	KEXPECT_EQ(rec.level, LOG_INFO | LOG_RING_F_HOST);
	KASSERT(ring_find(st.next_seq, "log_ring ktest ring line", &rec));
	KEXPECT_EQ(rec.level, LOG_INFO);
}

KTEST(log_ring, console_level_names)
{
	enum log_level old = log_get_level();

	KEXPECT(log_parse_level("host"));
	KEXPECT_EQ(log_get_level(), LOG_HOST);
	KEXPECT(log_parse_level("info"));
	KEXPECT_EQ(log_get_level(), LOG_INFO);
	KEXPECT(!log_parse_level("hostx"));
	KEXPECT_EQ(log_get_level(), LOG_INFO);
	log_set_level(old);
}

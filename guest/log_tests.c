/*
 * Test-guest checks of the SVSM log protocol (include/svsm/abi/log.h): the guest finds the
 * protocol, reads the SVSM's log ring in pieces and finds its own SVSM's boot lines with the
 * host-visible mark where the policy says, gets malformed calls refused, and switches debug
 * mode, which the attestation manifest reports; then the same through the log device's
 * ports (the paravisor path). guest_args "log" ends with debug mode off,
 * "log_debug" leaves it on (scripts/test-e2e.sh checks the host console of both runs).
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"
#include "svsm/abi/attest.h"
#include "svsm/abi/log.h"

#define S_LOG     (S_VMSA + 64 * PAGE)  /* query block page, then the read buffer */
#define S_LOG_BUF (S_LOG + PAGE)        /* SVSM_LOG_READ_MAX bytes */
#define S_LOG_ATT (S_LOG_BUF + 17 * PAGE) /* attestation request, manifest, report */

static struct call log_call(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct call c = mk(SVSM_LOG_PROTOCOL, id, rcx, rdx, r8);

	if (!svsm_call(ca, &c)) {
		c.rax = ~0ull;
	}
	return c;
}

/* Does @text[@len] contain the NUL-terminated @want? */
static bool has(const char *text, size_t len, const char *want)
{
	size_t n = strlen(want);

	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(text + i, want, n) == 0) {
			return true;
		}
	}
	return false;
}

struct ring_scan {
	unsigned records, calls;
	bool contiguous, headers_ok;
	bool booting, booting_host;   /* "SVSM: booting", in the host class */
	bool cpus, cpus_host;         /* "boot: N CPUs online", in the host class */
	bool mm, mm_not_host;         /* "mm: SVSM memory", not in the host class */
};

/* Reads the whole ring from seq 0 in @chunk-byte pieces and looks for known lines. */
static void scan_ring(uint64_t chunk, struct ring_scan *s)
{
	const uint8_t *buf = (const uint8_t *)S_LOG_BUF;
	uint64_t seq = 0, expect = 0;

	memset(s, 0, sizeof(*s));
	s->contiguous = s->headers_ok = true;
	for (unsigned guard = 0; guard < 100000; guard++) {
		struct call c = log_call(SVSM_LOG_READ, S_LOG_BUF, chunk, seq);
		size_t off = 0;

		s->calls++;
		if (c.rax != SVSM_SUCCESS || c.rcx > chunk) {
			s->headers_ok = false;
			return;
		}
		if (c.rcx == 0) {
			return;
		}
		while (off < c.rcx) {
			struct svsm_log_record_hdr h;
			const char *text = (const char *)buf + off + SVSM_LOG_HDR_SIZE;

			memcpy(&h, buf + off, sizeof(h));
			if (off + SVSM_LOG_HDR_SIZE + h.len > c.rcx || h.len > SVSM_LOG_TEXT_MAX ||
			    (h.level & SVSM_LOG_LEVEL_MASK) > SVSM_LOG_LEVEL_RAW) {
				s->headers_ok = false;
				return;
			}
			if (h.seq != expect) {
				s->contiguous = false;
			}
			expect = h.seq + 1;
			if (has(text, h.len, "SVSM: booting")) {
				s->booting = true;
				s->booting_host = (h.level & SVSM_LOG_F_HOST) != 0;
			}
			if (has(text, h.len, "CPUs online")) {
				s->cpus = true;
				s->cpus_host = (h.level & SVSM_LOG_F_HOST) != 0;
			}
			if (has(text, h.len, "mm: SVSM memory")) {
				s->mm = true;
				s->mm_not_host = (h.level & SVSM_LOG_F_HOST) == 0;
			}
			s->records++;
			off += SVSM_LOG_HDR_SIZE + h.len;
		}
		seq = c.rdx;
	}
}

static uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

#define DEV(reg) ((uint16_t)(SVSM_LOG_DEV_PORT + SVSM_LOG_DEV_REG_##reg))

/* The log device: the same ring, one record per FETCH, through port I/O. */
static void test_log_device(void)
{
	uint8_t rec[SVSM_LOG_RECORD_MAX];
	struct svsm_log_record_hdr h;
	uint32_t len;
	unsigned records = 0;
	bool contiguous = true, booting = false, bounded = true;

	check("log_dev_id", inl(DEV(ID)) == SVSM_LOG_DEV_ID && inl(DEV(VERSION)) == 1 &&
				    inl(DEV(STATUS)) == 0);
	outl(DEV(SEQ_LO), 0);
	outl(DEV(SEQ_HI), 0);
	for (unsigned guard = 0; guard < 5000; guard++) {
		outl(DEV(CTRL), SVSM_LOG_DEV_CMD_FETCH);
		len = inl(DEV(LEN));
		if (len == 0) {
			break;
		}
		if (len > sizeof(rec) || len < SVSM_LOG_HDR_SIZE) {
			bounded = false;
			break;
		}
		for (uint32_t i = 0; i < len; i += 4) {
			uint32_t v = inl(DEV(DATA));

			for (unsigned b = 0; b < 4 && i + b < len; b++) {
				rec[i + b] = (uint8_t)(v >> (8 * b));
			}
		}
		memcpy(&h, rec, sizeof(h));
		if (h.seq != records || SVSM_LOG_HDR_SIZE + h.len != len ||
		    ((uint64_t)inl(DEV(SEQ_HI)) << 32 | inl(DEV(SEQ_LO))) != h.seq + 1) {
			contiguous = false;
		}
		if (has((const char *)rec + SVSM_LOG_HDR_SIZE, h.len, "SVSM: booting")) {
			booting = (h.level & SVSM_LOG_F_HOST) != 0;
		}
		records++;
	}
	gprintf("[guest] log device: %u records\n", records);
	check("log_dev_reads_ring", bounded && contiguous && booting && records > 10 &&
					    inl(DEV(LEN)) == 0 && inl(DEV(DATA)) == 0);
	check("log_dev_bad_access_all_ones", inl(DEV(ID) + 1) == 0xffffffffu);
}

/* Debug mode through the device: STATUS and the protocol's QUERY agree; left off. */
static void test_log_device_debug(void)
{
	volatile struct svsm_log_query *q = (volatile struct svsm_log_query *)S_LOG;
	bool on, off;

	outl(DEV(CTRL), SVSM_LOG_DEV_CMD_DEBUG_ON);
	on = inl(DEV(STATUS)) == SVSM_LOG_DEV_STATUS_DEBUG &&
	     log_call(SVSM_LOG_QUERY, S_LOG, 0, 0).rax == SVSM_SUCCESS && q->debug == 1;
	outl(DEV(CTRL), SVSM_LOG_DEV_CMD_DEBUG_OFF);
	off = inl(DEV(STATUS)) == 0 &&
	      log_call(SVSM_LOG_QUERY, S_LOG, 0, 0).rax == SVSM_SUCCESS && q->debug == 0;
	check("log_dev_debug_switch", on && off);
}

/*
 * The log service's debug-switch flags from a fresh attestation manifest, or ~0u if it is
 * missing. CONSOLE_LEVELED is masked off: it follows the host's `log=` word (the test
 * runners ask for log=info), which the unit tests cover.
 */
static uint32_t manifest_log_flags(void)
{
	const uint8_t *m = (const uint8_t *)(S_LOG_ATT + 0x1000);
	const struct svsm_guid want = SVSM_LOG_MANIFEST_GUID;
	struct svsm_manifest_header h;
	struct svsm_log_manifest lm;

	if (!guest_attest_once(S_LOG_ATT)) {
		return ~0u;
	}
	memcpy(&h, m, sizeof(h));
	for (uint32_t i = 0; i < h.entry_count && i < 8; i++) {
		struct svsm_manifest_entry e;

		memcpy(&e, m + sizeof(h) + i * sizeof(e), sizeof(e));
		if (memcmp(&e.guid, &want, sizeof(want)) == 0 && e.size == sizeof(lm) &&
		    e.offset + sizeof(lm) <= h.total_size && h.total_size <= 0x1000) {
			memcpy(&lm, m + e.offset, sizeof(lm));
			return lm.version == SVSM_LOG_MANIFEST_VERSION
				       ? lm.flags & ~SVSM_LOG_MANIFEST_CONSOLE_LEVELED
				       : ~0u;
		}
	}
	return ~0u;
}

void test_log_protocol(bool leave_debug_on)
{
	volatile struct svsm_log_query *q = (volatile struct svsm_log_query *)S_LOG;
	uint64_t want = ((uint64_t)SVSM_LOG_PROTOCOL << 32) | SVSM_LOG_PROTOCOL_VERSION;
	struct call c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, want, 0, 0);
	struct ring_scan s, s2;
	uint64_t first_next;
	uint32_t flags;

	check("log_query_protocol", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS &&
					    c.rcx == ((1ull << 32) | 1));
	memset((void *)S_LOG, 0xcc, PAGE);
	c = log_call(SVSM_LOG_QUERY, S_LOG, 0, 0);
	check("log_query", c.rax == SVSM_SUCCESS && q->version == 1 && q->ring_size == 65536 &&
				   q->record_max == SVSM_LOG_RECORD_MAX && q->next_seq > 10 &&
				   q->first_seq == 0 && q->dropped == 0 && q->debug == 0);
	first_next = q->next_seq;

	/* The ring from the start, in 64 KiB and in 260-byte pieces: the same records. */
	scan_ring(SVSM_LOG_READ_MAX, &s);
	gprintf("[guest] log ring: %u records in %u reads\n", s.records, s.calls);
	check("log_read_whole_records_contiguous", s.headers_ok && s.contiguous &&
							  s.records >= first_next);
	check("log_ring_has_boot_lines", s.booting && s.cpus && s.mm);
	check("log_boot_stages_marked_host", s.booting_host && s.cpus_host);
	check("log_mm_line_ring_only", s.mm_not_host);
	scan_ring(SVSM_LOG_RECORD_MAX, &s2);
	check("log_read_in_small_pieces", s2.headers_ok && s2.contiguous &&
						  s2.records >= s.records &&
						  s2.calls > s.calls + 2);

	/* Malformed calls: refused, nothing read. */
	c = log_call(SVSM_LOG_READ, S_LOG_BUF, 0, 0);
	check("log_read_size_zero_refused", c.rax == SVSM_ERR_INVALID_PARAMETER);
	c = log_call(SVSM_LOG_READ, S_LOG_BUF, SVSM_LOG_READ_MAX + 1, 0);
	check("log_read_size_too_large_refused", c.rax == SVSM_ERR_INVALID_PARAMETER);
	c = log_call(SVSM_LOG_READ, boot->svsm_base, PAGE, 0);
	check("log_read_into_svsm_refused", c.rax == SVSM_ERR_INVALID_ADDRESS);
	c = log_call(SVSM_LOG_READ, boot->svsm_base - 16, PAGE, 0);
	check("log_read_straddling_svsm_refused", c.rax == SVSM_ERR_INVALID_ADDRESS);
	c = log_call(SVSM_LOG_READ, ~0ull - 100, PAGE, 0);
	check("log_read_wrapping_refused", c.rax == SVSM_ERR_INVALID_ADDRESS);
	c = log_call(SVSM_LOG_READ, S_LOG_BUF, SVSM_LOG_HDR_SIZE - 1, 0);
	check("log_read_partial_record_gives_nothing", c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = log_call(SVSM_LOG_QUERY, S_LOG + 4, 0, 0);
	check("log_query_misaligned_refused", c.rax == SVSM_ERR_INVALID_PARAMETER);
	c = log_call(SVSM_LOG_QUERY, boot->svsm_base, 0, 0);
	check("log_query_into_svsm_refused", c.rax == SVSM_ERR_INVALID_ADDRESS);
	c = log_call(SVSM_LOG_SET_DEBUG, 2, 0, 0);
	check("log_set_debug_bad_value_refused", c.rax == SVSM_ERR_INVALID_PARAMETER);
	c = log_call(3, 0, 0, 0);
	check("log_unknown_call_refused", c.rax == SVSM_ERR_UNSUPPORTED_CALL);

	test_log_device();

	/* Debug mode: off at boot, on, reported by QUERY and the attestation manifest. */
	flags = manifest_log_flags();
	check("log_manifest_debug_off_at_boot", flags == 0);
	c = log_call(SVSM_LOG_SET_DEBUG, 1, 0, 0);
	check("log_set_debug_on", c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = log_call(SVSM_LOG_QUERY, S_LOG, 0, 0);
	check("log_query_reports_debug_on", c.rax == SVSM_SUCCESS && q->debug == 1);
	flags = manifest_log_flags();
	check("log_manifest_debug_on", flags == (SVSM_LOG_MANIFEST_DEBUG_ON |
						 SVSM_LOG_MANIFEST_DEBUG_WAS_ON));
	if (!leave_debug_on) {
		c = log_call(SVSM_LOG_SET_DEBUG, 0, 0, 0);
		check("log_set_debug_off", c.rax == SVSM_SUCCESS && c.rcx == 1);
		flags = manifest_log_flags();
		check("log_manifest_debug_was_on", flags == SVSM_LOG_MANIFEST_DEBUG_WAS_ON);
		test_log_device_debug();
	}
}

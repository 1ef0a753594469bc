/*
 * The test guest's SVSM call helpers: a call by protocol and number, a core-protocol call,
 * a PVALIDATE request built in guest memory, and a page-content check.
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"

struct call mk(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	return (struct call){SVSM_CALL(protocol, id), rcx, rdx, r8, 0};
}

uint64_t call_rax(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct call c = mk(protocol, id, rcx, rdx, r8);

	if (!svsm_call(ca, &c)) {
		gprintf("[guest] call %u/%u left call_pending set\n", protocol, id);
		return ~0ull;
	}
	return c.rax;
}

uint64_t core(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	return call_rax(SVSM_CORE_PROTOCOL, id, rcx, rdx, r8);
}

/* PVALIDATE with a request built at @req_gpa; returns RAX and the final `next`. */
uint64_t pvalidate_at(uint64_t req_gpa, const uint64_t *entries, uint16_t count,
			     uint16_t next, uint16_t *next_out)
{
	struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)req_gpa;
	uint64_t rax;

	req->entry_count = count;
	req->next = next;
	memset(req->reserved, 0, sizeof(req->reserved));
	for (uint16_t i = 0; i < count; i++) {
		req->entries[i] = entries[i];
	}
	rax = core(SVSM_CORE_PVALIDATE, req_gpa, 0, 0);
	if (next_out != NULL) {
		*next_out = req->next;
	}
	return rax;
}

uint64_t pval1(uint64_t gpa, unsigned size, bool validate, bool ignore_cf)
{
	uint64_t e = svsm_pvalidate_entry_make(gpa, size, validate, ignore_cf);

	return pvalidate_at((uint64_t)ca->buffer, &e, 1, 0, NULL);
}

bool page_is(uint64_t gpa, uint8_t v)
{
	const uint8_t *p = (const uint8_t *)gpa;

	for (unsigned i = 0; i < PAGE; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

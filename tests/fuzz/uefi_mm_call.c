/*
 * libFuzzer target for the UEFI MM protocol (4): arbitrary RCX/RDX and communicate-buffer
 * bytes go through vcpu_handle_call() -> dispatch -> kernel/protocols/uefi_mm.c -> the
 * variable service and the real store (lib/uefi_vars.c, lib/uefi_mm.c), with a commit hook
 * that fails now and then. Addresses are biased into and around guest RAM, and the header
 * is made well-formed half of the time so that the store's paths are reached. Checks:
 * every answer is an SVSM result code; a refused call leaves the buffer untouched and
 * commits nothing (it took no effect); a served one writes nothing past 24 +
 * MessageLength; a failed commit gives no answer. Now and then one page in and around the
 * buffer is read-only to the SVSM (as split OVMF's code flash).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/mm/guest_mem.h"
#include "kernel/services/uefi_vars_service.h"
#include "svsm/abi/efi_var.h"
#include "svsm/abi/uefi_mm.h"
#include "tests/unit/guest_fixture.h"

#define BUF_PAGES 17 /* 64 KiB + 1 page */

static struct guest_fixture g;
static int ready;
static uint8_t before[BUF_PAGES * 4096];
static unsigned commit_fail; /* bit 0: the next commit fails */
static uint64_t commits_ok;   /* commits that succeeded */

static enum svsm_err fuzz_commit(const uint8_t *data, uint32_t size)
{
	(void)data;
	(void)size;
	if ((commit_fail & 1) != 0) {
		return SVSM_E_IO;
	}
	commits_ok++;
	return SVSM_OK;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const efi_guid_t smm_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;
	struct svsm_call_regs r;
	uint64_t buf, msg_len = 0, rax, commits_before;
	size_t rest;
	uint8_t mode;

	if (!ready) {
		guest_fixture_setup(&g);
		if (uefi_vars_service_init(NULL, 0) != SVSM_OK) {
			__builtin_trap();
		}
		uefi_vars_service_set_commit(fuzz_commit);
		ready = 1;
	}
	if (size < 24) {
		return 0;
	}
	mode = data[0];
	commit_fail = data[1];
	buf = g.ram + 4 * 4096;
	r.rax = SVSM_CALL(SVSM_UEFI_MM_PROTOCOL, (mode & 0x80) != 0 ? data[2] : SVSM_UEFI_MM_REQUEST);
	switch (mode & 3) {
	case 0:
		r.rcx = rd64(data + 8);
		break;
	case 1:
		r.rcx = g.ram + (rd64(data + 8) % (g.ram_end - g.ram));
		break;
	case 2:
		r.rcx = g.svsm + (rd64(data + 8) % (GUEST_ARENA_SIZE + 0x2000)) - 0x1000;
		break;
	default:
		r.rcx = buf;
		break;
	}
	r.rdx = (mode & 4) != 0 ? rd64(data + 16) : BUF_PAGES * 4096ull - 4096;
	r.r8 = r.r9 = 0;
	rest = size - 24;
	if (rest > sizeof(before)) {
		rest = sizeof(before);
	}
	memset((void *)(uintptr_t)buf, 0, sizeof(before));
	memcpy((void *)(uintptr_t)buf, data + 24, rest);
	if ((mode & 8) != 0 && rest >= 24) {
		/* A well-formed outer header around the fuzzer's message. */
		memcpy((void *)(uintptr_t)buf, &smm_guid, sizeof(smm_guid));
		msg_len = rest - 24;
		memcpy((void *)(uintptr_t)(buf + 16), &msg_len, 8);
	}
	memcpy(&msg_len, (void *)(uintptr_t)(buf + 16), 8);
	memcpy(before, (void *)(uintptr_t)buf, sizeof(before));
	if ((mode & 0x10) != 0) {
		/* One page of the buffer (or the one before or after it) read-only. */
		guest_mem_set_readonly(gpa_init(buf + (data[3] % (BUF_PAGES + 2)) * 4096ull - 4096),
				       4096);
	} else {
		guest_mem_set_readonly(GPA_C(0), 0); /* none */
	}
	commits_before = commits_ok;
	g.v->ca_gpa = gpa_init(g.ca);
	((struct svsm_ca *)(uintptr_t)g.ca)->call_pending = 1;
	g.fv.regs = r;
	vcpu_handle_call(g.v);
	rax = g.fv.regs.rax;
	if (rax != SVSM_SUCCESS && (rax < SVSM_ERR_INCOMPLETE || rax > SVSM_ERR_BUSY)) {
		__builtin_trap();
	}
	if (rax != SVSM_SUCCESS) {
		/* Refused, or a commit failed: nothing was written. */
		if (memcmp(before, (void *)(uintptr_t)buf, sizeof(before)) != 0) {
			__builtin_trap();
		}
		if (commits_ok != commits_before) {
			__builtin_trap(); /* refused, yet the change took effect */
		}
	} else if (r.rcx == buf && msg_len < sizeof(before) - 24 &&
		   memcmp(before + 24 + msg_len, (uint8_t *)(uintptr_t)buf + 24 + msg_len,
			  sizeof(before) - 24 - msg_len) != 0) {
		__builtin_trap(); /* a reply past the message */
	}
	return 0;
}

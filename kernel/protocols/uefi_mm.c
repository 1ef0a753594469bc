/*
 * UEFI MM protocol (4): SVSM_UEFI_MM_REQUEST (svsm/abi/uefi_mm.h, docs/protocols.md). The
 * guest's buffer is checked as a whole (page-aligned GPA, 24 bytes .. 256 KiB, guest RAM,
 * not SVSM memory, none of it read-only to the SVSM), its 24-byte EFI_MM_COMMUNICATE_HEADER copied in, MessageLength checked
 * against the buffer, then the message copied in once; the UEFI variable service serves
 * the copy in place (uefi_vars_service.c, in the library context) and only the reply goes
 * back. uefi_mm_lock guards the bounce buffer and orders requests (and so their commits).
 */
#include "kernel/protocols/services_protocols.h"

#include <stddef.h>
#include <string.h>

#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/services/uefi_vars_service.h"
#include "lib/uefi_mm.h"
#include "svsm/abi/uefi_mm.h"

/* The library serves buffers up to UEFI_MM_BUFFER_MAX; the ABI allows 256 KiB. */
#define MM_MAX (SVSM_UEFI_MM_BUFFER_MAX < UEFI_MM_BUFFER_MAX ? SVSM_UEFI_MM_BUFFER_MAX \
							      : UEFI_MM_BUFFER_MAX)

static uint8_t mm_buf[MM_MAX];
static struct spinlock uefi_mm_lock = SPINLOCK_INIT;

static enum svsm_err uefi_mm_request(uint64_t gpa, uint64_t size)
{
	struct guest_mem_window win;
	uint64_t msg_len = 0;
	size_t reply = 0;
	enum svsm_err err;

	if (gpa == 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if ((gpa & (SVSM_UEFI_MM_BUFFER_ALIGN - 1)) != 0) {
		return SVSM_E_INVALID_ADDRESS;
	}
	if (size < SVSM_UEFI_MM_HEADER_SIZE || size > SVSM_UEFI_MM_BUFFER_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	err = guest_mem_window_open(&win, gpa_init(gpa), size); /* RAM, not the SVSM's */
	if (err != SVSM_OK) {
		return err;
	}
	if (!guest_mem_writable(gpa_init(gpa), size)) {
		/* The read-only code flash: refused now, not after the request took effect. */
		return SVSM_E_INVALID_ADDRESS;
	}
	err = guest_mem_window_read(&win, 0, mm_buf, SVSM_UEFI_MM_HEADER_SIZE);
	if (err != SVSM_OK) {
		return err;
	}
	memcpy(&msg_len, mm_buf + SVSM_UEFI_MM_HEADER_SIZE - sizeof(msg_len), sizeof(msg_len));
	if (msg_len > size - SVSM_UEFI_MM_HEADER_SIZE ||
	    msg_len > sizeof(mm_buf) - SVSM_UEFI_MM_HEADER_SIZE) {
		return SVSM_E_INVALID_PARAM; /* MessageLength beyond the buffer */
	}
	if (msg_len != 0) {
		err = guest_mem_window_read(&win, SVSM_UEFI_MM_HEADER_SIZE,
					    mm_buf + SVSM_UEFI_MM_HEADER_SIZE, (size_t)msg_len);
	}
	if (err == SVSM_OK) {
		err = uefi_vars_service_request(mm_buf, SVSM_UEFI_MM_HEADER_SIZE + (size_t)msg_len,
						&reply);
	}
	if (err == SVSM_OK && reply > SVSM_UEFI_MM_HEADER_SIZE + msg_len) {
		err = SVSM_E_BUSY; /* the library broke its contract: nothing goes back */
	}
	if (err == SVSM_OK && reply != 0) {
		err = guest_mem_window_write(&win, 0, mm_buf, reply);
	}
	return err;
}

enum svsm_err uefi_mm_protocol_call(struct vcpu *v, uint32_t call, struct svsm_call_regs *r)
{
	uint64_t flags;
	enum svsm_err err;

	(void)v;
	if (call != SVSM_UEFI_MM_REQUEST) {
		return SVSM_E_UNSUPPORTED;
	}
	flags = spin_lock_irqsave(&uefi_mm_lock);
	err = uefi_mm_request(r->rcx, r->rdx);
	spin_unlock_irqrestore(&uefi_mm_lock, flags);
	return err;
}

bool uefi_mm_protocol_available(void)
{
	return uefi_vars_service_ready();
}

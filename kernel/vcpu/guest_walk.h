/*
 * Guest page-table walk and instruction fetch (guest_walk.c): the linear address of the
 * instruction at CS:RIP is translated through the guest's own page tables, in every paging
 * mode, and its bytes are read from guest RAM. For MMIO emulation where the platform gives
 * no instruction bytes (QEMU TCG has no decode assists). Every table entry and every
 * instruction byte is read through guest_mem, so nothing outside guest RAM is ever touched.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

/** GUEST_WALK_MAX_LEVELS - the deepest walk (5-level paging); each level reads one entry. */
#define GUEST_WALK_MAX_LEVELS 5u

/**
 * struct guest_paging - the guest's translation state at an exit, as the platform holds it.
 * @cr0:  CR0 (PE, PG).
 * @cr3:  CR3: the root table (PCID and flag bits are ignored).
 * @cr4:  CR4 (PSE, PAE, LA57, SMEP).
 * @efer: EFER (LMA, NXE).
 * @cpl:  the current privilege level (0..3): a fetch at CPL 3 needs user pages.
 */
struct guest_paging {
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
	uint8_t cpl;
};

/** enum guest_walk_why - why a translation or fetch stopped. */
enum guest_walk_why {
	GUEST_WALK_OK = 0,
	GUEST_WALK_NOT_PRESENT,   /* an entry with P clear */
	GUEST_WALK_RESERVED,      /* a reserved bit set (PS at PML4/PML5, NX without NXE...) */
	GUEST_WALK_NOT_RAM,       /* an entry or a byte outside guest RAM (or SVSM memory) */
	GUEST_WALK_NON_CANONICAL, /* a 64-bit linear address that is not canonical */
	GUEST_WALK_PROTECTION,    /* not executable (readable, writable) here: NX, U/S, SMEP, R/W */
};

/**
 * struct guest_walk_fault - where a walk stopped, for the log line.
 * @why:       the reason (GUEST_WALK_OK: it did not stop).
 * @linear:    the linear address being translated.
 * @level:     the table level of @entry (5..1), or 0 for the data page itself.
 * @entry_gpa: where @entry was read (or was to be read); the byte's GPA at level 0.
 * @entry:     the entry's value (0 when it could not be read).
 */
struct guest_walk_fault {
	enum guest_walk_why why;
	uint64_t linear;
	unsigned level;
	gpa_t entry_gpa;
	uint64_t entry;
};

/**
 * guest_walk_translate - the guest-physical address of linear address @linear for an
 * instruction fetch under @p, in @gpa. Paging off: @linear itself. SVSM_E_INVALID_ADDRESS
 * when the walk fails; @fault (may be NULL) says where and why.
 */
enum svsm_err guest_walk_translate(const struct guest_paging *p, uint64_t linear, gpa_t *gpa,
				   struct guest_walk_fault *fault) SVSM_MUST_CHECK;

/**
 * guest_walk_translate_read - as guest_walk_translate() for a data read (the memory source
 * of MOVS to MMIO): the page must be present and, at CPL 3, a user page; NX does not
 * matter. SMAP is not modelled (a supervisor read of a user page is allowed).
 */
enum svsm_err guest_walk_translate_read(const struct guest_paging *p, uint64_t linear,
					gpa_t *gpa, struct guest_walk_fault *fault) SVSM_MUST_CHECK;

/**
 * guest_walk_translate_write - as guest_walk_translate() for a data write (INS): the page
 * must be writable at @p's CPL (R/W, U/S at CPL 3, CR0.WP at CPL 0..2) instead of
 * executable. GUEST_WALK_PROTECTION when it is not.
 */
enum svsm_err guest_walk_translate_write(const struct guest_paging *p, uint64_t linear,
					 gpa_t *gpa, struct guest_walk_fault *fault) SVSM_MUST_CHECK;

/**
 * guest_walk_fetch - read up to @len (at most 15) instruction bytes at CS:RIP into @buf.
 * @code64: the code runs in 64-bit mode (CS base ignored, RIP must be canonical); else the
 * linear address is (@cs_base + @rip) modulo 4 GiB. The bytes may cross into a second page:
 * when only that page fails, the bytes of the first are returned (@fetched < @len) and
 * @fault says why the rest is missing (a decoder that needs them reports truncation).
 * SVSM_E_INVALID_ADDRESS when not even the first byte can be fetched.
 */
enum svsm_err guest_walk_fetch(const struct guest_paging *p, uint64_t cs_base, uint64_t rip,
			       bool code64, uint8_t *buf, size_t len, size_t *fetched,
			       struct guest_walk_fault *fault) SVSM_MUST_CHECK;

/** guest_walk_why_name - a short description of @why, for log lines. */
const char *guest_walk_why_name(enum guest_walk_why why);

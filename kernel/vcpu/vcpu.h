/*
 * Guest vCPUs as the platform-neutral kernel sees them, and the vCPU table (vcpu.c):
 * identity, calling area, VMSA, deletion claims. Platform-private state hangs off @plat.
 * Creating, starting, stopping and deleting a vCPU is lifecycle.h; serving its calls is
 * call.h; vcpu_loop() runs it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

#define VCPU_MAX 64
#define VCPU_NO_VMSA GPA_C(UINT64_MAX)
/* The calling area of a vCPU the guest started with INIT-SIPI (unenlightened): none. */
#define VCPU_NO_CA GPA_C(0)

enum vcpu_state {
	VCPU_FREE = 0,
	VCPU_CREATING, /* claimed by vcpu_alloc(), not yet published: invisible to lookups */
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_STOPPING,
	VCPU_STOPPED,
};

#define VCPU_MTRR_VAR_COUNT   8  /* variable-range MTRR pairs (MTRRcap.VCNT) */
#define VCPU_MTRR_FIXED_COUNT 11 /* 0x250, 0x258, 0x259, 0x268..0x26f */

/**
 * struct vcpu_msrs - MSRs a vCPU sees as its own but that never reach the hardware
 * (vcpu/msr.c): the MTRRs and SPEC_CTRL. Zero (the reset state) when the vCPU is created.
 */
struct vcpu_msrs {
	uint64_t mtrr_def_type;
	uint64_t mtrr_fixed[VCPU_MTRR_FIXED_COUNT];
	uint64_t mtrr_var[2 * VCPU_MTRR_VAR_COUNT]; /* PhysBase0, PhysMask0, PhysBase1, ... */
	uint64_t spec_ctrl;
};

struct vcpu {
	unsigned id;             /* index in the vCPU table */
	uint32_t apic_id;
	gpa_t ca_gpa;            /* calling area of this vCPU */
	gpa_t vmsa_gpa;          /* VMSA it was created from, VCPU_NO_VMSA for the boot vCPU */
	volatile enum vcpu_state state;
	volatile bool stop_request;
	uint32_t sipi_request;   /* 0, or 0x100 | vector: a SIPI restarts it (vcpu_loop) */
	bool deleting;           /* claimed by a DELETE_VCPU (under vcpu_lock) */
	uint64_t gen;            /* bumped each time the slot is freed (see struct vcpu_claim) */
	uint64_t calls;          /* SVSM calls served */
	struct vcpu_msrs msrs;   /* MSRs virtualised per vCPU (vcpu/msr.c) */
	void *plat;              /* platform-private state */
};

/**
 * vcpu_alloc - claim a free slot for a vCPU in state VCPU_CREATING, atomically with the
 * checks that no live vCPU has @apic_id and that @ca_gpa and @vmsa_gpa are no live vCPU's
 * calling area or VMSA. NULL when one of them is taken or the table is full.
 */
struct vcpu *vcpu_alloc(uint32_t apic_id, gpa_t ca_gpa, gpa_t vmsa_gpa);
/** vcpu_publish - make a vCPU set up by its creator (plat set) visible and runnable. */
void vcpu_publish(struct vcpu *v);
/**
 * struct vcpu_claim - the right to delete one vCPU: its slot and the slot's generation when
 * it was claimed. The slot may only be freed by the holder; should it be freed anyway
 * (a bug), the generation has moved on and every use of the claim is refused, so a
 * stale deleter never frees the slot's next vCPU.
 */
struct vcpu_claim {
	struct vcpu *v;
	uint64_t gen;
};

/**
 * vcpu_claim_vmsa - the published vCPU created from @vmsa_gpa, claimed for deletion by
 * @caller: SVSM_E_NOT_FOUND, SVSM_E_INVALID_REQUEST (itself) or SVSM_E_BUSY (another
 * deletion is under way) otherwise.
 */
enum svsm_err vcpu_claim_vmsa(gpa_t vmsa_gpa, const struct vcpu *caller,
			      struct vcpu_claim *out) SVSM_MUST_CHECK;
/** vcpu_claim_stale - @c's slot was freed since it was claimed (no lock; a hint in loops). */
bool vcpu_claim_stale(const struct vcpu_claim *c);
/** vcpu_claim_stopped - @c still holds its slot and the vCPU's loop has ended. */
bool vcpu_claim_stopped(const struct vcpu_claim *c);
/**
 * vcpu_unclaim - give up a deletion claim (the vCPU did not stop in time, or the platform
 * could not destroy it): withdraw the stop request, let others claim it. Nothing if stale.
 */
void vcpu_unclaim(const struct vcpu_claim *c);
/** vcpu_set_ca - move @v's calling area unless the page is another vCPU's CA or VMSA. */
enum svsm_err vcpu_set_ca(struct vcpu *v, gpa_t ca_gpa) SVSM_MUST_CHECK;
/** vcpu_release - return a vCPU's slot (never started, or stopped and claimed). */
void vcpu_release(struct vcpu *v);
/** vcpu_find_vmsa - the live vCPU created from @vmsa_gpa, or NULL. */
struct vcpu *vcpu_find_vmsa(gpa_t vmsa_gpa);
/** vcpu_find_apic - the live vCPU with @apic_id, or NULL. */
struct vcpu *vcpu_find_apic(uint32_t apic_id);
/** vcpu_uses_page - some live vCPU has @gpa as its VMSA or CA page. */
bool vcpu_uses_page(gpa_t gpa);

/**
 * vcpu_request_stop_all - ask every published vCPU but @self (and those a DELETE_VCPU is
 * stopping already) to stop, and kick it; under the table lock, so no vCPU's platform
 * state is freed meanwhile.
 */
void vcpu_request_stop_all(const struct vcpu *self);
/** vcpu_slot - the table slot @id (< VCPU_MAX), live or not, for walks over every vCPU. */
struct vcpu *vcpu_slot(unsigned id);
/** vcpu_calls_total - SVSM calls served by all vCPUs. */
uint64_t vcpu_calls_total(void);

/** vcpu_loop - run @v on this CPU until it stops (vcpu_loop.c). */
void vcpu_loop(struct vcpu *v);

/*
 * Guest vCPUs as the platform-neutral kernel sees them, and the vCPU table (vcpu.c):
 * identity, calling area, VMSA, deletion claims. Platform-private state hangs off @plat.
 * Creating, starting, stopping and deleting a vCPU is lifecycle.h; serving its calls is
 * call.h; vcpu_loop() runs it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define VCPU_MAX 64
#define VCPU_NO_VMSA UINT64_MAX

enum vcpu_state {
	VCPU_FREE = 0,
	VCPU_CREATING, /* claimed by vcpu_alloc(), not yet published: invisible to lookups */
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_STOPPING,
	VCPU_STOPPED,
};

struct vcpu {
	unsigned id;             /* index in the vCPU table */
	uint32_t apic_id;
	uint64_t ca_gpa;         /* calling area of this vCPU */
	uint64_t vmsa_gpa;       /* VMSA it was created from, VCPU_NO_VMSA for the boot vCPU */
	volatile enum vcpu_state state;
	volatile bool stop_request;
	bool deleting;           /* claimed by a DELETE_VCPU (under vcpu_lock) */
	uint64_t calls;          /* SVSM calls served */
	void *plat;              /* platform-private state */
};

/**
 * vcpu_alloc - claim a free slot for a vCPU in state VCPU_CREATING, atomically with the
 * checks that no live vCPU has @apic_id and that @ca_gpa and @vmsa_gpa are no live vCPU's
 * calling area or VMSA. NULL when one of them is taken or the table is full.
 */
struct vcpu *vcpu_alloc(uint32_t apic_id, uint64_t ca_gpa, uint64_t vmsa_gpa);
/** vcpu_publish - make a vCPU set up by its creator (plat set) visible and runnable. */
void vcpu_publish(struct vcpu *v);
/**
 * vcpu_claim_vmsa - the published vCPU created from @vmsa_gpa, claimed for deletion by
 * @caller: SVSM_E_NOT_FOUND, SVSM_E_INVALID_REQUEST (itself) or SVSM_E_BUSY (another
 * deletion is under way) otherwise.
 */
enum svsm_err vcpu_claim_vmsa(uint64_t vmsa_gpa, const struct vcpu *caller,
			      struct vcpu **out) SVSM_MUST_CHECK;
/** vcpu_unclaim - give up a deletion claim (the vCPU did not stop in time). */
void vcpu_unclaim(struct vcpu *v);
/** vcpu_set_ca - move @v's calling area unless the page is another vCPU's CA or VMSA. */
enum svsm_err vcpu_set_ca(struct vcpu *v, uint64_t ca_gpa) SVSM_MUST_CHECK;
/** vcpu_release - return a stopped vCPU's slot. */
void vcpu_release(struct vcpu *v);
/** vcpu_find_vmsa - the live vCPU created from @vmsa_gpa, or NULL. */
struct vcpu *vcpu_find_vmsa(uint64_t vmsa_gpa);
/** vcpu_find_apic - the live vCPU with @apic_id, or NULL. */
struct vcpu *vcpu_find_apic(uint32_t apic_id);
/** vcpu_uses_page - some live vCPU has @gpa as its VMSA or CA page. */
bool vcpu_uses_page(uint64_t gpa);

/** vcpu_slot - the table slot @id (< VCPU_MAX), live or not, for walks over every vCPU. */
struct vcpu *vcpu_slot(unsigned id);
/** vcpu_calls_total - SVSM calls served by all vCPUs. */
uint64_t vcpu_calls_total(void);

/** vcpu_loop - run @v on this CPU until it stops (vcpu_loop.c). */
void vcpu_loop(struct vcpu *v);

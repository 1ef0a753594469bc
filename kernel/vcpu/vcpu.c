/*
 * The vCPU table: which slots are live, their APIC IDs, calling areas and VMSAs, and who
 * is deleting whom. vcpu_lock guards every slot's identity (state changes between FREE,
 * CREATING and published, apic_id, ca_gpa, vmsa_gpa, deleting, gen); the running states
 * are written by the vCPU's own loop with atomics. Creation and deletion (lifecycle.c) and
 * the request loop (vcpu_loop.c, call.c) build on it; it calls nothing above mm/.
 */
#include "kernel/vcpu/vcpu.h"

#include <stddef.h>

#include "kernel/lib/spinlock.h"
#include "kernel/platform/platform.h"

static struct vcpu vcpus[VCPU_MAX];
static struct spinlock vcpu_lock = SPINLOCK_INIT;

static bool live(const struct vcpu *v)
{
	return v->state != VCPU_FREE;
}

/* The page is some live vCPU's CA or VMSA (other than @except). Lock held. */
/* @v was created from a VMSA (not the boot vCPU) and that VMSA page is @gpa. */
static bool vmsa_is(const struct vcpu *v, gpa_t gpa)
{
	return !gpa_eq(v->vmsa_gpa, VCPU_NO_VMSA) && gpa_eq(v->vmsa_gpa, gpa);
}

static bool page_taken(gpa_t gpa, const struct vcpu *except)
{
	for (unsigned i = 0; i < VCPU_MAX; i++) {
		const struct vcpu *o = &vcpus[i];

		if (o != except && live(o) &&
		    (gpa_eq(o->ca_gpa, gpa) || vmsa_is(o, gpa))) {
			return true;
		}
	}
	return false;
}

struct vcpu *vcpu_alloc(uint32_t apic_id, gpa_t ca_gpa, gpa_t vmsa_gpa)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	struct vcpu *found = NULL;
	bool conflict = (!gpa_eq(ca_gpa, VCPU_NO_CA) && page_taken(ca_gpa, NULL)) ||
			(!gpa_eq(vmsa_gpa, VCPU_NO_VMSA) && page_taken(vmsa_gpa, NULL));

	for (unsigned i = 0; i < VCPU_MAX && !conflict; i++) {
		conflict = live(&vcpus[i]) && vcpus[i].apic_id == apic_id;
	}
	for (unsigned i = 0; i < VCPU_MAX && !conflict && found == NULL; i++) {
		if (!live(&vcpus[i])) {
			found = &vcpus[i];
			*found = (struct vcpu){.id = i, .apic_id = apic_id, .ca_gpa = ca_gpa,
					       .vmsa_gpa = vmsa_gpa, .state = VCPU_CREATING,
					       .gen = found->gen};
		}
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return found;
}

void vcpu_publish(struct vcpu *v)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);

	if (v->state == VCPU_CREATING) {
		v->state = VCPU_RUNNABLE;
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
}

enum svsm_err vcpu_claim_vmsa(gpa_t vmsa_gpa, const struct vcpu *caller, struct vcpu_claim *out)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	enum svsm_err err = SVSM_E_NOT_FOUND;

	*out = (struct vcpu_claim){NULL, 0};
	for (unsigned i = 0; i < VCPU_MAX; i++) {
		struct vcpu *v = &vcpus[i];

		if (!live(v) || v->state == VCPU_CREATING || !gpa_eq(v->vmsa_gpa, vmsa_gpa) ||
		    gpa_eq(vmsa_gpa, VCPU_NO_VMSA)) {
			continue;
		}
		if (v == caller) {
			err = SVSM_E_INVALID_REQUEST; /* a vCPU cannot delete itself */
		} else if (v->deleting) {
			err = SVSM_E_BUSY;
		} else {
			v->deleting = true;
			*out = (struct vcpu_claim){v, v->gen};
			err = SVSM_OK;
		}
		break;
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return err;
}

bool vcpu_claim_stale(const struct vcpu_claim *c)
{
	return __atomic_load_n(&c->v->gen, __ATOMIC_ACQUIRE) != c->gen;
}

/* @c still holds its slot. Lock held. */
static bool claim_held(const struct vcpu_claim *c)
{
	return c->v->gen == c->gen && c->v->deleting && live(c->v);
}

bool vcpu_claim_stopped(const struct vcpu_claim *c)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	bool stopped = claim_held(c) && c->v->state == VCPU_STOPPED;

	spin_unlock_irqrestore(&vcpu_lock, flags);
	return stopped;
}

void vcpu_unclaim(const struct vcpu_claim *c)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);

	if (claim_held(c)) {
		__atomic_store_n(&c->v->stop_request, false, __ATOMIC_RELEASE);
		c->v->deleting = false;
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
}

enum svsm_err vcpu_set_ca(struct vcpu *v, gpa_t ca_gpa)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	enum svsm_err err = SVSM_OK;

	if (!gpa_eq(ca_gpa, v->ca_gpa) && page_taken(ca_gpa, v)) {
		err = SVSM_E_INVALID_PARAM;
	} else {
		v->ca_gpa = ca_gpa;
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return err;
}

void vcpu_release(struct vcpu *v)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);

	v->state = VCPU_FREE;
	__atomic_store_n(&v->gen, v->gen + 1, __ATOMIC_RELEASE); /* stale claims see it */
	spin_unlock_irqrestore(&vcpu_lock, flags);
}

struct vcpu *vcpu_find_vmsa(gpa_t vmsa_gpa)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	struct vcpu *found = NULL;

	for (unsigned i = 0; i < VCPU_MAX && found == NULL; i++) {
		if (live(&vcpus[i]) && vcpus[i].state != VCPU_CREATING &&
		    gpa_eq(vcpus[i].vmsa_gpa, vmsa_gpa)) {
			found = &vcpus[i];
		}
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return found;
}

struct vcpu *vcpu_find_apic(uint32_t apic_id)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	struct vcpu *found = NULL;

	for (unsigned i = 0; i < VCPU_MAX && found == NULL; i++) {
		if (live(&vcpus[i]) && vcpus[i].apic_id == apic_id) {
			found = &vcpus[i];
		}
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return found;
}

bool vcpu_uses_page(gpa_t gpa)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);
	bool used = false;

	for (unsigned i = 0; i < VCPU_MAX && !used; i++) {
		used = live(&vcpus[i]) &&
		       (gpa_eq(vcpus[i].vmsa_gpa, gpa) || gpa_eq(vcpus[i].ca_gpa, gpa));
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
	return used;
}

void vcpu_request_stop_all(const struct vcpu *self)
{
	uint64_t flags = spin_lock_irqsave(&vcpu_lock);

	for (unsigned i = 0; i < VCPU_MAX; i++) {
		struct vcpu *v = &vcpus[i];

		/*
		 * Under the lock no deleter can free v->plat meanwhile; a vCPU being deleted is
		 * being stopped by its deleter already.
		 */
		if (v != self && v->state != VCPU_FREE && v->state != VCPU_CREATING &&
		    v->state != VCPU_STOPPED && !v->deleting) {
			__atomic_store_n(&v->stop_request, true, __ATOMIC_RELEASE);
			plat_vcpu_kick(v);
		}
	}
	spin_unlock_irqrestore(&vcpu_lock, flags);
}

struct vcpu *vcpu_slot(unsigned id)
{
	return id < VCPU_MAX ? &vcpus[id] : NULL;
}

uint64_t vcpu_calls_total(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < VCPU_MAX; i++) {
		total += vcpus[i].calls;
	}
	return total;
}

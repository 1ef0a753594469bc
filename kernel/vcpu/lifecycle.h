/*
 * The life of a guest vCPU after boot (lifecycle.c): CREATE_VCPU and DELETE_VCPU as the
 * core protocol asks for them, and stopping every vCPU at the end of a run. Written once
 * for every platform; the platform only prepares and destroys its own state
 * (plat_vcpu_prepare(), plat_vcpu_destroy()) and kicks a running vCPU (plat_vcpu_kick()).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

struct vcpu;

/** How long DELETE_VCPU waits for the vCPU to stop before it answers SVSM_E_BUSY. */
#define VCPU_DELETE_TIMEOUT_US 2000000

/**
 * vcpu_create - CREATE_VCPU for @caller: a vCPU with calling area @ca_gpa from the
 * VMSA-format state at @vmsa_gpa, started on the CPU with @apic_id. The addresses are
 * already checked to be page-aligned guest RAM that does not overlap. The VMSA page
 * belongs to the SVSM until the vCPU is deleted.
 */
enum svsm_err vcpu_create(struct vcpu *caller, gpa_t vmsa_gpa, gpa_t ca_gpa,
			  uint32_t apic_id) SVSM_MUST_CHECK;

/**
 * vcpu_delete - DELETE_VCPU for @caller: stop the vCPU created from @vmsa_gpa, wait until
 * its loop has ended (SVSM_E_BUSY after VCPU_DELETE_TIMEOUT_US, the vCPU then runs on) and
 * forget it. SVSM_E_NOT_FOUND for no such vCPU, SVSM_E_INVALID_REQUEST for the caller
 * itself, SVSM_E_BUSY while another deletion of it is under way.
 */
/**
 * vcpu_start_sipi - the guest's SIPI with @vector reached APIC ID @apic_id, which waited
 * for it: create that vCPU (no calling area, no VMSA) in the SIPI state on the CPU with
 * the same APIC ID and start it. SVSM_E_EXISTS when it already runs, SVSM_E_BUSY when the
 * CPU still finishes a previous vCPU, SVSM_E_INVALID_PARAM for no such (or the boot) CPU.
 */
enum svsm_err vcpu_start_sipi(uint32_t apic_id, uint8_t vector) SVSM_MUST_CHECK;
enum svsm_err vcpu_delete(struct vcpu *caller, gpa_t vmsa_gpa) SVSM_MUST_CHECK;

/** vcpu_stop_all - ask every live vCPU but @self to stop; true once all have stopped. */
bool vcpu_stop_all(struct vcpu *self, uint64_t spins);

/**
 * enum vcpu_fault_point - where vcpu_fault_hook() is called, so that tests can open a
 * race window on purpose (pause a thread there, move a clock, run another call).
 * @VCPU_FAULT_PUBLISHED: CREATE_VCPU has published the vCPU and is about to start it.
 * @VCPU_FAULT_STOP_WAIT: DELETE_VCPU has asked the vCPU to stop and is about to wait.
 * @VCPU_FAULT_STOPPED:   DELETE_VCPU saw the vCPU stopped and is about to destroy it.
 */
enum vcpu_fault_point {
	VCPU_FAULT_PUBLISHED,
	VCPU_FAULT_STOP_WAIT,
	VCPU_FAULT_STOPPED,
};

/**
 * vcpu_fault_hook - called at each enum vcpu_fault_point with the vCPU concerned. The
 * kernel's definition is weak and empty; a test build links a strong one. Not a function
 * pointer: nothing in the running SVSM can redirect it.
 */
void vcpu_fault_hook(enum vcpu_fault_point point, struct vcpu *v);

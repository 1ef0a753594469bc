/*
 * The platform interface: everything the platform-neutral kernel needs from the way the
 * guest runs at lower privilege (native: VMRUN + NPT; SNP: VMPL2 + RMP). Protocol code
 * calls only these functions; one implementation is linked per build (platform/native,
 * platform/snp; platform/fake for host unit tests).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "kernel/platform/vm_exit.h"
#include "svsm/err.h"

struct vcpu;

/** struct svsm_call_regs - the registers of an SVSM call (spec 58019 register ABI). */
struct svsm_call_regs {
	uint64_t rax; /* in: protocol << 32 | call; out: result */
	uint64_t rcx;
	uint64_t rdx;
	uint64_t r8;
	uint64_t r9;
};

/** Outcomes of validating a guest page, with the SNP hardware's numbering. */
enum plat_pvalidate_result {
	PLAT_PVALIDATE_OK = 0,
	PLAT_PVALIDATE_FAIL_INPUT = 1,
	PLAT_PVALIDATE_FAIL_SIZEMISMATCH = 6,
	PLAT_PVALIDATE_NO_CHANGE = 0x10, /* RMP unchanged (SNP: CF=1) */
};

/** plat_name - "native" or "snp". */
const char *plat_name(void);

/**
 * plat_early_init - on the boot CPU right after boot_info, before mm_init(): SNP checks SEV
 * and the host, registers the boot GHCB and validates the SVSM's memory beyond the launch
 * image (the page allocator must not hand out unvalidated pages). No-op on native.
 */
enum svsm_err plat_early_init(void) SVSM_MUST_CHECK;

/** plat_init - detect and enable the platform on every online CPU. */
enum svsm_err plat_init(void) SVSM_MUST_CHECK;

/** enum plat_guest_source - where what the SVSM runs at lower privilege comes from. */
enum plat_guest_source {
	PLAT_GUEST_LOADED,   /* the kernel loads it (kernel/guest/: the test guest on native) */
	PLAT_GUEST_IN_IMAGE, /* firmware in the launch image, in place (SNP: IGVM + OVMF) */
};

/** enum plat_guest_mode - the CPU state a loaded guest starts in. */
enum plat_guest_mode {
	PLAT_GUEST_PM32,  /* 32-bit protected mode, flat, paging off (the test guest) */
	PLAT_GUEST_LONG64, /* the Linux 64-bit boot protocol: long mode, 4-level paging at
			    * @cr3 (identity), __BOOT_CS 0x10 / __BOOT_DS 0x18 from the GDT at
			    * @gdt_gpa, RSI = @rsi (boot_params), IF=0 */
	PLAT_GUEST_RESET, /* the x86 reset state: real mode, CS F000 base FFFF0000, IP FFF0
			   * (firmware at the reset vector; @entry unused) */
};

/**
 * struct plat_guest_start - boot state of a guest the kernel loaded (@mode), at @entry
 * with EBX = @rbx; calling area @ca_gpa (0: none).
 */
struct plat_guest_start {
	uint64_t entry; /* a register value (RIP), also a GPA while paging is off */
	uint64_t rbx;
	gpa_t ca_gpa;
	enum plat_guest_mode mode;
	uint64_t rsi;	/* PLAT_GUEST_LONG64 */
	uint64_t cr3;	/* PLAT_GUEST_LONG64 */
	gpa_t gdt_gpa;	/* PLAT_GUEST_LONG64: GDT base; limit gdt_limit */
	uint16_t gdt_limit;
};

/**
 * plat_guest_pass_io - let the guest reach ports [@first, @first + @count) directly, with
 * no exit (native: clear their IOPM bits). Set-up time only, before any vCPU runs; ports
 * the bus owns keep exiting. SVSM_E_UNSUPPORTED where the platform cannot (SNP).
 */
enum svsm_err plat_guest_pass_io(uint32_t first, uint32_t count) SVSM_MUST_CHECK;

/** plat_guest_source - where this platform's guest comes from (before any set-up). */
enum plat_guest_source plat_guest_source(void);

/**
 * plat_guest_prepare - after the guest RAM map is set (kernel/guest/ram_map.c): protect
 * the SVSM from the guest (native: nested page tables, I/O and MSR permission maps, PCI
 * bus mastering off) and say where the guest comes from. SVSM_E_NOT_FOUND: no guest.
 */
enum svsm_err plat_guest_prepare(enum plat_guest_source *source) SVSM_MUST_CHECK;

/** plat_guest_prevalidate - pages the kernel wrote for a loaded guest start validated. */
void plat_guest_prevalidate(gpa_t gpa, uint64_t size);

/**
 * plat_guest_trap_mmio - make every guest access to [@gpa, @gpa + @size) exit to the kernel
 * as an MMIO exit (native: the range is left out of the nested page tables). kernel/guest/
 * calls it for each range a device registered on the bus, after plat_guest_prepare().
 * SNP: no-op (a VMPL2 guest's MMIO is its own #VC business with the host; the SVSM owns
 * no device there yet).
 */
enum svsm_err plat_guest_trap_mmio(gpa_t gpa, uint64_t size) SVSM_MUST_CHECK;

/**
 * plat_guest_map_ro - map guest-physical [@gpa, @gpa + @size) read-only (and executable)
 * to host-physical [@pa, ...): guest reads run without an exit, writes exit as MMIO to the
 * range's owner on the bus (firmware flash: docs/uefi-vars.md). Page-aligned.
 * plat_guest_unmap - every guest access to the range exits from now on; returns once no
 * CPU can still use an older translation (nested TLBs flushed).
 * Native only; SNP: SVSM_E_UNSUPPORTED (the guest's memory is its own there).
 */
enum svsm_err plat_guest_map_ro(gpa_t gpa, uint64_t size, paddr_t pa) SVSM_MUST_CHECK;
enum svsm_err plat_guest_unmap(gpa_t gpa, uint64_t size) SVSM_MUST_CHECK;

/**
 * plat_launch_guest - create the boot vCPU and return it in @bsp: from @start for a
 * loaded guest, from the launch image's firmware when @start is NULL.
 */
enum svsm_err plat_launch_guest(const struct plat_guest_start *start,
				struct vcpu **bsp) SVSM_MUST_CHECK;

/**
 * plat_run_vcpu - enter the guest on this CPU until the next exit the kernel must see and
 * describe it in @exit. Platforms translate the hardware's exit and do nothing else.
 */
void plat_run_vcpu(struct vcpu *v, struct vm_exit *exit);

/** plat_vcpu_reg - the current value of guest register @reg of @v (on @v's CPU). */
uint64_t plat_vcpu_reg(struct vcpu *v, enum vm_reg reg);

/** plat_vcpu_set_reg - set guest register @reg of @v (on @v's CPU). */
void plat_vcpu_set_reg(struct vcpu *v, enum vm_reg reg, uint64_t value);

/**
 * plat_vcpu_inject - deliver exception @vector (with @error when @has_error) to @v at its
 * next entry, instead of completing the exiting instruction.
 */
void plat_vcpu_inject(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);

/** plat_call_regs - read (@write false) or write back (@write true) the call registers. */
void plat_call_regs(struct vcpu *v, struct svsm_call_regs *regs, bool write);

struct guest_mem_claim;

/**
 * plat_pvalidate - validate or invalidate one guest page for the guest: the range @page
 * claims (4 KiB or 2 MiB), which guest_mem keeps from becoming a VMSA page meanwhile. Pages
 * newly validated are zeroed (guest_mem_claim_zero()). Returns SVSM_OK with @result set,
 * or an error for an address the guest may not validate.
 */
enum svsm_err plat_pvalidate(const struct guest_mem_claim *page, bool validate,
			     enum plat_pvalidate_result *result) SVSM_MUST_CHECK;

/**
 * plat_vcpu_prepare - the platform's part of CREATE_VCPU (kernel/vcpu/lifecycle.c): copy
 * and check the VMSA-format state at @v->vmsa_gpa (the page is already protected in
 * guest_mem) against @caller's sev_features, make the page the vCPU's (native: read-only
 * in the NPT; SNP: VMSA bit, registered with the host for @v->apic_id) and set @v->plat
 * to run it on CPU @cpu. SVSM_E_INVALID_PARAM for state the platform refuses; on any
 * failure nothing is held.
 */
enum svsm_err plat_vcpu_prepare(struct vcpu *caller, struct vcpu *v, unsigned cpu) SVSM_MUST_CHECK;

/**
 * plat_vcpu_destroy - undo plat_vcpu_prepare() for @v, which is not running (never
 * started, or its loop has ended): give the VMSA page back and free @v->plat. On failure
 * (the host refused) @v keeps its state and the caller may try again.
 */
enum svsm_err plat_vcpu_destroy(struct vcpu *v) SVSM_MUST_CHECK;

/** plat_vcpu_kick - make @v leave the guest soon (it then sees its stop request). */
void plat_vcpu_kick(struct vcpu *v);

/**
 * plat_guest_irqs_own - from now on the guest's vCPUs own the physical interrupts of the
 * CPUs they run on: vectors >= 32 that are not the SVSM's become pending for the vCPU and
 * are injected (docs/paravisor.md "Interrupts and SMP"). Called once at launch for
 * OS guests (kernel/devices/lapic.c); SVSM_E_UNSUPPORTED where the platform cannot.
 */
enum svsm_err plat_guest_irqs_own(void) SVSM_MUST_CHECK;

/** plat_vcpu_irq_pending - @v (on this CPU) has an interrupt to take: do not halt. */
bool plat_vcpu_irq_pending(struct vcpu *v);

/**
 * plat_vcpu_prepare_sipi - like plat_vcpu_prepare() for a vCPU the guest starts with
 * INIT-SIPI-SIPI: no VMSA page; fresh state as after a SIPI with @vector (real mode,
 * CS = @vector << 8, IP 0), to run on CPU @cpu.
 */
enum svsm_err plat_vcpu_prepare_sipi(struct vcpu *v, unsigned cpu,
				     uint8_t vector) SVSM_MUST_CHECK;

/**
 * plat_vcpu_reset_sipi - on @v's own CPU: put the running vCPU @v into the state after
 * INIT and a SIPI with @vector (the guest restarts an AP it has parked, as OVMF's MpInitLib
 * does for every AP task). Platforms without OS guests ignore it.
 */
void plat_vcpu_reset_sipi(struct vcpu *v, uint8_t vector);

struct snp_attestation_report;

/**
 * plat_attest_report - the platform's evidence binding @report_data (SNP: an AMD-signed
 * report from a guest request; native: a report signed by the SVSM's own key, marked as
 * not hardware-rooted).
 */
enum svsm_err plat_attest_report(const uint8_t report_data[64],
				 struct snp_attestation_report *out) SVSM_MUST_CHECK;

/** plat_sev_features - the caller's sev_features (0 on native). */
uint64_t plat_sev_features(struct vcpu *v);

/**
 * plat_panic_hook - first thing panic() does, before anything is printed: SNP wipes every
 * VMPCK copy so that no later output path or host action can leak them. Must not block,
 * take locks, print or fault. No-op on native.
 */
void plat_panic_hook(void);

/**
 * plat_vector_state_release - library code is about to use the vector unit on this CPU
 * (services_run()): save whatever vector state of a guest is still live in the registers
 * and leave the SVSM's own XCR0 and a clean state. Native: the lazy SVM switch keeps the
 * guest's state live after #VMEXIT (svm_fpu_release()). SNP: no-op, the guest's registers
 * live in its VMSA, which the hardware swaps on every VMPL switch. Interrupts are off.
 */
void plat_vector_state_release(void);

struct percpu;

/**
 * plat_ap_start - start the AP with APIC ID @apic_id so that it runs ap_main(@pc) on
 * @pc's kernel stack (already allocated) and wait until it is online. Native: the
 * trampoline and INIT-SIPI-SIPI; SNP: a VMPL0 VMSA and AP_CREATION.
 */
bool plat_ap_start(struct percpu *pc, uint32_t apic_id);

struct trap_frame;

/**
 * plat_handle_vc - the #VC exception (vector 29) of the SVSM itself: true when handled
 * (the frame was updated to resume after the instruction). Native has no #VC: false.
 */
bool plat_handle_vc(struct trap_frame *frame);

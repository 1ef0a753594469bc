/*
 * The native platform: the SVSM is the hypervisor of its guest. It runs the guest with
 * VMRUN under nested paging (npt.c maps guest RAM and MMIO, never SVSM memory), intercepts
 * VMMCALL (SVSM calls), HLT, INVD and WBINVD, shutdown, interrupts, NMIs, the SVM instructions, every
 * port but COM1 and every MSR it does not switch, and translates each exit into struct
 * vm_exit for the dispatcher in kernel/vcpu/exit.c; it emulates nothing itself. Launch-time
 * state (permission maps) is written on the BSP before any vCPU runs.
 */
#include "kernel/platform/native/native.h"

#include <stddef.h>
#include <string.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/arch/x86_64/xsave.h"
#include "kernel/drivers/pci.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/native/validation.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"

#define IOPM_ORDER 2   /* 12 KiB used of 16 KiB */
#define MSRPM_ORDER 1  /* 8 KiB */
#define GPAT_DEFAULT 0x0007040600070406ull
#define COM1_PORT 0x3f8u
#define CS_ATTR_L (1u << 9)  /* VMCB segment attributes: long-mode code */
#define CS_ATTR_DB (1u << 10)

static paddr_t iopm_pa, msrpm_pa;

const char *plat_name(void)
{
	return "native";
}

/* ---- initialisation ---------------------------------------------------------------- */

static volatile enum svsm_err ap_init_err;

bool plat_ap_start(struct percpu *pc, uint32_t apic_id)
{
	return smp_start_ap_sipi(pc, apic_id);
}

static void svm_init_on_ap(void *arg)
{
	(void)arg;
	ap_init_err = svm_cpu_init();
}

enum svsm_err plat_init(void)
{
	const char *why = "";
	enum svsm_err err;

	if (!svm_supported(&why)) {
		pr_host_err("native: %s; the native platform needs AMD-V with nested paging "
		       "(QEMU: -cpu max)\n", why);
		return SVSM_E_UNSUPPORTED;
	}
	err = svm_cpu_init();
	for (unsigned cpu = 1; err == SVSM_OK && cpu < smp_cpu_count(); cpu++) {
		if (!smp_run_on(cpu, svm_init_on_ap, NULL)) {
			return SVSM_E_IO;
		}
		err = ap_init_err;
	}
	if (err != SVSM_OK) {
		return err;
	}
	pr_info("native: SVM with nested paging on %u CPUs, %u ASIDs\n", smp_cpu_count(),
		svm_asid_count());
	return SVSM_OK;
}

/* ---- permission maps and VMCBs ------------------------------------------------------ */

static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
	uint32_t base;

	if (msr <= 0x1fff) {
		base = 0;
	} else if (msr >= 0xc0000000 && msr <= 0xc0001fff) {
		base = 0x800 * 8;
		msr -= 0xc0000000;
	} else {
		base = 0x1000 * 8;
		msr -= 0xc0010000;
	}
	pm[(base + msr * 2) / 8] &= (uint8_t)~(3u << ((msr * 2) % 8));
}

static void iopm_allow(uint8_t *pm, unsigned port)
{
	pm[port / 8] &= (uint8_t)~(1u << (port % 8));
}

/*
 * Deny by default. Every port and MSR exits unless listed here:
 * - ports: the COM1 UART the test guest writes its results to. Everything else would give
 *   the guest shared machine state: the legacy PIC (vectors below 32 would reach the SVSM as
 *   exceptions), the A20 gate and reset ports, PCI configuration space (bus mastering),
 *   fw_cfg (its DMA interface writes anywhere), the PM control register, isa-debug-exit.
 * - MSRs: those VMLOAD/VMSAVE switch per guest (FS/GS bases, syscall and sysenter MSRs),
 *   and TSC_AUX, which the SVSM never uses (no RDTSCP/RDPID): the guest's RDTSCP reads it
 *   from the hardware, so its WRMSR must reach the hardware too.
 *   Every other MSR exits to kernel/vcpu/msr.c (EFER, PAT, the TSC, the APIC base, the
 *   SVM MSRs and MSR_SVSM_CAA are emulated there; any other MSR raises #GP in the guest).
 */
static enum svsm_err setup_permission_maps(void)
{
	static const uint32_t switched_msrs[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
		MSR_TSC_AUX_PASSED,
	};
	uint8_t *iopm, *msrpm;

	iopm_pa = page_alloc_get(IOPM_ORDER, PAGE_OWNER_KERNEL);
	msrpm_pa = page_alloc_get(MSRPM_ORDER, PAGE_OWNER_KERNEL);
	if (pa_is_null(iopm_pa) || pa_is_null(msrpm_pa)) {
		return SVSM_E_NOMEM;
	}
	iopm = phys_to_virt(iopm_pa);
	msrpm = phys_to_virt(msrpm_pa);
	memset(iopm, 0xff, MM_PAGE_SIZE << IOPM_ORDER);
	memset(msrpm, 0xff, MM_PAGE_SIZE << MSRPM_ORDER);
	for (unsigned port = COM1_PORT; port < COM1_PORT + 8; port++) {
		iopm_allow(iopm, port);
	}
	for (unsigned i = 0; i < sizeof(switched_msrs) / sizeof(switched_msrs[0]); i++) {
		msrpm_allow(msrpm, switched_msrs[i]);
	}
	return SVSM_OK;
}

void native_vmcb_init_control(struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;

	c->intercept_misc1 = VMCB_INTERCEPT_INTR | VMCB_INTERCEPT_NMI | VMCB_INTERCEPT_HLT |
			     VMCB_INTERCEPT_IOIO | VMCB_INTERCEPT_MSR | VMCB_INTERCEPT_SHUTDOWN |
			     VMCB_INTERCEPT_INVD | VMCB_INTERCEPT_CPUID;
	c->intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL | VMCB_INTERCEPT_VMLOAD |
			     VMCB_INTERCEPT_VMSAVE | VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI |
			     VMCB_INTERCEPT_SKINIT | VMCB_INTERCEPT_WBINVD;
	c->iopm_base_pa = pa_addr(iopm_pa);
	c->msrpm_base_pa = pa_addr(msrpm_pa);
	c->asid = NATIVE_ASID;
	c->tlb_control = SVM_TLB_FLUSH_ALL;
	/*
	 * V_INTR_MASKING=0: a physical interrupt exits (INTR intercept) only when the guest
	 * can take it, and the guest's own IF/TPR govern delivery (docs/paravisor.md
	 * "Interrupts and SMP"). NMIs always exit (kicks).
	 */
	c->int_ctl = 0;
	c->nested_ctl = SVM_NP_ENABLE;
	c->nested_cr3 = pa_addr(native_npt.root);
	vmcb->save.g_pat = GPAT_DEFAULT;
}

/* ---- launching the guest ------------------------------------------------------------- */

enum plat_guest_source plat_guest_source(void)
{
	return PLAT_GUEST_LOADED;
}

enum svsm_err plat_guest_prepare(enum plat_guest_source *source)
{
	enum svsm_err err = validation_init(GPA_C(0), gpa_init(boot_info_ram_top()));

	if (err == SVSM_OK) {
		err = native_npt_init();
	}
	if (err == SVSM_OK) {
		err = setup_permission_maps();
	}
	if (err == SVSM_OK) {
		pr_info("native: bus mastering turned off on %u PCI functions\n",
			pci_disable_bus_mastering());
	}
	*source = PLAT_GUEST_LOADED; /* the test guest (kernel/guest/test_guest.c) */
	return err;
}

void plat_guest_prevalidate(gpa_t gpa, uint64_t size)
{
	validation_prevalidate(gpa, size);
}

/* Registers every start mode shares: the descriptor tables' defaults, debug registers. */
static void init_common_state(struct vmcb_save *s)
{
	s->gdtr = (struct vmsa_seg){0, 0, 0, 0};
	s->idtr = (struct vmsa_seg){0, 0, 0, 0};
	s->ldtr = (struct vmsa_seg){0, 0x82, 0xffff, 0};
	s->tr = (struct vmsa_seg){0, 0x8b, 0xffff, 0};
	s->rflags = 2;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
}

/* 32-bit protected mode, flat segments, paging off: the guest sets up the rest. */
static void init_pm32_state(struct vmcb_save *s, uint64_t entry)
{
	const struct vmsa_seg code = {0x08, 0xc9b, 0xffffffff, 0};
	const struct vmsa_seg data = {0x10, 0xc93, 0xffffffff, 0};

	s->cs = code;
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->cr0 = CR0_PE | CR0_ET;
	s->efer = EFER_SVME;
	s->rip = entry;
}

/* The Linux 64-bit boot protocol (Documentation/x86/boot.rst "64-bit BOOT PROTOCOL"). */
static void init_long64_state(struct vmcb_save *s, const struct plat_guest_start *start)
{
	const struct vmsa_seg code = {0x10, 0x29b, 0xffffffff, 0}; /* __BOOT_CS, L=1 */
	const struct vmsa_seg data = {0x18, 0xc93, 0xffffffff, 0}; /* __BOOT_DS */

	s->cs = code;
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = (struct vmsa_seg){0, 0, start->gdt_limit, gpa_addr(start->gdt_gpa)};
	s->cr0 = CR0_PE | CR0_ET | CR0_PG | CR0_WP | CR0_NE | CR0_MP;
	s->cr3 = start->cr3;
	s->cr4 = CR4_PAE;
	s->efer = EFER_SVME | EFER_LME | EFER_LMA;
	s->rip = start->entry;
}

/* The x86 reset state (APM vol. 2 "Processor Initialization State"), as firmware expects. */
static void init_reset_state(struct vmcb_save *s)
{
	const struct vmsa_seg code = {0xf000, 0x9b, 0xffff, 0xffff0000};
	const struct vmsa_seg data = {0, 0x93, 0xffff, 0};

	s->cs = code;
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = (struct vmsa_seg){0, 0, 0xffff, 0};
	s->idtr = (struct vmsa_seg){0, 0, 0xffff, 0};
	s->cr0 = CR0_ET | CR0_CD | CR0_NW;
	s->efer = EFER_SVME; /* the guest's view of EFER hides SVME (vcpu/msr.c) */
	s->rip = 0xfff0;
}

enum svsm_err plat_launch_guest(const struct plat_guest_start *start, struct vcpu **bsp)
{
	struct native_vcpu *nv;
	struct vcpu *v;

	if (start == NULL) {
		return SVSM_E_NOT_FOUND; /* native has no firmware in its launch image */
	}
	nv = native_vcpu_new();
	v = nv == NULL ? NULL : vcpu_alloc(percpu_area[0].apic_id, start->ca_gpa, VCPU_NO_VMSA);
	if (v == NULL) {
		return SVSM_E_NOMEM;
	}
	init_common_state(&nv->vmcb->save);
	switch (start->mode) {
	case PLAT_GUEST_LONG64:
		init_long64_state(&nv->vmcb->save, start);
		nv->gprs.rsi = start->rsi;
		break;
	case PLAT_GUEST_RESET:
		init_reset_state(&nv->vmcb->save);
		nv->gprs.rdx = 0x600; /* EDX at reset: family/model/stepping, as firmware reads it */
		break;
	case PLAT_GUEST_PM32:
	default:
		init_pm32_state(&nv->vmcb->save, start->entry);
		break;
	}
	nv->gprs.rbx = start->rbx;
	nv->pcpu = 0;
	v->plat = nv;
	*bsp = v;
	return SVSM_OK;
}

enum svsm_err plat_guest_pass_io(uint32_t first, uint32_t count)
{
	uint8_t *iopm;

	if (pa_is_null(iopm_pa)) {
		return SVSM_E_INVALID_PARAM; /* before plat_guest_prepare() */
	}
	if (count == 0 || first > 0xffff || count > 0x10000 - first) {
		return SVSM_E_INVALID_PARAM;
	}
	iopm = phys_to_virt(iopm_pa);
	for (uint32_t port = first; port < first + count; port++) {
		iopm_allow(iopm, port);
	}
	return SVSM_OK;
}

/* ---- running: hardware exit -> struct vm_exit ----------------------------------------- */

static void translate_ioio(struct vmcb *vmcb, struct vm_exit *e)
{
	uint64_t info = vmcb->control.exit_info_1;

	e->kind = VM_EXIT_IO;
	e->insn_len = (uint8_t)(vmcb->control.exit_info_2 - vmcb->save.rip); /* next RIP */
	e->u.io = (struct vm_exit_io){
		.port = SVM_IOIO_PORT(info),
		.size = (info & SVM_IOIO_SZ32) ? 4 : (info & SVM_IOIO_SZ16) ? 2 : 1,
		.in = (info & SVM_IOIO_IN) != 0,
		.string = (info & SVM_IOIO_STR) != 0,
		.rep = (info & SVM_IOIO_REP) != 0,
	};
}

/*
 * A write fault on a VMSA page that another CPU has just given back (DELETE_VCPU made it
 * writable after this vCPU's write faulted) is resolved: the guest retries the write.
 */
static bool npf_resolved(gpa_t gpa, uint64_t info)
{
	return (info & (SVM_NPF_PRESENT | SVM_NPF_WRITE)) == (SVM_NPF_PRESENT | SVM_NPF_WRITE) &&
	       guest_mem_valid(gpa, 1) && !guest_mem_is_protected(gpa, 1) &&
	       native_npt_writable(gpa);
}

static void translate_npf(struct vmcb *vmcb, struct vm_exit *e)
{
	gpa_t gpa = gpa_init(vmcb->control.exit_info_2); /* the faulting GPA, decoded once */
	uint64_t info = vmcb->control.exit_info_1;
	struct vm_exit_mmio *m = &e->u.mmio;
	bool long_mode = (vmcb->save.efer & EFER_LMA) != 0 && (vmcb->save.cs.attrib & CS_ATTR_L);

	if (npf_resolved(gpa, info)) {
		e->kind = VM_EXIT_NONE;
		return;
	}
	e->kind = VM_EXIT_MMIO;
	m->gpa = gpa;
	m->access = (info & SVM_NPF_WRITE) ? VM_ACCESS_WRITE :
		    (info & SVM_NPF_FETCH) ? VM_ACCESS_FETCH : VM_ACCESS_READ;
	m->present = (info & SVM_NPF_PRESENT) != 0;
	m->cpu_mode = long_mode ? 8 : (vmcb->save.cs.attrib & CS_ATTR_DB) ? 4 : 2;
	/* Decode assists, where the CPU has them (QEMU TCG does not: insn_len stays 0). */
	m->insn_len = vmcb->control.insn_len <= sizeof(m->insn_bytes) ? vmcb->control.insn_len : 0;
	memcpy(m->insn_bytes, vmcb->control.insn_bytes, m->insn_len);
}

static struct native_vcpu *nv_of(struct vcpu *v)
{
	return v->plat;
}

static void translate(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *e)
{
	uint64_t code = vmcb->control.exit_code;

	switch (code) {
	case SVM_EXIT_VMMCALL:
		e->kind = VM_EXIT_SVSM_CALL;
		e->insn_len = 3;
		break;
	case SVM_EXIT_HLT:
		e->kind = VM_EXIT_HLT;
		e->insn_len = 1;
		vmcb->control.int_state &= ~SVM_INT_SHADOW; /* HLT completes: STI's shadow ends */
		break;
	case SVM_EXIT_INTR:
		/*
		 * Take the pending interrupt in a one-instruction window; trap.c treats every
		 * vector but the SVSM's taken here as the guest's (pending, injected next run).
		 */
		this_cpu()->in_irq_window = true;
		__asm__ volatile("sti; nop; cli" ::: "memory");
		this_cpu()->in_irq_window = false;
		break;
	case SVM_EXIT_VINTR:
		e->kind = VM_EXIT_INTR_WINDOW; /* plat_run_vcpu injects on the next entry */
		break;
	case SVM_EXIT_NMI:
		break; /* delivered to the host after STGI */
	case SVM_EXIT_IOIO:
		translate_ioio(vmcb, e);
		break;
	case SVM_EXIT_MSR:
		e->kind = VM_EXIT_MSR;
		e->insn_len = 2;
		e->u.msr = (struct vm_exit_msr){(uint32_t)nv_of(v)->gprs.rcx,
						vmcb->control.exit_info_1 != 0,
						(uint32_t)vmcb->save.rax | nv_of(v)->gprs.rdx << 32};
		break;
	case SVM_EXIT_CPUID:
		e->kind = VM_EXIT_CPUID;
		e->insn_len = 2;
		e->u.cpuid = (struct vm_exit_cpuid){(uint32_t)vmcb->save.rax,
						    (uint32_t)nv_of(v)->gprs.rcx};
		break;
	case SVM_EXIT_NPF:
		translate_npf(vmcb, e);
		break;
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD: /* QEMU up to 8.0 reports a guest INVD as this exit */
		e->kind = VM_EXIT_INVD;
		e->insn_len = 2;
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
		e->kind = VM_EXIT_UD; /* no nested SVM for the guest */
		break;
	case SVM_EXIT_SHUTDOWN:
		e->kind = VM_EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_INVALID:
		pr_err("native: vCPU %u: VMRUN refused the guest state\n", v->id);
		e->kind = VM_EXIT_STOP;
		break;
	default:
		e->kind = VM_EXIT_UNKNOWN;
		break;
	}
}

/*
 * Before VMRUN (interrupts off): inject this CPU's highest pending guest vector when the
 * guest can take it now (IF=1, no shadow, no other event being injected); when it cannot,
 * or more remain, ask for an interrupt window (V_IRQ + VINTR intercept).
 */
static void inject_pending_irq(struct vmcb *vmcb)
{
	struct percpu *pc = this_cpu();
	struct vmcb_control *c = &vmcb->control;
	int vector = -1;

	c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO(0xf));
	c->intercept_misc1 &= ~VMCB_INTERCEPT_VINTR;
	if (!pc->guest_irqs) {
		return;
	}
	vector = intc_pending_highest(&pc->guest_pending);
	if (vector < 0) {
		return;
	}
	if ((c->event_inj & SVM_EVTINJ_VALID) == 0 && (vmcb->save.rflags & RFLAGS_IF) != 0 &&
	    (c->int_state & SVM_INT_SHADOW) == 0) {
		intc_pending_clear(&pc->guest_pending, (uint32_t)vector);
		c->event_inj = (uint32_t)vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
		if (!intc_pending_any(&pc->guest_pending)) {
			return;
		}
	}
	c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO(0xf);
	c->intercept_misc1 |= VMCB_INTERCEPT_VINTR;
}

static bool guest_irqs_owned;

enum svsm_err plat_guest_irqs_own(void)
{
	__atomic_store_n(&guest_irqs_owned, true, __ATOMIC_RELEASE);
	return SVSM_OK;
}

bool plat_vcpu_irq_pending(struct vcpu *v)
{
	(void)v; /* runs on @v's CPU */
	return this_cpu()->guest_irqs && intc_pending_any(&this_cpu()->guest_pending);
}

/*
 * An event whose delivery the exit interrupted (e.g. by a #NPF on the IDT or the stack)
 * is delivered again. Not INTn, INT3 or INTO: without NRIPS their RIP is still the
 * instruction, which simply runs again.
 */
static uint64_t reinjected_event(uint64_t info)
{
	uint32_t type = (uint32_t)(info >> 8) & 7;
	uint32_t vector = (uint32_t)info & 0xff;

	if ((info & SVM_EVTINJ_VALID) == 0 || type == 4 ||
	    (type == 3 && (vector == 3 || vector == 4))) {
		return 0;
	}
	return info;
}

void plat_run_vcpu(struct vcpu *v, struct vm_exit *e)
{
	struct native_vcpu *nv = v->plat;
	struct vmcb *vmcb = nv->vmcb;

	irq_disable();
	if (__atomic_load_n(&guest_irqs_owned, __ATOMIC_ACQUIRE)) {
		this_cpu()->guest_irqs = true; /* this CPU's vectors are its vCPU's from now */
	}
	inject_pending_irq(vmcb);
	native_npt_enter(vmcb);
	svm_run(pa_addr(nv->vmcb_pa), &nv->gprs, &nv->fpu);
	native_npt_leave();
	vmcb->control.tlb_control = 0;
	vmcb->control.event_inj = reinjected_event(vmcb->control.exit_int_info);
	*e = (struct vm_exit){.kind = VM_EXIT_NONE, .hw_code = vmcb->control.exit_code,
			      .hw_info1 = vmcb->control.exit_info_1,
			      .hw_info2 = vmcb->control.exit_info_2};
	translate(v, vmcb, e);
}

/* ---- guest registers ------------------------------------------------------------------ */

static uint64_t *gpr(struct native_vcpu *nv, enum vm_reg reg)
{
	struct guest_gprs *g = &nv->gprs;
	uint64_t *const regs[] = {
		[VM_REG_RAX] = &nv->vmcb->save.rax, [VM_REG_RCX] = &g->rcx,
		[VM_REG_RDX] = &g->rdx,	[VM_REG_RBX] = &g->rbx,
		[VM_REG_RSP] = &nv->vmcb->save.rsp, [VM_REG_RBP] = &g->rbp,
		[VM_REG_RSI] = &g->rsi,	[VM_REG_RDI] = &g->rdi,
		[VM_REG_R8] = &g->r8,	[VM_REG_R9] = &g->r9,
		[VM_REG_R10] = &g->r10,	[VM_REG_R11] = &g->r11,
		[VM_REG_R12] = &g->r12,	[VM_REG_R13] = &g->r13,
		[VM_REG_R14] = &g->r14,	[VM_REG_R15] = &g->r15,
		[VM_REG_RIP] = &nv->vmcb->save.rip, [VM_REG_EFER] = &nv->vmcb->save.efer,
		[VM_REG_PAT] = &nv->vmcb->save.g_pat,
		[VM_REG_TSC_OFFSET] = &nv->vmcb->control.tsc_offset,
		[VM_REG_CR0] = &nv->vmcb->save.cr0, [VM_REG_CR3] = &nv->vmcb->save.cr3,
		[VM_REG_CR4] = &nv->vmcb->save.cr4, [VM_REG_CS_BASE] = &nv->vmcb->save.cs.base,
		[VM_REG_CPL] = NULL, /* a byte in the VMCB: plat_vcpu_reg() */
		[VM_REG_XCR0] = &nv->fpu.xcr0, /* when not live: plat_vcpu_reg() */
		[VM_REG_RFLAGS] = &nv->vmcb->save.rflags,
		[VM_REG_DS_BASE] = &nv->vmcb->save.ds.base,
		[VM_REG_ES_BASE] = &nv->vmcb->save.es.base,
	};

	CHECK((unsigned)reg < VM_REG_COUNT);
	return regs[reg];
}

uint64_t plat_vcpu_reg(struct vcpu *v, enum vm_reg reg)
{
	struct native_vcpu *nv = v->plat;

	if (reg == VM_REG_CPL) {
		return nv->vmcb->save.cpl;
	}
	if (reg == VM_REG_XCR0) {
		/* Guest XSETBV is not intercepted: while its vector state is live on this CPU
		 * the hardware holds the guest's XCR0 (svm.c). */
		return svm_fpu_live(&nv->fpu) ? xsave_get_xcr0() : nv->fpu.xcr0;
	}
	return *gpr(nv, reg);
}

void plat_vcpu_set_reg(struct vcpu *v, enum vm_reg reg, uint64_t value)
{
	struct native_vcpu *nv = v->plat;

	if (reg == VM_REG_CPL) {
		nv->vmcb->save.cpl = (uint8_t)(value & 3);
		return;
	}
	if (reg == VM_REG_XCR0) {
		return; /* read-only: the guest sets it with XSETBV */
	}
	*gpr(nv, reg) = value;
}

void plat_vcpu_inject(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	struct native_vcpu *nv = v->plat;

	nv->vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_EXCP | SVM_EVTINJ_VALID |
				      (has_error ? SVM_EVTINJ_EV | ((uint64_t)error << 32) : 0);
}

void plat_call_regs(struct vcpu *v, struct svsm_call_regs *regs, bool write)
{
	struct native_vcpu *nv = v->plat;

	if (write) {
		nv->vmcb->save.rax = regs->rax;
		nv->gprs.rcx = regs->rcx;
		nv->gprs.rdx = regs->rdx;
		nv->gprs.r8 = regs->r8;
		nv->gprs.r9 = regs->r9;
	} else {
		*regs = (struct svsm_call_regs){nv->vmcb->save.rax, nv->gprs.rcx, nv->gprs.rdx,
						nv->gprs.r8, nv->gprs.r9};
	}
}

enum svsm_err plat_pvalidate(const struct guest_mem_claim *page, bool validate,
			     enum plat_pvalidate_result *result)
{
	*result = validation_apply(page->gpa, page->len == MM_LARGE_PAGE_SIZE, validate);
	/* Pages validated for the guest start zeroed (against host remapping attacks). */
	if (*result == PLAT_PVALIDATE_OK && validate) {
		return guest_mem_claim_zero(page);
	}
	return SVSM_OK;
}

uint64_t plat_sev_features(struct vcpu *v)
{
	(void)v;
	return 0;
}

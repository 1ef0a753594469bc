/*
 * The native platform's vCPUs: their state (struct native_vcpu: a VMCB, the general and
 * vector registers, the physical CPU) and the platform part of CREATE_VCPU and
 * DELETE_VCPU (kernel/vcpu/lifecycle.c does the rest). A new vCPU's state comes from a
 * VMSA-format page in guest memory, copied once and checked (VMPL, EFER.SVME,
 * sev_features, and the register consistency rules VMRUN enforces), then loaded into a
 * fresh VMCB. While the vCPU lives its VMSA page is read-only to the guest (NPT) and never
 * written by the SVSM, as the RMP VMSA bit makes it on SNP.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/native/native.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"

struct native_vcpu *native_vcpu_new(void)
{
	struct native_vcpu *nv = heap_calloc(1, sizeof(*nv));

	if (nv == NULL) {
		return NULL;
	}
	nv->vmcb_pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	if (pa_is_null(nv->vmcb_pa)) {
		heap_free(nv);
		return NULL;
	}
	nv->vmcb = phys_to_virt(nv->vmcb_pa);
	if (vcpu_fpu_init(&nv->fpu) != SVSM_OK) {
		page_alloc_put(nv->vmcb_pa);
		heap_free(nv);
		return NULL;
	}
	native_vmcb_init_control(nv->vmcb);
	return nv;
}

void native_vcpu_free(struct native_vcpu *nv)
{
	vcpu_fpu_free(&nv->fpu);
	page_alloc_put(nv->vmcb_pa);
	heap_free(nv);
}

#define CR0_RESERVED_HI 0xffffffff00000000ull
#define CR3_RESERVED    0xfff0000000000000ull
#define CR4_RESERVED    0xffffffffff000000ull /* bits above PKS (24) */
#define EFER_RESERVED   0xffffffffffff02feull /* all but SCE, LME, LMA, NXE, SVME, LMSLE, FFXSR, TCE */

/* The subset of VMRUN's consistency checks that a guest could get wrong by accident. */
static enum svsm_err check_vmsa_state(const struct vmsa *s)
{
	bool long_mode = (s->efer & EFER_LME) != 0 && (s->cr0 & CR0_PG) != 0;

	if ((s->cr0 & CR0_RESERVED_HI) != 0 || (s->cr3 & CR3_RESERVED) != 0 ||
	    (s->cr4 & CR4_RESERVED) != 0 || (s->efer & EFER_RESERVED) != 0 ||
	    (s->dr6 >> 32) != 0 || (s->dr7 >> 32) != 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if ((s->cr0 & CR0_PG) != 0 && (s->cr0 & CR0_PE) == 0) {
		return SVSM_E_INVALID_PARAM;
	}
	if ((s->cr0 & CR0_NW) != 0 && (s->cr0 & CR0_CD) == 0) {
		return SVSM_E_INVALID_PARAM; /* VMRUN refuses NW without CD */
	}
	if (s->g_pat != 0 && !native_pat_valid(s->g_pat)) {
		return SVSM_E_INVALID_PARAM; /* VMRUN refuses reserved memory types */
	}
	if (long_mode && ((s->cr4 & CR4_PAE) == 0 || (s->cs.attrib & 0x600) == 0x600)) {
		return SVSM_E_INVALID_PARAM; /* long mode needs PAE; CS.L and CS.D exclusive */
	}
	return SVSM_OK;
}

static void load_state(struct native_vcpu *nv, const struct vmsa *s)
{
	struct vmcb_save *d = &nv->vmcb->save;

	d->es = s->es;
	d->cs = s->cs;
	d->ss = s->ss;
	d->ds = s->ds;
	d->fs = s->fs;
	d->gs = s->gs;
	d->gdtr = s->gdtr;
	d->ldtr = s->ldtr;
	d->idtr = s->idtr;
	d->tr = s->tr;
	d->cpl = s->cpl;
	d->efer = s->efer;
	d->cr4 = s->cr4;
	d->cr3 = s->cr3;
	d->cr0 = s->cr0;
	d->dr7 = s->dr7;
	d->dr6 = s->dr6;
	d->rflags = s->rflags | 2;
	d->rip = s->rip;
	d->rsp = s->rsp;
	d->rax = s->rax;
	d->star = s->star;
	d->lstar = s->lstar;
	d->cstar = s->cstar;
	d->sfmask = s->sfmask;
	d->kernel_gs_base = s->kernel_gs_base;
	d->sysenter_cs = s->sysenter_cs;
	d->sysenter_esp = s->sysenter_esp;
	d->sysenter_eip = s->sysenter_eip;
	d->cr2 = s->cr2;
	if (s->g_pat != 0) {
		d->g_pat = s->g_pat;
	}
	nv->gprs = (struct guest_gprs){
		.rbx = s->rbx, .rcx = s->rcx, .rdx = s->rdx, .rsi = s->rsi, .rdi = s->rdi,
		.rbp = s->rbp, .r8 = s->r8, .r9 = s->r9, .r10 = s->r10, .r11 = s->r11,
		.r12 = s->r12, .r13 = s->r13, .r14 = s->r14, .r15 = s->r15,
	};
}

enum svsm_err plat_vcpu_prepare(struct vcpu *caller, struct vcpu *v, unsigned cpu)
{
	struct vmsa *s = heap_alloc(sizeof(*s));
	struct native_vcpu *nv = NULL;
	enum svsm_err err;

	if (s == NULL) {
		return SVSM_E_NOMEM;
	}
	err = guest_mem_read(v->vmsa_gpa, s, sizeof(*s)); /* the one copy we act on */
	if (err != SVSM_OK) {
		goto out;
	}
	if (s->vmpl != NATIVE_GUEST_VMPL || (s->efer & VMSA_EFER_SVME) == 0 ||
	    s->sev_features != plat_sev_features(caller)) {
		err = SVSM_E_INVALID_PARAM;
		goto out;
	}
	err = check_vmsa_state(s);
	if (err != SVSM_OK) {
		goto out;
	}
	nv = native_vcpu_new();
	if (nv == NULL) {
		err = SVSM_E_NOMEM;
		goto out;
	}
	load_state(nv, s);
	nv->pcpu = cpu;
	err = native_npt_set_writable(v->vmsa_gpa, false);
	if (err != SVSM_OK) {
		native_vcpu_free(nv);
		goto out;
	}
	v->plat = nv;
out:
	heap_free(s);
	return err;
}

/* The state after INIT then SIPI (APM vol. 2 "Processor Initialization State"). */
static void sipi_state(struct native_vcpu *nv, uint8_t vector)
{
	struct vmcb_save *s = &nv->vmcb->save;
	uint64_t pat = s->g_pat;

	*s = (struct vmcb_save){.g_pat = pat};
	s->cs = (struct vmsa_seg){(uint16_t)(vector << 8), 0x9b, 0xffff, (uint64_t)vector << 12};
	s->ds = s->es = s->ss = s->fs = s->gs = (struct vmsa_seg){0, 0x93, 0xffff, 0};
	s->gdtr = (struct vmsa_seg){0, 0, 0xffff, 0};
	s->idtr = (struct vmsa_seg){0, 0, 0xffff, 0};
	s->ldtr = (struct vmsa_seg){0, 0x82, 0xffff, 0};
	s->tr = (struct vmsa_seg){0, 0x8b, 0xffff, 0};
	s->cr0 = 0x60000010; /* ET | CD | NW */
	s->efer = EFER_SVME; /* the guest's view hides it (vcpu/msr.c) */
	s->rflags = 2;
	s->rip = 0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	nv->gprs = (struct guest_gprs){.rdx = 0x600}; /* family 6, as after reset */
}

enum svsm_err plat_vcpu_prepare_sipi(struct vcpu *v, unsigned cpu, uint8_t vector)
{
	struct native_vcpu *nv = native_vcpu_new();

	if (nv == NULL) {
		return SVSM_E_NOMEM;
	}
	sipi_state(nv, vector);
	nv->pcpu = cpu;
	v->plat = nv;
	return SVSM_OK;
}

void plat_vcpu_reset_sipi(struct vcpu *v, uint8_t vector)
{
	struct native_vcpu *nv = v->plat;

	sipi_state(nv, vector);
	nv->vmcb->control.event_inj = 0;
	nv->vmcb->control.int_ctl &= ~(uint32_t)SVM_V_IRQ;
	nv->vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
}

enum svsm_err plat_vcpu_destroy(struct vcpu *v)
{
	if (!gpa_eq(v->vmsa_gpa, VCPU_NO_VMSA) &&
	    native_npt_set_writable(v->vmsa_gpa, true) != SVSM_OK) {
		pr_warn("native: could not restore write access to %#lx\n", gpa_addr(v->vmsa_gpa));
	}
	native_vcpu_free(v->plat);
	v->plat = NULL;
	return SVSM_OK;
}

void plat_vcpu_kick(struct vcpu *v)
{
	struct native_vcpu *nv = v->plat;

	if (nv != NULL) {
		native_kick_cpu(nv->pcpu);
	}
}

/*
 * The native platform: the SVSM is the hypervisor of its guest. It runs the guest with
 * VMRUN under nested paging (native_npt maps guest RAM and MMIO, never SVSM memory),
 * intercepts VMMCALL (SVSM calls), HLT, shutdown, interrupts, NMIs, the SVM instructions,
 * the SVSM-sensitive MSRs and the test-guest completion port, and turns exits into
 * enum plat_exit for the vCPU loop. Launch-time state is written on the BSP before any
 * vCPU runs; guest_state is updated atomically.
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
#include "kernel/drivers/fw_cfg.h"
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
#include "lib/cmdline.h"
#include "svsm/abi/native_guest.h"

#define IOPM_ORDER 2   /* 12 KiB used of 16 KiB */
#define MSRPM_ORDER 1  /* 8 KiB */
#define BOOT_INFO_GPA 0x1000
#define BOOT_CA_GPA   0x2000
#define FOUR_GIB 0x100000000ull
#define GPAT_DEFAULT 0x0007040600070406ull
#define LAPIC_DEFAULT_GPA 0xfee00000ull
#define IOAPIC_GPA 0xfec00000ull
#define COM1_PORT 0x3f8u
#define PAT_TYPES_VALID 0xf3u /* bit n set: memory type n may appear in a PAT entry */

struct pgtable native_npt;
static uint64_t iopm_pa, msrpm_pa;
static volatile uint32_t guest_stopped;
static volatile int guest_result = -1;

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
		pr_err("native: %s; the native platform needs AMD-V with nested paging "
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

/* ---- guest memory and nested page tables -------------------------------------------- */

static void add_guest_range(struct guest_mem_range *r, unsigned *n, uint64_t s, uint64_t e)
{
	if (s < e && *n < GUEST_MEM_MAX_RANGES) {
		r[(*n)++] = (struct guest_mem_range){s, e};
	}
}

/* Guest RAM = RAM of the memory map minus the SVSM region. */
static enum svsm_err setup_guest_memory(void)
{
	struct guest_mem_range ram[GUEST_MEM_MAX_RANGES];
	unsigned n = 0;

	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		uint64_t s = align_up(m->base, MM_PAGE_SIZE);
		uint64_t e = align_down(m->base + m->size, MM_PAGE_SIZE);

		if (m->type != MEM_RAM) {
			continue;
		}
		if (s < boot_info.svsm_start && e > boot_info.svsm_start) {
			add_guest_range(ram, &n, s, boot_info.svsm_start);
			s = boot_info.svsm_start;
		}
		if (s < boot_info.svsm_end && e > boot_info.svsm_end) {
			add_guest_range(ram, &n, boot_info.svsm_end, e);
			continue;
		}
		if (s >= boot_info.svsm_start && e <= boot_info.svsm_end) {
			continue;
		}
		add_guest_range(ram, &n, s, e);
	}
	return guest_mem_init(ram, n, boot_info.svsm_start, boot_info.svsm_end);
}

static enum svsm_err npt_map(uint64_t start, uint64_t end)
{
	if (start >= end) {
		return SVSM_OK;
	}
	return pgtable_map(&native_npt, start, start, end - start, PTE_W | PTE_U,
			   PGTABLE_ALLOW_LARGE);
}

/*
 * Identity NPT: everything below 4 GiB except the SVSM region (RAM and MMIO holes), and
 * guest RAM above 4 GiB. The SVSM region is never mapped, so a guest access to it exits.
 */
static enum svsm_err setup_npt(void)
{
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram);
	enum svsm_err err = pgtable_init(&native_npt);

	if (err == SVSM_OK) {
		err = npt_map(0, boot_info.svsm_start);
	}
	if (err == SVSM_OK) {
		err = npt_map(boot_info.svsm_end, FOUR_GIB);
	}
	for (unsigned i = 0; i < n && err == SVSM_OK; i++) {
		if (ram[i].end > FOUR_GIB) {
			err = npt_map(ram[i].start < FOUR_GIB ? FOUR_GIB : ram[i].start, ram[i].end);
		}
	}
	/*
	 * The interrupt controllers are shared with the SVSM: through the local APIC's ICR or an
	 * IOAPIC redirection entry a guest could send INIT/SIPI to a CPU the SVSM runs on and
	 * make it execute guest-chosen code outside the nested page tables. Until they are
	 * virtualised, the guest does not get them; an access stops it (handle_npf).
	 */
	if (err == SVSM_OK) {
		err = pgtable_unmap(&native_npt, align_down(native_lapic_gpa(), MM_PAGE_SIZE), MM_PAGE_SIZE);
	}
	if (err == SVSM_OK) {
		err = pgtable_unmap(&native_npt, IOAPIC_GPA, MM_PAGE_SIZE);
	}
	/* PCI configuration space: see setup_permission_maps(). */
	if (err == SVSM_OK && boot_info.ecam_size != 0) {
		err = pgtable_unmap(&native_npt, boot_info.ecam_base, boot_info.ecam_size);
	}
	return err;
}

uint64_t native_lapic_gpa(void)
{
	return boot_info.lapic_mmio != 0 ? boot_info.lapic_mmio : LAPIC_DEFAULT_GPA;
}

enum svsm_err native_npt_set_writable(uint64_t gpa, bool writable)
{
	return pgtable_protect(&native_npt, gpa, MM_PAGE_SIZE, PTE_U | (writable ? PTE_W : 0));
}

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
 * - MSRs: those VMLOAD/VMSAVE switch per guest (FS/GS bases, syscall and sysenter MSRs).
 *   EFER, PAT, the TSC, the APIC base, the SVM MSRs and MSR_SVSM_CAA are emulated in
 *   handle_msr(); any other MSR raises #GP in the guest.
 */
static enum svsm_err setup_permission_maps(void)
{
	static const uint32_t switched_msrs[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	};
	uint8_t *iopm, *msrpm;

	iopm_pa = page_alloc_get(IOPM_ORDER, PAGE_OWNER_KERNEL);
	msrpm_pa = page_alloc_get(MSRPM_ORDER, PAGE_OWNER_KERNEL);
	if (iopm_pa == 0 || msrpm_pa == 0) {
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
			     VMCB_INTERCEPT_IOIO | VMCB_INTERCEPT_MSR | VMCB_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL | VMCB_INTERCEPT_VMLOAD |
			     VMCB_INTERCEPT_VMSAVE | VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI |
			     VMCB_INTERCEPT_SKINIT;
	c->iopm_base_pa = iopm_pa;
	c->msrpm_base_pa = msrpm_pa;
	c->asid = NATIVE_ASID;
	c->tlb_control = SVM_TLB_FLUSH_ALL;
	c->int_ctl = SVM_V_INTR_MASKING;
	c->nested_ctl = SVM_NP_ENABLE;
	c->nested_cr3 = native_npt.root;
	vmcb->save.g_pat = GPAT_DEFAULT;
}

/* ---- launching the test guest -------------------------------------------------------- */

static enum svsm_err load_guest_image(struct native_guest_header *hdr)
{
	uint16_t select;
	uint32_t size;
	enum svsm_err err;

	if (!fw_cfg_find(NATIVE_GUEST_FW_CFG_FILE, &select, &size)) {
		pr_err("native: no guest: fw_cfg file %s is missing\n", NATIVE_GUEST_FW_CFG_FILE);
		return SVSM_E_NOT_FOUND;
	}
	if (size < sizeof(*hdr)) {
		pr_err("native: guest image too small (%u bytes)\n", size);
		return SVSM_E_FORMAT;
	}
	fw_cfg_read(select, hdr, sizeof(*hdr));
	if (hdr->magic != NATIVE_GUEST_MAGIC || hdr->header_size != sizeof(*hdr) ||
	    (hdr->load_gpa & (MM_PAGE_SIZE - 1)) != 0 || hdr->mem_size < size ||
	    hdr->entry_gpa < hdr->load_gpa || hdr->entry_gpa >= hdr->load_gpa + size ||
	    !guest_mem_valid(hdr->load_gpa, hdr->mem_size) ||
	    hdr->load_gpa < BOOT_CA_GPA + MM_PAGE_SIZE) {
		pr_err("native: bad guest image header (load %#lx size %#lx entry %#lx)\n",
		       hdr->load_gpa, hdr->mem_size, hdr->entry_gpa);
		return SVSM_E_FORMAT;
	}
	/* The image is host-provided guest code: it goes to guest memory only. */
	err = guest_mem_zero(hdr->load_gpa, hdr->mem_size);
	if (err != SVSM_OK) {
		return err;
	}
	fw_cfg_read(select, phys_to_virt(hdr->load_gpa), size);
	validation_prevalidate(hdr->load_gpa, hdr->mem_size);
	pr_info("native: guest image %u bytes at %#lx, entry %#lx\n", size, hdr->load_gpa,
		hdr->entry_gpa);
	return SVSM_OK;
}

static enum svsm_err write_boot_info(void)
{
	struct native_boot_info *bi = heap_calloc(1, sizeof(*bi));
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram);
	enum svsm_err err;

	if (bi == NULL) {
		return SVSM_E_NOMEM;
	}
	bi->magic = NATIVE_BOOT_MAGIC;
	bi->ca_gpa = BOOT_CA_GPA;
	bi->svsm_base = boot_info.svsm_start;
	bi->svsm_size = boot_info.svsm_end - boot_info.svsm_start;
	bi->guest_vmpl = NATIVE_GUEST_VMPL;
	bi->cpu_count = smp_cpu_count();
	for (unsigned i = 0; i < smp_cpu_count() && i < NATIVE_BOOT_MAX_CPUS; i++) {
		bi->apic_ids[i] = percpu_area[i].apic_id;
	}
	for (unsigned i = 0; i < n && i < NATIVE_BOOT_MAX_MEM; i++) {
		bi->mem[i] = (struct native_mem_range){ram[i].start, ram[i].end - ram[i].start};
		bi->mem_count++;
	}
	cmdline_get(boot_info.cmdline, "guest_args", bi->args, sizeof(bi->args));
	err = guest_mem_write(BOOT_INFO_GPA, bi, sizeof(*bi));
	if (err == SVSM_OK) {
		err = guest_mem_zero(BOOT_CA_GPA, MM_PAGE_SIZE);
	}
	validation_prevalidate(BOOT_INFO_GPA, 2 * MM_PAGE_SIZE);
	heap_free(bi);
	return err;
}

/* 32-bit protected mode, flat segments, paging off: the guest sets up the rest. */
static void init_boot_state(struct vmcb_save *s, uint64_t entry)
{
	const struct vmsa_seg code = {0x08, 0xc9b, 0xffffffff, 0};
	const struct vmsa_seg data = {0x10, 0xc93, 0xffffffff, 0};

	s->cs = code;
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = (struct vmsa_seg){0, 0, 0, 0};
	s->idtr = (struct vmsa_seg){0, 0, 0, 0};
	s->ldtr = (struct vmsa_seg){0, 0x82, 0xffff, 0};
	s->tr = (struct vmsa_seg){0, 0x8b, 0xffff, 0};
	s->cr0 = CR0_PE | CR0_ET;
	s->efer = EFER_SVME;
	s->rflags = 2;
	s->rip = entry;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
}

enum svsm_err plat_launch_guest(struct vcpu **bsp)
{
	struct native_guest_header hdr;
	struct native_vcpu *nv;
	struct vcpu *v;
	enum svsm_err err = setup_guest_memory();

	if (err == SVSM_OK) {
		err = validation_init(0, boot_info_ram_top());
	}
	if (err == SVSM_OK) {
		err = setup_npt();
	}
	if (err == SVSM_OK) {
		err = setup_permission_maps();
	}
	if (err == SVSM_OK) {
		pr_info("native: bus mastering turned off on %u PCI functions\n",
			pci_disable_bus_mastering());
	}
	if (err == SVSM_OK) {
		err = load_guest_image(&hdr);
	}
	if (err == SVSM_OK) {
		err = write_boot_info();
	}
	if (err != SVSM_OK) {
		return err;
	}
	nv = native_vcpu_new();
	v = nv == NULL ? NULL : vcpu_alloc(percpu_area[0].apic_id, BOOT_CA_GPA, VCPU_NO_VMSA);
	if (v == NULL) {
		return SVSM_E_NOMEM;
	}
	init_boot_state(&nv->vmcb->save, hdr.entry_gpa);
	nv->gprs.rbx = BOOT_INFO_GPA;
	nv->pcpu = 0;
	v->plat = nv;
	*bsp = v;
	return SVSM_OK;
}

/* ---- running -------------------------------------------------------------------------- */

void native_stop_guest(const char *why)
{
	if (__atomic_exchange_n(&guest_stopped, 1, __ATOMIC_SEQ_CST) == 0) {
		pr_err("native: guest stopped: %s\n", why);
	}
}

bool native_guest_stopped(void)
{
	return guest_stopped != 0;
}

int native_guest_result(void)
{
	return guest_result;
}

static void inject_exception(struct vmcb *vmcb, uint8_t vector, bool has_error, uint32_t error)
{
	vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_EXCP | SVM_EVTINJ_VALID |
				  (has_error ? SVM_EVTINJ_EV | ((uint64_t)error << 32) : 0);
}

bool native_pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(pat >> (8 * i));

		if (type > 7 || (PAT_TYPES_VALID & (1u << type)) == 0) {
			return false;
		}
	}
	return true;
}

/* MSR accesses that exit (all but the VMLOAD/VMSAVE-switched ones, setup_permission_maps). */
static enum plat_exit handle_msr(struct vcpu *v, struct native_vcpu *nv)
{
	struct vmcb *vmcb = nv->vmcb;
	uint32_t msr = (uint32_t)nv->gprs.rcx;
	bool write = vmcb->control.exit_info_1 != 0;
	uint64_t value = (uint32_t)vmcb->save.rax | nv->gprs.rdx << 32;
	uint64_t result = 0;
	bool fault = false;

	switch (msr) {
	case MSR_SVSM_CAA:
		result = v->ca_gpa; /* writes are ignored, as the SNP #VC convention does */
		break;
	case MSR_VM_HSAVE_PA:
	case MSR_VM_CR:
		break; /* the guest has no SVM of its own: reads 0, writes are dropped */
	case MSR_APIC_BASE:
		fault = write; /* the shared APIC stays where and how the SVSM has it */
		result = rdmsr(MSR_APIC_BASE);
		break;
	case MSR_EFER:
		if (write) {
			/* SVME must stay set for VMRUN; reserved bits fault as on hardware. */
			fault = (value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME)) != 0;
			if (!fault) {
				vmcb->save.efer = value | EFER_SVME;
			}
		}
		result = vmcb->save.efer;
		break;
	case MSR_PAT:
		if (write) {
			fault = !native_pat_valid(value);
			if (!fault) {
				vmcb->save.g_pat = value; /* with nested paging the guest's PAT is G_PAT */
			}
		}
		result = vmcb->save.g_pat;
		break;
	case MSR_TSC:
		fault = write;
		result = rdtsc() + vmcb->control.tsc_offset;
		break;
	default:
		fault = true;
		break;
	}
	if (fault) {
		inject_exception(vmcb, VEC_GP, true, 0);
		return PLAT_EXIT_CONTINUE;
	}
	if (!write) {
		vmcb->save.rax = (uint32_t)result;
		nv->gprs.rdx = result >> 32;
	}
	vmcb->save.rip += 2;
	return PLAT_EXIT_CONTINUE;
}

static enum plat_exit handle_ioio(struct native_vcpu *nv)
{
	struct vmcb *vmcb = nv->vmcb;
	uint64_t info = vmcb->control.exit_info_1;

	vmcb->save.rip = vmcb->control.exit_info_2; /* next RIP, reported for IOIO */
	if (SVM_IOIO_PORT(info) == NATIVE_GUEST_DONE_PORT && (info & SVM_IOIO_IN) == 0 &&
	    (info & SVM_IOIO_STR) == 0) {
		guest_result = (int)(vmcb->save.rax & 0xff);
		return PLAT_EXIT_GUEST_DONE;
	}
	if ((info & SVM_IOIO_IN) != 0 && (info & SVM_IOIO_STR) == 0) {
		vmcb->save.rax |= (info & SVM_IOIO_SZ32) ? 0xffffffffull :
				  (info & SVM_IOIO_SZ16) ? 0xffffull : 0xffull;
	}
	return PLAT_EXIT_CONTINUE;
}

/*
 * A write fault on a VMSA page that another CPU has just given back (DELETE_VCPU made it
 * writable after this vCPU's write faulted) is resolved: the guest retries the write.
 */
static bool npf_resolved(uint64_t gpa, uint64_t info)
{
	uint64_t flags = 0;

	return (info & (SVM_NPF_PRESENT | SVM_NPF_WRITE)) == (SVM_NPF_PRESENT | SVM_NPF_WRITE) &&
	       guest_mem_valid(gpa, 1) && !guest_mem_is_protected(gpa, 1) &&
	       pgtable_lookup(&native_npt, align_down(gpa, MM_PAGE_SIZE), NULL, &flags, NULL) &&
	       (flags & PTE_W) != 0;
}

static enum plat_exit handle_npf(struct vcpu *v, struct native_vcpu *nv)
{
	uint64_t gpa = nv->vmcb->control.exit_info_2;
	uint64_t info = nv->vmcb->control.exit_info_1;

	if (guest_mem_touches_svsm(gpa, 1)) {
		pr_err("native: vCPU %u (APIC %u) accessed SVSM memory at GPA %#lx (RIP %#lx, %s)\n",
		       v->id, v->apic_id, gpa, nv->vmcb->save.rip,
		       (info & SVM_NPF_WRITE) ? "write" : (info & SVM_NPF_FETCH) ? "fetch" : "read");
		native_stop_guest("access to SVSM memory");
	} else if (align_down(gpa, MM_PAGE_SIZE) == align_down(native_lapic_gpa(), MM_PAGE_SIZE) ||
		   align_down(gpa, MM_PAGE_SIZE) == IOAPIC_GPA) {
		pr_err("native: vCPU %u accessed the %s at GPA %#lx (RIP %#lx): interrupt controllers "
		       "are not virtualised yet\n", v->id,
		       align_down(gpa, MM_PAGE_SIZE) == IOAPIC_GPA ? "IOAPIC" : "local APIC", gpa,
		       nv->vmcb->save.rip);
		native_stop_guest("access to an interrupt controller");
	} else if (npf_resolved(gpa, info)) {
		return PLAT_EXIT_CONTINUE; /* the page became writable meanwhile (DELETE_VCPU) */
	} else if ((info & SVM_NPF_WRITE) != 0 && guest_mem_is_protected(gpa, 1)) {
		pr_err("native: vCPU %u wrote to the VMSA page %#lx of a running vCPU (RIP %#lx)\n",
		       v->id, align_down(gpa, MM_PAGE_SIZE), nv->vmcb->save.rip);
		native_stop_guest("write to a VMSA page");
	} else {
		pr_err("native: vCPU %u: unhandled nested page fault at GPA %#lx (info %#lx)\n",
		       v->id, gpa, info);
		native_stop_guest("unhandled nested page fault");
	}
	return PLAT_EXIT_STOP;
}

enum plat_exit plat_run_vcpu(struct vcpu *v)
{
	struct native_vcpu *nv = v->plat;
	struct vmcb *vmcb = nv->vmcb;
	uint64_t code;

	if (guest_stopped || v->stop_request) {
		return PLAT_EXIT_STOP;
	}
	irq_disable();
	svm_run(nv->vmcb_pa, &nv->gprs, &nv->fpu);
	vmcb->control.tlb_control = 0;
	vmcb->control.event_inj = 0;
	code = vmcb->control.exit_code;
	switch (code) {
	case SVM_EXIT_VMMCALL:
		vmcb->save.rip += 3;
		return PLAT_EXIT_SVSM_CALL;
	case SVM_EXIT_HLT:
		vmcb->save.rip += 1;
		return PLAT_EXIT_HALT;
	case SVM_EXIT_INTR:
		/* Take the pending host interrupt (wake IPI) in a one-instruction window. */
		__asm__ volatile("sti; nop; cli" ::: "memory");
		return PLAT_EXIT_CONTINUE;
	case SVM_EXIT_NMI:
		return PLAT_EXIT_CONTINUE; /* delivered to the host after STGI */
	case SVM_EXIT_IOIO:
		return handle_ioio(nv);
	case SVM_EXIT_MSR:
		return handle_msr(v, nv);
	case SVM_EXIT_NPF:
		return handle_npf(v, nv);
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
		inject_exception(vmcb, VEC_UD, false, 0); /* no nested SVM for the guest */
		return PLAT_EXIT_CONTINUE;
	case SVM_EXIT_SHUTDOWN:
		pr_err("native: vCPU %u shut down (triple fault) at RIP %#lx\n", v->id,
		       vmcb->save.rip);
		native_stop_guest("guest shutdown");
		return PLAT_EXIT_STOP;
	case SVM_EXIT_INVALID:
		pr_err("native: vCPU %u: VMRUN refused the guest state\n", v->id);
		return PLAT_EXIT_STOP;
	default:
		pr_err("native: vCPU %u: unexpected exit %#lx (info %#lx/%#lx)\n", v->id, code,
		       vmcb->control.exit_info_1, vmcb->control.exit_info_2);
		native_stop_guest("unexpected exit");
		return PLAT_EXIT_STOP;
	}
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

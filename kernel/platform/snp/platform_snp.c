/*
 * The SNP platform's kernel glue (kernel build only): detection and GHCB set-up (plat_init),
 * validation of the SVSM's own memory, the firmware launch at VMPL2 (run_snp.c runs it),
 * PVALIDATE for the guest, the #VC and panic hooks. The logic it calls is portable and
 * host-tested (run_vmpl.c, guest_snp.c, vc.c, psc.c, ...). State: written on
 * the boot CPU before any vCPU runs (snp_state), per-CPU GHCBs touched only by their CPU with
 * interrupts off.
 */
#include <stddef.h>
#include <string.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/extable.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/platform/platform.h"
#include "kernel/platform/snp/ghcb_msr.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/insn.h"
#include "kernel/platform/snp/psc.h"
#include "kernel/platform/snp/pvalidate.h"
#include "kernel/platform/snp/rmpadjust.h"
#include "kernel/platform/snp/run_vmpl.h"
#include "kernel/platform/snp/secrets.h"
#include "kernel/platform/snp/snp_platform.h"
#include "kernel/platform/snp/vc.h"
#include "kernel/platform/snp/vmsa_snp.h"
#include "svsm/abi/boot_params.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/pgtable.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/vcpu/vcpu.h"

#define SEV_STATUS_SEV (1ull << 0)
#define SEV_STATUS_SEV_ES (1ull << 1)
#define SEV_STATUS_SNP (1ull << 2)
#define FW_RESET_IP 0xfffffff0u

static struct {
	bool early_done;
	uint64_t sev_status;
	uint64_t cbit_mask; /* C-bit for page-table entries (CPUID 0x8000001F EBX[5:0]) */
	const struct snp_cpuid_table *cpuid;
	struct snp_secrets_page *secrets;
} snp_state;

/* Written by entry.S (SVSM_SNP) from the CPUID page; readable until mm_init(). */
extern uint64_t snp_boot_cpuid_pa, snp_boot_cbit_pos;

static struct snp_cpu snp_cpus[MAX_CPUS];
/* The boot CPU's GHCB lives in the image: it is needed before the page allocator exists. */
static uint8_t boot_ghcb[4096] __attribute__((aligned(4096)));
/* An SVSM page used to ask the RMP whether the SVSM runs at VMPL0. */
static uint8_t vmpl_probe[4096] __attribute__((aligned(4096)));

const char *plat_name(void)
{
	return "snp";
}

struct snp_cpu *snp_cpu_of(unsigned index)
{
	return &snp_cpus[index];
}

struct snp_cpu *snp_this_cpu(void)
{
	return &snp_cpus[this_cpu()->index];
}

uint64_t snp_own_features(void)
{
	return snp_state.sev_status >> 2;
}

struct snp_secrets_page *snp_secrets(void)
{
	return snp_state.secrets;
}

static uint64_t image_pa(const void *va)
{
	return (uint64_t)(uintptr_t)va - KERNEL_VBASE;
}

static __attribute__((noreturn)) void terminate(unsigned int set, unsigned int code)
{
	for (;;) {
		snp_ghcb_msr_terminate(set, code);
	}
}

/*
 * Shared pages have their own mapping without the C-bit (mm_map_shared(), SHARED_AREA_BASE +
 * pa); the direct-map alias of such a page carries the C-bit and is never used. A page that
 * cannot be mapped is a broken invariant: terminate.
 */
static void *shared_va(uint64_t pa)
{
	void *va = mm_map_shared(pa_init(pa));

	if (va == NULL) {
		terminate(SNP_TERM_SET_SVSM, SNP_TERM_SHARED_MAP);
	}
	return va;
}

/* Private -> shared for one page with the MSR protocol (no GHCB needed): PVALIDATE(0), PSC. */
static enum svsm_err make_shared_msr(uint64_t va, uint64_t gpa)
{
	uint32_t rc = 0;
	enum svsm_err err = snp_pvalidate(va, RMP_PG_SIZE_4K, false, &rc);

	if (err == SVSM_OK) {
		err = snp_ghcb_msr_psc(gpa, SNP_PAGE_STATE_SHARED);
	}
	return err;
}

static unsigned int cbit_from_cpuid_page(void)
{
	uint32_t r[4];

	if (!snp_cpuid_lookup(snp_state.cpuid, 0x8000001f, 0, r)) {
		return 0;
	}
	return r[1] & 0x3f;
}

/*
 * The boot CPU's GHCB, set up by the first #VC that happens on it (the console's first port
 * write, before plat_early_init()), as Linux's decompressor does: the C-bit and the CPUID
 * page come from entry.S, the page is made shared with PVALIDATE(0) and the MSR-protocol PSC,
 * mapped without the C-bit and registered. Runs once, on the boot CPU, interrupts off.
 */
static void boot_ghcb_setup(void)
{
	struct snp_sev_info info;
	uint64_t gpa = image_pa(boot_ghcb);
	struct ghcb *g = NULL;

	pgtable_set_enc_mask(1ull << snp_boot_cbit_pos);
	snp_state.cpuid = phys_to_virt(pa_init(snp_boot_cpuid_pa));
	if (snp_ghcb_msr_sev_info(&info) != SVSM_OK) {
		terminate(SEV_TERM_SET_GEN, GHCB_SEV_ES_PROT_UNSUPPORTED);
	}
	if (make_shared_msr((uint64_t)(uintptr_t)boot_ghcb, gpa) != SVSM_OK) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_PSC);
	}
	g = shared_va(gpa);
	memset(g, 0, 4096);
	if (snp_ghcb_msr_register(gpa) != SVSM_OK) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_REGISTER);
	}
	snp_cpus[0] = (struct snp_cpu){g, gpa, true};
}

/* This CPU's GHCB, made usable on first use (boot CPU: set up; AP: registered). */
static struct snp_cpu *ghcb_ready(void)
{
	struct snp_cpu *c = snp_this_cpu();

	if (c->registered) {
		return c;
	}
	if (c->ghcb == NULL) {
		if (this_cpu()->index != 0) {
			terminate(SNP_TERM_SET_SVSM, SNP_VC_TERM_NO_GHCB);
		}
		boot_ghcb_setup();
		return c;
	}
	if (snp_ghcb_msr_register(c->ghcb_gpa) != SVSM_OK) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_REGISTER);
	}
	c->registered = true;
	return c;
}

/*
 * Early SNP set-up on the boot CPU, before the page allocator: SEV_STATUS, GHCB protocol
 * version, hypervisor features, VMPL0, the boot GHCB, then the SVSM's own memory beyond the
 * launch image is made private and validated (2M PSC entries first, 253 per call).
 */
static enum svsm_err snp_early_init(void)
{
	struct snp_sev_info info;
	uint64_t features = 0, gpa = image_pa(boot_ghcb), start, end;
	uint32_t rc = 0;
	enum svsm_err err;

	if (snp_state.early_done) {
		return SVSM_OK;
	}
	snp_state.sev_status = snp_insn_rdmsr(MSR_AMD64_SEV); /* not intercepted: no #VC */
	if ((snp_state.sev_status & (SEV_STATUS_SEV | SEV_STATUS_SEV_ES | SEV_STATUS_SNP)) !=
	    (SEV_STATUS_SEV | SEV_STATUS_SEV_ES | SEV_STATUS_SNP)) {
		return SVSM_E_UNSUPPORTED; /* not an SNP guest: there is no GHCB to terminate with
					    */
	}
	if (snp_ghcb_msr_sev_info(&info) != SVSM_OK) {
		terminate(SEV_TERM_SET_GEN, GHCB_SEV_ES_PROT_UNSUPPORTED);
	}
	err = snp_ghcb_msr_hv_features(&features);
	if (err != SVSM_OK) {
		terminate(SEV_TERM_SET_GEN, GHCB_SNP_UNSUPPORTED);
	}
	if (snp_rmpadjust_revoke((uint64_t)(uintptr_t)vmpl_probe, RMP_PG_SIZE_4K, 1, &rc) !=
	    SVSM_OK) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_NOT_VMPL0);
	}
	if (boot_info.snp.platform != SVSM_BOOT_PLATFORM_SEV_SNP ||
	    boot_info.snp.cpuid_page_gpa == 0 || boot_info.snp.secrets_page_gpa == 0) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_SECRETS_PAGE); /* needs the IGVM boot */
	}
	if (boot_info.snp.cpuid_page_gpa != snp_boot_cpuid_pa) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_CPUID); /* entry.S read another page */
	}
	snp_state.cpuid = phys_to_virt(pa_init(boot_info.snp.cpuid_page_gpa));
	snp_state.secrets = phys_to_virt(pa_init(boot_info.snp.secrets_page_gpa));
	snp_secrets_register_page(snp_state.secrets);
	snp_state.cbit_mask = 1ull << (cbit_from_cpuid_page() ? cbit_from_cpuid_page() : info.cbit);
	if (snp_state.cbit_mask != 1ull << snp_boot_cbit_pos) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_CPUID);
	}
	ghcb_ready(); /* normally done already by the console's first #VC */
	start = align_up(boot_info.igvm_svsm_region_end, MM_PAGE_SIZE);
	end = boot_info.svsm_end;
	if (start < end &&
	    snp_psc_range(snp_cpus[0].ghcb, gpa, va_from_ptr(phys_to_virt(pa_init(start))),
			  gpa_from_pa(pa_init(start)),
			  (end - start) / MM_PAGE_SIZE, SNP_PAGE_STATE_PRIVATE, &rc) != SVSM_OK) {
		terminate(SEV_TERM_SET_LINUX, GHCB_TERM_PVALIDATE);
	}
	snp_state.early_done = true;
	return SVSM_OK;
}

enum svsm_err plat_early_init(void)
{
	return snp_early_init();
}

enum svsm_err snp_shared_page_alloc(void **va, uint64_t *gpa)
{
	struct snp_cpu *c = snp_this_cpu();
	paddr_t pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	uint64_t flags = read_rflags();
	uint32_t rc = 0;
	enum svsm_err err;

	if (pa_is_null(pa)) {
		return SVSM_E_NOMEM;
	}
	irq_disable();
	err = snp_psc_range(c->ghcb, c->ghcb_gpa, va_from_ptr(phys_to_virt(pa)), gpa_from_pa(pa), 1,
			    SNP_PAGE_STATE_SHARED, &rc);
	if ((flags & (1ull << 9)) != 0) {
		irq_enable();
	}
	if (err != SVSM_OK) {
		return err; /* the page is in an unknown state: never reuse it */
	}
	*va = shared_va(pa_addr(pa));
	memset(*va, 0, MM_PAGE_SIZE);
	*gpa = gpa_addr(gpa_from_pa(pa));
	return SVSM_OK;
}

static volatile enum svsm_err ap_err;

static void register_ghcb_on_ap(void *arg)
{
	struct snp_cpu *c = arg;

	irq_disable();
	ap_err = c == snp_this_cpu() && ghcb_ready() == c ? SVSM_OK : SVSM_E_IO;
}

enum svsm_err plat_init(void)
{
	enum svsm_err err = snp_early_init();

	if (err != SVSM_OK) {
		pr_host_err("snp: SEV_STATUS %#lx: this is not an SEV-SNP guest\n",
		       snp_state.sev_status);
		return err;
	}
	/* Each AP got its GHCB in plat_ap_start(); it is registered by now (first #VC). */
	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		if (!smp_run_on(cpu, register_ghcb_on_ap, &snp_cpus[cpu]) || ap_err != SVSM_OK) {
			return SVSM_E_IO;
		}
	}
	pr_info("snp: SEV_STATUS %#lx, C-bit mask %#lx, GHCBs on %u CPUs\n", snp_state.sev_status,
		snp_state.cbit_mask, smp_cpu_count());
	return SVSM_OK;
}

/* ---- guest launch ---------------------------------------------------------------------- */

enum plat_guest_source plat_guest_source(void)
{
	return PLAT_GUEST_IN_IMAGE;
}

enum svsm_err plat_guest_prepare(enum plat_guest_source *source)
{
	*source = PLAT_GUEST_IN_IMAGE; /* the firmware of the IGVM file, at VMPL2 */
	if (boot_info.firmware_size == 0 || boot_info.snp.fw_caa_gpa == 0) {
		pr_info("snp: no firmware with an SVSM calling area in the IGVM file\n");
		return SVSM_E_NOT_FOUND;
	}
	return SVSM_OK;
}

void plat_guest_prevalidate(gpa_t gpa, uint64_t size)
{
	/* The kernel loads nothing on SNP: the launch validated the firmware's pages. */
	(void)gpa;
	(void)size;
}

enum svsm_err plat_guest_trap_mmio(gpa_t gpa, uint64_t size)
{
	/* A VMPL2 guest's MMIO is between it and the host (#VC); see platform.h. */
	(void)gpa;
	(void)size;
	return SVSM_OK;
}

enum svsm_err plat_guest_map_ro(gpa_t gpa, uint64_t size, paddr_t pa)
{
	(void)gpa;
	(void)size;
	(void)pa;
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err plat_guest_unmap(gpa_t gpa, uint64_t size)
{
	(void)gpa;
	(void)size;
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err plat_guest_pass_io(uint32_t first, uint32_t count)
{
	/* A VMPL2 guest's port I/O goes to the host through its own #VC handler. */
	(void)first;
	(void)count;
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err plat_launch_guest(const struct plat_guest_start *start, struct vcpu **bsp)
{
	const struct boot_snp *b = &boot_info.snp;
	struct snp_fw_launch l = {
	    .fw_gpa = gpa_init(boot_info.firmware_gpa),
	    .fw_size = boot_info.firmware_size,
	    .secrets_gpa = gpa_init(b->fw_secrets_gpa),
	    .cpuid_gpa = gpa_init(b->fw_cpuid_gpa),
	    .caa_gpa = gpa_init(b->fw_caa_gpa),
	    .svsm = {boot_info.svsm_start, boot_info.svsm_end - boot_info.svsm_start,
		     b->fw_caa_gpa},
	};
	struct snp_fw_vmsa_params p = {FW_RESET_IP, snp_own_features(), false, SNP_GUEST_VMPL};
	struct snp_cpu *c = snp_this_cpu();
	struct snp_vcpu *sv = NULL;
	struct vcpu *v = NULL;
	uint32_t rc = 0;
	enum svsm_err err;

	if (start != NULL || boot_info.firmware_size == 0 || b->fw_caa_gpa == 0) {
		return SVSM_E_NOT_FOUND; /* only the launch image's firmware runs on SNP */
	}
	err = snp_fw_prepare(&l, snp_state.secrets, snp_state.cpuid, DIRECT_MAP_BASE);
	sv = err == SVSM_OK ? heap_calloc(1, sizeof(*sv)) : NULL;
	if (err != SVSM_OK || sv == NULL) {
		heap_free(sv);
		return err != SVSM_OK ? err : SVSM_E_NOMEM;
	}
	sv->vmsa_pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	if (pa_is_null(sv->vmsa_pa)) {
		heap_free(sv);
		return SVSM_E_NOMEM;
	}
	sv->vmsa = phys_to_virt(sv->vmsa_pa);
	sv->svsm_page = true;
	snp_vmsa_init_fw(sv->vmsa, &p);
	irq_disable();
	err = snp_rmpadjust_make_vmsa((uint64_t)(uintptr_t)sv->vmsa, SNP_GUEST_VMPL, &rc);
	if (err == SVSM_OK) {
		/* COCONUT register_guest_vmsa: event 0, the boot CPU's APIC ID, VMPL2. */
		err = snp_ap_create(c->ghcb, c->ghcb_gpa, SVM_VMGEXIT_AP_CREATE_ON_INIT,
				    SNP_GUEST_VMPL, percpu_area[0].apic_id,
				    gpa_from_pa(sv->vmsa_pa), sv->vmsa->sev_features);
	}
	if (err == SVSM_OK) {
		v = vcpu_alloc(percpu_area[0].apic_id, gpa_init(b->fw_caa_gpa), VCPU_NO_VMSA);
		err = v == NULL ? SVSM_E_NOMEM : SVSM_OK;
	}
	if (err != SVSM_OK) {
		return err; /* the VMSA page stays with the host: not reused */
	}
	v->plat = sv;
	*bsp = v;
	pr_info("snp: firmware %#lx+%#lx at VMPL%u, CA %#lx\n", gpa_addr(l.fw_gpa), l.fw_size,
		SNP_GUEST_VMPL, b->fw_caa_gpa);
	return SVSM_OK;
}

enum svsm_err plat_pvalidate(const struct guest_mem_claim *page, bool validate,
			     enum plat_pvalidate_result *result)
{
	*result = PLAT_PVALIDATE_OK;
	if (!guest_mem_valid(page->gpa, page->len) ||
	    guest_mem_touches_svsm(page->gpa, page->len)) {
		return SVSM_E_INVALID_ADDRESS;
	}
	return snp_guest_pvalidate(va_from_ptr(phys_to_virt(pa_from_gpa(page->gpa))), page,
				   validate, result);
}

uint64_t plat_sev_features(struct vcpu *v)
{
	struct snp_vcpu *sv = v->plat;

	return sv->vmsa->sev_features;
}

/* ---- hooks ------------------------------------------------------------------------------ */

void plat_panic_hook(void)
{
	snp_wipe_vmpcks();
}

bool snp_vc_virt_to_phys(uint64_t va, uint64_t *pa)
{
	if (va < DIRECT_MAP_BASE || va >= STACK_AREA_BASE) {
		return false; /* the SVSM maps MMIO only in the direct map (mm_map_mmio) */
	}
	*pa = va - DIRECT_MAP_BASE;
	return true;
}

bool plat_handle_vc(struct trap_frame *f)
{
	/* GS base (this_cpu) is set before the IDT is loaded, so it is valid in every #VC. */
	struct snp_cpu *c = ghcb_ready();
	struct snp_vc_env env = {c->ghcb, c->ghcb_gpa, snp_state.cpuid};
	unsigned int reason = 0;

	if (f->error_code == SNP_EXIT_NOT_VALIDATED_CODE) {
		/* A guest copy touching a page the guest rescinded: an error, not a crash. */
		reason = snp_vc_not_validated(f, extable_search(f->rip));
	} else {
		reason = snp_vc_handle(f, &env);
	}
	if (reason != 0) {
		terminate(SNP_TERM_SET_SVSM, reason);
	}
	return true;
}

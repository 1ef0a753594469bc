/*
 * Starting the SVSM's own APs on SNP (plat_ap_start): a shared GHCB page per AP, a VMPL0
 * VMSA in long mode on the BSP's tables, RMPADJUST to make it a VMSA, AP_CREATION.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/platform.h"
#include "kernel/platform/snp/ghcb_msr.h"
#include "kernel/platform/snp/guest_snp.h"
#include "kernel/platform/snp/rmpadjust.h"
#include "kernel/platform/snp/snp_platform.h"
#include "kernel/platform/snp/vmsa_snp.h"

struct __attribute__((packed)) desc_reg {
	uint16_t limit;
	uint64_t base;
};

/*
 * Starts an SVSM AP at VMPL0 (COCONUT start_secondary_cpus): its GHCB page (shared, from the
 * BSP), then a VMSA in long mode with the BSP's CR0/CR3/CR4 and tables, RIP = ap_main, the
 * AP's stack; RMPADJUST makes it a VMSA and AP_CREATION (event CREATE, VMPL0) hands it to the
 * host. The VMSA page is one of two so that it is never 2 MiB aligned (the erratum Linux's
 * snp_alloc_vmsa_page() avoids). Pages of a failed start stay with the host: not reused.
 */
bool plat_ap_start(struct percpu *pc, uint32_t apic_id)
{
	struct snp_cpu *c = NULL;
	struct desc_reg gdtr = {0, 0}, idtr = {0, 0};
	struct snp_ap_vmsa_params p;
	paddr_t pair = pa_init(0), vmsa_pa = pa_init(0);
	uint64_t flags = 0;
	struct vmsa *v = NULL;
	void *ghcb = NULL;
	uint64_t ghcb_gpa = 0;
	uint32_t rc = 0;
	enum svsm_err err;

	if (snp_shared_page_alloc(&ghcb, &ghcb_gpa) != SVSM_OK) {
		return false;
	}
	*snp_cpu_of(pc->index) = (struct snp_cpu){ghcb, ghcb_gpa, false};
	pair = page_alloc_get_zeroed(1, PAGE_OWNER_KERNEL);
	if (pa_is_null(pair)) {
		return false;
	}
	vmsa_pa = pa_add(pair, MM_PAGE_SIZE);
	v = phys_to_virt(vmsa_pa);
	asm volatile("sgdt %0" : "=m"(gdtr));
	asm volatile("sidt %0" : "=m"(idtr));
	p = (struct snp_ap_vmsa_params){
	    .rip = (uint64_t)(uintptr_t)ap_main,
	    .rdi = (uint64_t)(uintptr_t)pc,
	    .stack_top = pc->kstack_top,
	    .cr0 = read_cr0(),
	    .cr3 = read_cr3(),
	    .cr4 = read_cr4(),
	    .gdtr_base = gdtr.base,
	    .gdtr_limit = gdtr.limit,
	    .idtr_base = idtr.base,
	    .idtr_limit = idtr.limit,
	    .code_sel = SEL_KCODE,
	    .data_sel = SEL_KDATA,
	    .sev_features = snp_own_features(),
	};
	snp_vmsa_init_ap(v, &p);
	flags = read_rflags();
	irq_disable(); /* the GHCB is per CPU */
	c = snp_this_cpu();
	/* A VMPL0 VMSA: RMPADJUST by VMPL0 sets the VMSA bit through a VMPL1 target. */
	err = snp_rmpadjust_make_vmsa((uint64_t)(uintptr_t)v, 1, &rc);
	if (err == SVSM_OK) {
		err = snp_ap_create(c->ghcb, c->ghcb_gpa, SVM_VMGEXIT_AP_CREATE, 0, apic_id,
				    gpa_from_pa(vmsa_pa), p.sev_features);
	}
	if ((flags & (1ull << 9)) != 0) {
		irq_enable();
	}
	if (err != SVSM_OK) {
		pr_err("snp: AP_CREATION for APIC ID %u failed (error %d, rc %u)\n", apic_id, err,
		       rc);
		return false;
	}
	return smp_wait_online(pc, 2000000);
}

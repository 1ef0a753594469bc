/*
 * SVM enablement and world switch wrapper (see svm.h). Per-CPU state (host save area,
 * host VMSAVE area, host FPU image) is written only by its own CPU.
 */
#include "kernel/arch/x86_64/svm.h"

#include <string.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/arch/x86_64/xsave.h"
#include "kernel/mm/page_alloc.h"

#define CPUID_SVM (1u << 2)          /* 8000_0001 ECX */
#define CPUID_NPT (1u << 0)          /* 8000_000A EDX */
#define VM_CR_SVMDIS (1ull << 4)

struct svm_cpu {
	uint64_t hsave_pa;
	uint64_t host_vmsave_pa;
	void *host_fpu;              /* init-state area the SVSM's library code starts from */
	struct vcpu_fpu *fpu_live;   /* guest whose vector state is in the registers, or NULL */
};

static struct svm_cpu svm_cpus[MAX_CPUS];

void svm_vmrun_asm(uint64_t vmcb_pa, struct guest_gprs *gprs, uint64_t host_save_pa);

bool svm_supported(const char **why)
{
	if (cpuid(0x80000000, 0).eax < 0x8000000a ||
	    (cpuid(0x80000001, 0).ecx & CPUID_SVM) == 0) {
		*why = "CPU has no SVM (AMD-V)";
		return false;
	}
	if ((rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) != 0) {
		*why = "SVM disabled by firmware (VM_CR.SVMDIS)";
		return false;
	}
	/*
	 * QEMU TCG honours nested paging even when the CPUID bit is clear (qemu64), real
	 * hardware does not: require the bit, as hardware would.
	 */
	if ((cpuid(0x8000000a, 0).edx & CPUID_NPT) == 0) {
		*why = "CPU has no nested paging";
		return false;
	}
	return true;
}

uint32_t svm_asid_count(void)
{
	return cpuid(0x8000000a, 0).ebx;
}

enum svsm_err vcpu_fpu_init(struct vcpu_fpu *fpu)
{
	fpu->area = xsave_area_alloc();
	fpu->xcr0 = XFEATURE_X87;
	return fpu->area == NULL ? SVSM_E_NOMEM : SVSM_OK;
}

void vcpu_fpu_free(struct vcpu_fpu *fpu)
{
	/*
	 * The vCPU has stopped; its CPU may still hold its registers as "live". Forget that
	 * (the next guest on that CPU restores all components, library code starts from the
	 * init state), so nothing is ever saved into the freed area.
	 */
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		__atomic_compare_exchange_n(&svm_cpus[i].fpu_live, &(struct vcpu_fpu *){fpu}, NULL,
					    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	xsave_area_free(fpu->area);
	fpu->area = NULL;
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

enum svsm_err svm_cpu_init(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->index];
	const char *why;

	if (!svm_supported(&why)) {
		return SVSM_E_UNSUPPORTED;
	}
	xsave_cpu_init(); /* idempotent; services_init() normally did it already */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	if (c->host_fpu == NULL) {
		c->host_fpu = xsave_area_alloc();
		if (c->host_fpu == NULL) {
			return SVSM_E_NOMEM;
		}
	}
	if (c->hsave_pa == 0) {
		/* Kept raw: MSR_VM_HSAVE_PA and the VMSAVE/VMLOAD operand. */
		c->hsave_pa = pa_addr(page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL));
		c->host_vmsave_pa = pa_addr(page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL));
		if (c->hsave_pa == 0 || c->host_vmsave_pa == 0) {
			return SVSM_E_NOMEM;
		}
	}
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	return SVSM_OK;
}

/*
 * Vector state is switched lazily. The SVSM's own code never touches vector registers
 * (-mgeneral-regs-only), so after a #VMEXIT the guest's vector state and XCR0 stay in the
 * registers; they are saved only when library code needs the vector unit (services_run()
 * calls svm_fpu_release()) or another guest is to run on this CPU.
 */
void svm_fpu_release(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->index];
	struct vcpu_fpu *fpu = c->fpu_live;

	if (fpu == NULL) {
		return;
	}
	if (xsave_enabled()) {
		/*
		 * Save under the union of the guest's XCR0 and the SVSM's: XSAVE covers only
		 * components enabled in XCR0, and the guest's registers of every component the
		 * SVSM's library code will use must be saved, whatever XCR0 the guest chose
		 * (SSE works with XCR0 = x87 alone once CR4.OSFXSR is set).
		 */
		uint64_t guest_xcr0 = xgetbv0(); /* the guest may have changed it with XSETBV */

		xsetbv0(guest_xcr0 | xsave_features());
		__asm__ volatile("xsave64 (%0)" ::"r"(fpu->area), "a"(~0u), "d"(~0u) : "memory");
		fpu->xcr0 = guest_xcr0;
		xsetbv0(xsave_features());
	} else {
		__asm__ volatile("fxsave64 (%0)" ::"r"(fpu->area) : "memory");
	}
	xsave_restore(c->host_fpu); /* library code starts from the init state */
	c->fpu_live = NULL;
}

bool svm_fpu_live(const struct vcpu_fpu *fpu)
{
	return svm_cpus[this_cpu()->index].fpu_live == fpu;
}

void svm_run(uint64_t vmcb_pa, struct guest_gprs *gprs, struct vcpu_fpu *fpu)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->index];

	if (c->fpu_live != fpu) {
		svm_fpu_release();
		if (xsave_enabled()) {
			/* Restore every component the SVSM used, then hand the guest its XCR0. */
			xsetbv0(fpu->xcr0 | xsave_features());
			__asm__ volatile("xrstor64 (%0)" ::"r"(fpu->area), "a"(~0u), "d"(~0u) : "memory");
			xsetbv0(fpu->xcr0);
		} else {
			__asm__ volatile("fxrstor64 (%0)" ::"r"(fpu->area) : "memory");
		}
		c->fpu_live = fpu;
	}
	svm_vmrun_asm(vmcb_pa, gprs, c->host_vmsave_pa);
}

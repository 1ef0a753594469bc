/*
 * SVM enablement and world switch wrapper (see svm.h). Per-CPU state (host save area,
 * host VMSAVE area, host FPU image) is written only by its own CPU.
 */
#include "kernel/arch/x86_64/svm.h"

#include <string.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/mm/page_alloc.h"

#define CPUID_SVM (1u << 2)          /* 8000_0001 ECX */
#define CPUID_NPT (1u << 0)          /* 8000_000A EDX */
#define VM_CR_SVMDIS (1ull << 4)

struct svm_cpu {
	uint64_t hsave_pa;
	uint64_t host_vmsave_pa;
	struct fpu_area host_fpu;
};

static struct svm_cpu svm_cpus[MAX_CPUS];
static struct fpu_area clean_fpu;

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

static void fpu_enable(void)
{
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_init_state(struct fpu_area *fpu)
{
	memcpy(fpu, &clean_fpu, sizeof(*fpu));
}

enum svsm_err svm_cpu_init(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->index];
	const char *why;

	if (!svm_supported(&why)) {
		return SVSM_E_UNSUPPORTED;
	}
	fpu_enable();
	__asm__ volatile("fninit; fxsave64 %0" : "=m"(c->host_fpu));
	if (this_cpu()->index == 0) {
		clean_fpu = c->host_fpu;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	if (c->hsave_pa == 0) {
		c->hsave_pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
		c->host_vmsave_pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
		if (c->hsave_pa == 0 || c->host_vmsave_pa == 0) {
			return SVSM_E_NOMEM;
		}
	}
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	return SVSM_OK;
}

void svm_run(uint64_t vmcb_pa, struct guest_gprs *gprs, struct fpu_area *fpu)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->index];

	__asm__ volatile("fxsave64 %0" : "=m"(c->host_fpu));
	__asm__ volatile("fxrstor64 %0" ::"m"(*fpu));
	svm_vmrun_asm(vmcb_pa, gprs, c->host_vmsave_pa);
	__asm__ volatile("fxsave64 %0" : "=m"(*fpu));
	__asm__ volatile("fxrstor64 %0" ::"m"(c->host_fpu));
}

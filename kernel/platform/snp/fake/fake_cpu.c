/*
 * Fake SNP CPU (host tests only): owns the emulated RMP, the recorded instruction log, the
 * fake GHCB/SEV_STATUS MSRs and the default hypervisor. State is the global fake_cpu; tests
 * are single-threaded.
 *
 * PVALIDATE and RMPADJUST check their inputs in this order (APM vol. 3 instruction pages, as
 * far as they could be read from public code; see docs/snp.md):
 *   size > 1 or reserved attribute bits or target VMPL > 3   -> FAIL_INPUT
 *   2M size with an address that is not 2M aligned            -> FAIL_INPUT
 *   page not assigned to the guest (shared)                   -> fault (#NPF on hardware)
 *   PVALIDATE outside VMPL0                                   -> fault (#GP)
 *   RMPADJUST with target VMPL <= current VMPL                -> FAIL_PERMISSION
 *   requested size differs from the RMP entry's page size     -> FAIL_SIZEMISMATCH
 *   PVALIDATE: validated state already as requested           -> EAX 0, CF=1 (no change)
 *   RMPADJUST of a page that is not validated                 -> FAIL_INPUT
 *   RMPADJUST granting more than the current VMPL has, or the
 *   VMSA bit from a VMPL other than 0                          -> FAIL_PERMISSION
 *   RMPADJUST with the VMSA bit on a 2M page                  -> FAIL_INPUT
 */
#include "kernel/platform/snp/fake/fake_cpu.h"

#include <string.h>

#include "kernel/platform/snp/insn.h"
#include "svsm/abi/ghcb.h"
#include "svsm/abi/snp.h"

struct fake_cpu fake_cpu;

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define PAGES_PER_2M 512u

static void record(enum fake_op_kind kind, uint64_t vaddr, unsigned int size, uint64_t arg,
		   uint32_t rc, bool no_change)
{
	struct fake_op *op = &fake_cpu.log[fake_cpu.op_count % FAKE_OP_LOG];

	op->kind = kind;
	op->vaddr = vaddr;
	op->size = size;
	op->arg = arg;
	op->rc = rc;
	op->no_change = no_change;
	fake_cpu.op_count++;
}

struct fake_rmp_entry *fake_rmp_entry(uint64_t gpa)
{
	uint64_t idx = 0;

	if (gpa < fake_cpu.rmp_base) {
		return NULL;
	}
	idx = (gpa - fake_cpu.rmp_base) / PAGE_4K;
	return idx < FAKE_RMP_PAGES ? &fake_cpu.rmp[idx] : NULL;
}

void fake_cpu_reset(uint64_t rmp_base)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	fake_cpu.rmp_base = rmp_base;
	fake_cpu.hv = fake_hv_default;
	fake_cpu.hv_sev_info = ((uint64_t)GHCB_PROTOCOL_MAX << GHCB_MSR_SEV_INFO_MAX_SHIFT) |
			       ((uint64_t)GHCB_PROTOCOL_MIN << GHCB_MSR_SEV_INFO_MIN_SHIFT) |
			       (51ull << GHCB_MSR_SEV_INFO_CBIT_SHIFT) | GHCB_MSR_SEV_INFO_RESP;
	fake_cpu.hv_features = GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
			       GHCB_HV_FT_SNP_MULTI_VMPL;
	fake_cpu.msr_sev_status = 0x7; /* SEV, SEV-ES, SNP */
}

void fake_cpu_set_hv(fake_hv_fn fn, void *ctx)
{
	fake_cpu.hv = fn != NULL ? fn : fake_hv_default;
	fake_cpu.hv_ctx = ctx;
}

bool fake_cpu_svsm_access_faults(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	for (uint64_t p = addr & ~(PAGE_4K - 1); p < end; p += PAGE_4K) {
		const struct fake_rmp_entry *e = fake_rmp_entry(p);

		if (e != NULL && (!e->assigned || !e->validated)) {
			fake_cpu.svsm_access_faults++;
			return true;
		}
	}
	return false;
}

/* ---- Hypervisor-side RMP updates. ---- */

static void rmp_set(uint64_t gpa, bool assigned, bool size_2m)
{
	struct fake_rmp_entry *e = fake_rmp_entry(gpa);

	if (e == NULL) {
		return;
	}
	memset(e, 0, sizeof(*e));
	e->assigned = assigned;
	e->size_2m = size_2m;
	e->perms[0] = assigned ? 0xf : 0;
}

void fake_rmp_assign(uint64_t gpa, bool size_2m)
{
	if (size_2m) {
		gpa &= ~(PAGE_2M - 1);
		for (unsigned int i = 0; i < PAGES_PER_2M; i++) {
			rmp_set(gpa + i * PAGE_4K, true, true);
		}
	} else {
		rmp_set(gpa, true, false);
	}
}

void fake_rmp_make_shared(uint64_t gpa, bool size_2m)
{
	if (size_2m) {
		gpa &= ~(PAGE_2M - 1);
		for (unsigned int i = 0; i < PAGES_PER_2M; i++) {
			rmp_set(gpa + i * PAGE_4K, false, false);
		}
	} else {
		struct fake_rmp_entry *e = fake_rmp_entry(gpa);

		/* A 4K conversion inside a 2M entry smashes it first (KVM does the same). */
		if (e != NULL && e->size_2m) {
			fake_rmp_psmash(gpa);
		}
		rmp_set(gpa, false, false);
	}
}

/* PSMASH: a 2M entry becomes 512 4K entries with the same validated state and permissions. */
void fake_rmp_psmash(uint64_t gpa)
{
	gpa &= ~(PAGE_2M - 1);
	for (unsigned int i = 0; i < PAGES_PER_2M; i++) {
		struct fake_rmp_entry *e = fake_rmp_entry(gpa + i * PAGE_4K);

		if (e != NULL) {
			e->size_2m = false;
		}
	}
}

/* ---- Guest instructions. ---- */

static uint32_t pvalidate_rc(uint64_t vaddr, unsigned int size, bool validate, bool *no_change)
{
	struct fake_rmp_entry *e = NULL;
	unsigned int count = size == RMP_PG_SIZE_2M ? PAGES_PER_2M : 1;

	*no_change = false;
	if (size > RMP_PG_SIZE_2M) {
		return SNP_INSN_FAIL_INPUT;
	}
	if (size == RMP_PG_SIZE_2M && (vaddr & (PAGE_2M - 1)) != 0) {
		return SNP_INSN_FAIL_INPUT;
	}
	vaddr &= ~(PAGE_4K - 1);
	e = fake_rmp_entry(vaddr);
	if (e != NULL && fake_rmp_entry(vaddr + (count - 1) * PAGE_4K) == NULL) {
		e = NULL;
	}
	if (e == NULL || !e->assigned || fake_cpu.vmpl != 0) {
		fake_cpu.faults++;
		return SNP_INSN_FAULTED;
	}
	if ((size == RMP_PG_SIZE_2M) != e->size_2m) {
		return SNP_INSN_FAIL_SIZEMISMATCH;
	}
	if (e->validated == validate) {
		*no_change = true;
		return SNP_INSN_SUCCESS;
	}
	for (unsigned int i = 0; i < count; i++) {
		e[i].validated = validate;
	}
	return SNP_INSN_SUCCESS;
}

uint32_t snp_insn_pvalidate(uint64_t vaddr, unsigned int size, bool validate, bool *no_change)
{
	uint32_t rc = pvalidate_rc(vaddr, size, validate, no_change);

	fake_cpu.pvalidate_count++;
	record(FAKE_OP_PVALIDATE, vaddr, size, validate, rc, *no_change);
	return rc;
}

static uint32_t rmpadjust_rc(uint64_t vaddr, unsigned int size, uint64_t attrs)
{
	struct fake_rmp_entry *e = NULL;
	unsigned int target = (unsigned int)(attrs & RMPADJUST_VMPL_MASK);
	uint8_t perms = (uint8_t)((attrs >> RMPADJUST_PERM_SHIFT) & 0xff);
	bool vmsa = (attrs & RMPADJUST_VMSA_PAGE) != 0;
	unsigned int count = size == RMP_PG_SIZE_2M ? PAGES_PER_2M : 1;

	if (size > RMP_PG_SIZE_2M || (attrs & RMPADJUST_RESERVED_MASK) != 0 ||
	    target > SNP_VMPL_MAX || (perms & 0xf0) != 0) {
		return SNP_INSN_FAIL_INPUT;
	}
	if (size == RMP_PG_SIZE_2M && (vaddr & (PAGE_2M - 1)) != 0) {
		return SNP_INSN_FAIL_INPUT;
	}
	vaddr &= ~(PAGE_4K - 1);
	e = fake_rmp_entry(vaddr);
	if (e != NULL && fake_rmp_entry(vaddr + (count - 1) * PAGE_4K) == NULL) {
		e = NULL;
	}
	if (e == NULL || !e->assigned) {
		fake_cpu.faults++;
		return SNP_INSN_FAULTED;
	}
	if (target <= fake_cpu.vmpl) {
		return SNP_INSN_FAIL_PERMISSION;
	}
	if ((size == RMP_PG_SIZE_2M) != e->size_2m) {
		return SNP_INSN_FAIL_SIZEMISMATCH;
	}
	if (!e->validated) {
		return SNP_INSN_FAIL_INPUT;
	}
	if ((perms & ~e->perms[fake_cpu.vmpl]) != 0 || (vmsa && fake_cpu.vmpl != 0)) {
		return SNP_INSN_FAIL_PERMISSION;
	}
	if (vmsa && size == RMP_PG_SIZE_2M) {
		return SNP_INSN_FAIL_INPUT;
	}
	for (unsigned int i = 0; i < count; i++) {
		e[i].perms[target] = perms;
		e[i].vmsa = vmsa;
	}
	return SNP_INSN_SUCCESS;
}

uint32_t snp_insn_rmpadjust(uint64_t vaddr, unsigned int size, uint64_t attrs)
{
	uint32_t rc = rmpadjust_rc(vaddr, size, attrs);

	fake_cpu.rmpadjust_count++;
	record(FAKE_OP_RMPADJUST, vaddr, size, attrs, rc, false);
	return rc;
}

void snp_insn_vmgexit(void)
{
	uint64_t exit_code = 0;

	if ((fake_cpu.msr_ghcb & GHCB_MSR_INFO_MASK) == 0 && fake_cpu.msr_ghcb != 0) {
		exit_code = ((struct ghcb *)(uintptr_t)fake_cpu.msr_ghcb)->save.sw_exit_code;
	}
	fake_cpu.vmgexit_count++;
	record(FAKE_OP_VMGEXIT, fake_cpu.msr_ghcb, 0, exit_code, 0, false);
	fake_cpu.hv(fake_cpu.hv_ctx);
}

uint64_t snp_insn_rdmsr(uint32_t msr)
{
	if (msr == MSR_AMD64_SEV_ES_GHCB) {
		return fake_cpu.msr_ghcb;
	}
	if (msr == MSR_AMD64_SEV) {
		return fake_cpu.msr_sev_status;
	}
	return 0;
}

void snp_insn_wrmsr(uint32_t msr, uint64_t value)
{
	if (msr == MSR_AMD64_SEV_ES_GHCB) {
		fake_cpu.msr_ghcb = value;
	}
}

void snp_insn_terminated(void)
{
	fake_cpu.terminated = true;
}

/* ---- Default hypervisor. ---- */

static uint64_t hv_psc_apply(uint64_t gpa, unsigned int op, bool size_2m)
{
	struct fake_rmp_entry *e = fake_rmp_entry(gpa);

	if (e == NULL) {
		return VMGEXIT_PSC_ERROR_INVALID_ENTRY;
	}
	switch (op) {
	case SNP_PAGE_STATE_PRIVATE:
		if (size_2m && !fake_cpu.hv_psc_4k_only) {
			fake_rmp_assign(gpa, true);
		} else {
			for (unsigned int i = 0; i < (size_2m ? PAGES_PER_2M : 1); i++) {
				fake_rmp_assign(gpa + i * PAGE_4K, false);
			}
		}
		return 0;
	case SNP_PAGE_STATE_SHARED:
		fake_rmp_make_shared(gpa, size_2m);
		return 0;
	case SNP_PAGE_STATE_PSMASH:
		fake_rmp_psmash(gpa);
		return 0;
	default:
		return VMGEXIT_PSC_ERROR_INVALID_ENTRY;
	}
}

static void hv_ghcb_psc(struct ghcb *g)
{
	struct psc_desc *d = (struct psc_desc *)(uintptr_t)g->save.sw_scratch;
	unsigned int done = 0;

	if (d == NULL || d->hdr.end_entry >= VMGEXIT_PSC_MAX_ENTRY) {
		g->save.sw_exit_info_2 = VMGEXIT_PSC_ERROR_INVALID_HDR;
		return;
	}
	while (d->hdr.cur_entry <= d->hdr.end_entry) {
		uint64_t e = d->entries[d->hdr.cur_entry];
		uint64_t gpa = ((e >> PSC_ENTRY_GFN_SHIFT) & PSC_ENTRY_GFN_MASK) << 12;
		unsigned int op = (unsigned int)((e >> PSC_ENTRY_OP_SHIFT) & PSC_ENTRY_OP_MASK);
		uint64_t err = 0;

		if (fake_cpu.hv_psc_per_call != 0 && done == fake_cpu.hv_psc_per_call) {
			break;
		}
		err = hv_psc_apply(gpa, op, (e & PSC_ENTRY_2M) != 0);
		if (err != 0) {
			g->save.sw_exit_info_2 = err;
			return;
		}
		d->hdr.cur_entry++;
		done++;
	}
	g->save.sw_exit_info_2 = 0;
}

static void hv_msr_protocol(uint64_t req)
{
	uint64_t code = req & GHCB_MSR_INFO_MASK;

	switch (code) {
	case GHCB_MSR_SEV_INFO_REQ:
		fake_cpu.msr_ghcb = fake_cpu.hv_sev_info;
		break;
	case GHCB_MSR_HV_FT_REQ:
		fake_cpu.msr_ghcb = (fake_cpu.hv_features << 12) | GHCB_MSR_HV_FT_RESP;
		break;
	case GHCB_MSR_REG_GPA_REQ:
		fake_cpu.hv_registered_ghcb = req & ~GHCB_MSR_INFO_MASK;
		fake_cpu.msr_ghcb = fake_cpu.hv_registered_ghcb | GHCB_MSR_REG_GPA_RESP;
		break;
	case GHCB_MSR_PSC_REQ: {
		uint64_t gpa = ((req >> 12) & GHCB_MSR_PSC_GFN_MASK) << 12;
		unsigned int op = (unsigned int)((req >> GHCB_MSR_PSC_OP_SHIFT) & 0xf);
		uint64_t err = hv_psc_apply(gpa, op, false);

		fake_cpu.msr_ghcb = (err != 0 ? (1ull << 32) : 0) | GHCB_MSR_PSC_RESP;
		break;
	}
	case GHCB_MSR_VMPL_REQ:
		fake_cpu.hv_run_vmpl_count++;
		fake_cpu.msr_ghcb = GHCB_MSR_VMPL_RESP;
		break;
	case GHCB_MSR_CPUID_REQ:
		fake_cpu.msr_ghcb = ((uint64_t)fake_cpu.hv_cpuid_value << 32) | GHCB_MSR_CPUID_RESP;
		break;
	case GHCB_MSR_TERM_REQ:
		fake_cpu.term_request = req;
		break;
	default:
		fake_cpu.msr_ghcb = 0; /* unknown request: no valid response code */
		break;
	}
}

void fake_hv_default(void *ctx)
{
	uint64_t msr = fake_cpu.msr_ghcb;
	struct ghcb *g = NULL;

	(void)ctx;
	if ((msr & GHCB_MSR_INFO_MASK) != 0) {
		hv_msr_protocol(msr);
		return;
	}
	g = (struct ghcb *)(uintptr_t)msr;
	if (g == NULL) {
		return;
	}
	g->save.sw_exit_info_1 = 0;
	switch (g->save.sw_exit_code) {
	case SVM_VMGEXIT_PSC:
		hv_ghcb_psc(g);
		break;
	case SVM_VMGEXIT_SNP_RUN_VMPL:
		fake_cpu.hv_run_vmpl_count++;
		g->save.sw_exit_info_2 = 0;
		break;
	default:
		g->save.sw_exit_info_1 = GHCB_HV_RESP_MALFORMED_INPUT;
		g->save.sw_exit_info_2 = GHCB_ERR_INVALID_USAGE;
		break;
	}
}
